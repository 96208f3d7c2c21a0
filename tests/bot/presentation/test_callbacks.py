"""One module names every callback-data prefix, and the patterns the app registers."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CallbackQueryHandler

from bot.presentation import callbacks
from handlers import admin, complaint_flow, held, officer, resident, teaching, tracking
from tests.conftest import Harness


def test_prefixes_are_distinct_single_letters() -> None:
    assert len(set(callbacks.ALL_PREFIXES)) == len(callbacks.ALL_PREFIXES)
    assert all(len(p) == 1 for p in callbacks.ALL_PREFIXES)


def test_data_is_refused_over_64_bytes() -> None:
    assert callbacks.data(callbacks.TOPIC, "ktp-hilang") == "t:ktp-hilang"
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.data(callbacks.TOPIC, "x" * 70)
    assert callbacks.parts("k:DS-7K4P2Q:terima") == ["k", "DS-7K4P2Q", "terima"]
    assert callbacks.parts(None) == []


def test_patterns_take_exactly_their_prefixes() -> None:
    taken = {
        callbacks.OFFICER_PATTERN: {callbacks.CARD},
        callbacks.TRACKING_PATTERN: {callbacks.RESIDENT},
        callbacks.ASSIGN_PATTERN: {callbacks.ASSIGN},
        callbacks.HELD_PATTERN: {callbacks.HELD},
        callbacks.TEACH_PATTERN: {callbacks.TEACH},
        callbacks.FLOW_PATTERN: set(callbacks.FLOW_PREFIXES),
    }
    for pattern, prefixes in taken.items():
        for prefix in callbacks.ALL_PREFIXES:
            matched = re.match(pattern, f"{prefix}:x") is not None
            assert matched == (prefix in prefixes), (pattern, prefix)
        assert re.match(pattern, "kx:1") is None


async def test_the_app_routes_each_prefix_to_its_handler(bot: Harness) -> None:
    expected = {
        callbacks.CARD: officer.on_button,
        callbacks.RESIDENT: tracking.on_button,
        callbacks.ASSIGN: admin.assign,
        callbacks.HELD: held.on_button,
        callbacks.TEACH: teaching.on_button,
        **{p: complaint_flow.on_button for p in callbacks.FLOW_PREFIXES},
        **{p: resident.callback for p in callbacks.RESIDENT_PREFIXES},
    }
    handlers = [
        h
        for group in bot.application.handlers.values()
        for h in group
        if isinstance(h, CallbackQueryHandler)
    ]
    for prefix, callback in expected.items():
        data = f"{prefix}:x"
        first = next(h for h in handlers if h.pattern is None or h.pattern.match(data))
        assert first.callback.__wrapped__ is callback, prefix  # handlers are wrapped to log
