"""Texts split by audience, read through one namespace."""

from __future__ import annotations

import importlib

from bot.presentation import texts


def test_no_text_is_defined_by_two_audiences() -> None:
    seen: dict[str, str] = {}
    for audience in texts.AUDIENCES:
        module = importlib.import_module(f"bot.presentation.texts.{audience}")
        for name in vars(module):
            if name.isupper():
                assert name not in seen, f"{name} in {seen.get(name)} and {audience}"
                seen[name] = audience
                assert getattr(texts, name) is getattr(module, name)
    assert len(seen) > 150


def test_texts_by_audience() -> None:
    from bot.presentation.texts import admin, officer, resident

    assert hasattr(resident, "FLOW_SUMMARY") and hasattr(officer, "CARD")
    assert hasattr(admin, "TRIAGE_ITEM") and hasattr(admin, "ADMIN_BAD_PERIOD")
