"""The live knowledge: reloads take turns (two teachings reloading at once)."""

from __future__ import annotations

import threading
import time

import pytest

from bot import PROJECT_ROOT
from bot.services import knowledge as knowledge_module
from bot.services.knowledge import LiveKnowledge


def test_reloads_take_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload that read the files first must not replace one that read them after a
    later edit: the second waits until the first has swapped its result in."""
    live = LiveKnowledge(PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml")
    load = knowledge_module.load_knowledge
    first_reading, go_on = threading.Event(), threading.Event()
    calls = []

    def slow_first_load(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            first_reading.set()
            go_on.wait(5)
        return load(*args, **kwargs)

    monkeypatch.setattr(knowledge_module, "load_knowledge", slow_first_load)
    first = threading.Thread(target=live.reload)
    first.start()
    assert first_reading.wait(5)
    second = threading.Thread(target=live.reload)
    second.start()
    time.sleep(0.3)
    assert len(calls) == 1  # the second reload has not started reading
    go_on.set()
    first.join(10)
    second.join(10)
    assert len(calls) == 2
