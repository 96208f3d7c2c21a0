from __future__ import annotations

from pathlib import Path

from bot.services.questions import QuestionLog
from db import Database


async def test_unanswered_questions_are_ranked_by_frequency(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.sqlite3")
    await db.open()
    try:
        log = QuestionLog(db)
        for _ in range(3):
            await log.record_unanswered("Jadwal posyandu?", "jadwal posyandu", "imunisasi", 0.4)
        await log.record_unanswered("resep kue", "resep kue", None, None)
        top = await log.top_unanswered()
        assert [(t.normalized, t.times, t.nearest_topic) for t in top] == [
            ("jadwal posyandu", 3, "imunisasi"),
            ("resep kue", 1, None),
        ]
    finally:
        await db.close()


async def test_feedback_reference_hides_the_chat_id(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.sqlite3")
    await db.open()
    try:
        log = QuestionLog(db)
        ref = await log.answer_ref(5550001, 42)
        assert "5550001" not in ref and ref == await log.answer_ref(5550001, 42)
        assert await log.record_feedback("ktp-baru", True, ref) is True
        assert await log.record_feedback("ktp-baru", False, ref) is False
        assert await log.feedback_counts() == {"ktp-baru": (1, 0)}
    finally:
        await db.close()


async def test_personal_numbers_in_questions_are_masked(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.sqlite3")
    await db.open()
    try:
        log = QuestionLog(db)
        await log.record_unanswered("nik 1207012345678901 wa 081234567890", "x", None, None)
        [item] = await log.top_unanswered()
        assert "1207012345678901" not in item.example and "081234567890" not in item.example
    finally:
        await db.close()
