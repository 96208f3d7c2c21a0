"""The status model: one enum, one transitions table, everything else derived from them."""

from __future__ import annotations

import re

from bot.presentation import callbacks, render, texts
from bot.services.complaints.models import (
    AT_OPD,
    FINISHED,
    OFFICER_ACTIONS,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Status,
    officer_action,
)
from db.database import MIGRATIONS_DIR


def test_the_statuses_are_the_ones_the_database_accepts() -> None:
    schema = (MIGRATIONS_DIR / "0002_complaints.sql").read_text(encoding="utf-8")
    check = re.search(r"status\s+TEXT NOT NULL CHECK \(status IN\s*\(([^)]*)\)", schema)
    assert check is not None
    assert [s.strip(" '\n") for s in check.group(1).split(",")] == [s.value for s in Status]
    assert set(OPEN_STATUSES) | set(FINISHED) == set(Status)
    assert set(AT_OPD) == set(OPEN_STATUSES) - {Status.BARU}


def test_the_status_model_of_the_spec() -> None:
    edges = {(s, t.target) for t in TRANSITIONS.values() for s in t.sources}
    for step in [
        (Status.BARU, Status.DITERUSKAN),  # delivered to the OPD group
        (Status.DITERUSKAN, Status.DITERIMA),
        (Status.DITERIMA, Status.DIPROSES),
        (Status.DIPROSES, Status.SELESAI),
        (Status.SELESAI, Status.DITUTUP),  # confirmed, or closed after silence
        (Status.SELESAI, Status.DIPROSES),  # reopened
        (Status.DIPROSES, Status.BARU),  # bukan wewenang / dialihkan: back to routing
    ]:
        assert step in edges, step
    # Nothing leaves "ditutup"; nothing but delivery leaves "baru" forward.
    assert not any(Status.DITUTUP in t.sources for t in TRANSITIONS.values())
    assert {t.target for t in TRANSITIONS.values() if Status.BARU in t.sources} == {
        Status.DITERUSKAN,
        Status.BARU,
    }


def test_every_officer_action_has_a_button_words_and_fitting_data() -> None:
    assert set(OFFICER_ACTIONS) == {a for a, t in TRANSITIONS.items() if "officer" in t.actors}
    for action in OFFICER_ACTIONS:
        assert action in render.CARD_BUTTONS and action in texts.OFFICER_WHAT
        if TRANSITIONS[action].needs_note:
            assert action in texts.OFFICER_PROMPT
        data = callbacks.data(callbacks.CARD, "DS-7K4P2Q", action, "inspektorat")
        assert len(data.encode()) <= callbacks.MAX_BYTES


def test_officer_actions_from_callback_data() -> None:
    assert officer_action("terima") is Action.TERIMA
    assert officer_action("tetapkan") is None  # an admin's, not an officer's
    assert officer_action("hapus") is None and officer_action("") is None


def test_statuses_compare_and_store_as_their_text() -> None:
    assert Status.DITERUSKAN == "diteruskan" and f"{Status.SELESAI}" == "selesai"
    assert texts.STATUS_LABELS[Status.BARU] == texts.STATUS_LABELS["baru"]
