"""Offline tools: the in-process Bot API (`local_api`), the update simulator, the terminal
chat, and the evaluation of `ask`/`route` on a CSV. None of them needs a token or network;
tests, benchmarks and `python -m bot chat|eval` use them."""
