"""A fake Telegram Bot API with the network's latency and Telegram's flood limits.

It extends `tests.integration.fake_bot_api.FakeBotApi` (real HTTP, threads) for the load
benchmark (bench/bench_load.py):

- **Latency.** Every call waits a random 80 ms ± 40 ms (uniform) before it is handled, as a
  round trip to Telegram does; the updates a `getUpdates` returns reach the bot that much
  later too.
- **Limits.** Messages (sends, copies and edits) are counted against Telegram's published
  limits: about 30 a second overall, 20 a minute into one group, and about 1 a second into
  one private chat, where short bursts are tolerated (a bucket of `PRIVATE_BURST`, refilled
  at 1 a second). A message beyond a limit is refused with 429 "Too Many Requests: retry
  after N" and `parameters.retry_after` N, and has no effect; the refusals are counted.
"""

from __future__ import annotations

import math
import random
import sys
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.integration.fake_bot_api import FakeBotApi

LIMITED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendLocation",
        "copyMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
PRIVATE_BURST = 3  # messages a private chat may get at once before the 1/s rate applies


class TelegramLikeApi(FakeBotApi):
    def __init__(
        self,
        token: str,
        *,
        latency_ms: float = 80.0,
        jitter_ms: float = 40.0,
        seed: int = 1,
        **options: Any,
    ) -> None:
        super().__init__(token, **options)
        self.latency = latency_ms / 1000
        self.jitter = jitter_ms / 1000
        self._rng = random.Random(seed)
        self._limit_lock = threading.Lock()
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = defaultdict(deque)
        self._private: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self.refused: dict[str, int] = defaultdict(int)  # 429s by limit

    def _delay(self) -> float:
        with self._limit_lock:
            return max(0.0, self.latency + self._rng.uniform(-self.jitter, self.jitter))

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            status, body = super().handle(method, params)
            if body.get("result"):
                time.sleep(self._delay())  # the updates travel to the bot
            return status, body
        time.sleep(self._delay())
        if method in LIMITED:
            wait = self._admit(params.get("chat_id"))
            if wait is not None:
                retry_after = max(1, math.ceil(wait))
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                }
        return super().handle(method, params)

    def _admit(self, chat_id: Any) -> float | None:
        """Count one message; None when Telegram takes it, else seconds until it would."""
        try:
            chat = int(chat_id)
        except (TypeError, ValueError):
            chat = 0
        now = time.monotonic()
        with self._limit_lock:
            overall = self._overall
            while overall and overall[0] <= now - 1.0:
                overall.popleft()
            if len(overall) >= OVERALL_PER_SECOND:
                self.refused["overall"] += 1
                return overall[0] + 1.0 - now
            if chat < 0:
                group = self._groups[chat]
                while group and group[0] <= now - 60.0:
                    group.popleft()
                if len(group) >= GROUP_PER_MINUTE:
                    self.refused["group"] += 1
                    return group[0] + 60.0 - now
                group.append(now)
            elif chat > 0:
                tokens, at = self._private.get(chat, (float(PRIVATE_BURST), now))
                tokens = min(float(PRIVATE_BURST), tokens + (now - at))
                if tokens < 1.0:
                    self.refused["private"] += 1
                    return 1.0 - tokens
                self._private[chat] = (tokens - 1.0, now)
            overall.append(now)
            return None
