"""The teaching service: groups shown, taught, drafted, ignored, audited and undone."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.services import teaching
from bot.services.knowledge import LiveKnowledge
from bot.services.questions import QuestionLog
from bot.services.teaching import Teacher, TeachingService
from db import Database
from faq import editing
from faq.editing import FaqEditor

ADMIN = Teacher(4242, "Admin Kominfostan")
MISSED = "ktp ku tercecer entah dimana sewaktu pindahan"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[TeachingService]:
    faq_dir = tmp_path / "faq"
    shutil.copytree(PROJECT_ROOT / "faq" / "content", faq_dir)
    knowledge = LiveKnowledge(faq_dir, PROJECT_ROOT / "data" / "opd.yaml")
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    editor = FaqEditor(faq_dir, knowledge.opd_file, folds=2)
    try:
        yield TeachingService(db, knowledge, editor)
    finally:
        await db.close()


async def ask_missed(service: TeachingService, texts: list[str]) -> None:
    log = QuestionLog(service.db)
    for text in texts:
        reply = service.knowledge.assistant.ask(text)
        await log.record_unanswered(
            text, reply.analysis.text if reply.analysis else text, None, None
        )


def answered(service: TeachingService, text: str) -> str | None:
    reply = service.knowledge.assistant.ask(text)
    return reply.topic.id if reply.intent == "faq" and reply.topic else None


async def test_groups_biggest_first_with_likely_topics(service: TeachingService) -> None:
    await ask_missed(service, [MISSED, MISSED, "ktp ku tercecer entah dmn sewaktu pindahan"])
    await ask_missed(service, ["resep kue bolu pandan 081234567890"])
    groups, total = await service.open_groups()
    assert total == 2
    first, second = groups
    assert first.group.count == 3 and first.group.example == MISSED
    assert "ktp-hilang-rusak" in first.likely and len(first.likely) <= 3
    assert second.group.count == 1 and "081234567890" not in second.group.example


async def test_teach_then_the_bot_answers_then_undo(service: TeachingService) -> None:
    await ask_missed(service, [MISSED, MISSED])
    path = service.editor.file_of("ktp-hilang-rusak")
    assert path is not None
    original = path.read_bytes()
    assert answered(service, MISSED) is None
    [group], _ = await service.open_groups()

    outcome = await service.teach(group.id, "ktp-hilang-rusak", ADMIN)

    assert outcome.ok and outcome.reloaded and outcome.questions == 2, outcome
    assert answered(service, MISSED) == "ktp-hilang-rusak"  # the live bot, reloaded
    assert (await service.open_groups())[1] == 0  # handled
    [entry] = await service.history()
    assert (entry.action, entry.topic_id, entry.admin_name) == (
        "teach",
        "ktp-hilang-rusak",
        ADMIN.name,
    )
    assert entry.phrasings == (MISSED,)
    again = await service.teach(group.id, "ktp-hilang-rusak", ADMIN)
    assert not again.ok and again.reason == teaching.STALE

    undone = await service.undo_last(ADMIN, outcome.entry_id)
    assert undone.ok and undone.questions == 2
    assert path.read_bytes() == original
    assert answered(service, MISSED) is None
    assert (await service.open_groups())[1] == 1  # back in the list
    assert (await service.history())[0].undone_at is not None
    assert (await service.undo_last(ADMIN)).reason == teaching.NOTHING_TO_UNDO


async def test_undo_refuses_when_the_file_changed_since(service: TeachingService) -> None:
    await ask_missed(service, [MISSED])
    [group], _ = await service.open_groups()
    outcome = await service.teach(group.id, "ktp-hilang-rusak", ADMIN)
    assert outcome.ok
    path = service.editor.file_of("ktp-hilang-rusak")
    assert path is not None
    path.write_text(path.read_text("utf-8") + "# diedit tangan\n", "utf-8")
    edited = path.read_bytes()
    undone = await service.undo_last(ADMIN)
    assert not undone.ok and undone.reason == editing.CHANGED
    assert path.read_bytes() == edited
    assert (await service.history())[0].undone_at is None


async def test_a_stale_undo_button_does_not_undo_a_newer_action(service: TeachingService) -> None:
    await ask_missed(service, [MISSED, "resep kue bolu pandan"])
    first, second = (await service.open_groups())[0]
    older = await service.ignore(first.id, ADMIN)
    newer = await service.ignore(second.id, ADMIN)
    assert older.ok and newer.ok
    assert (await service.undo_last(ADMIN, older.entry_id)).reason == teaching.NOT_LAST
    assert (await service.undo_last(ADMIN, newer.entry_id)).ok
    assert (await service.open_groups())[1] == 1


async def test_draft_and_ignore(service: TeachingService) -> None:
    await ask_missed(service, ["jadwal lomba layangan agustusan", "resep kue bolu pandan"])
    groups, _ = await service.open_groups()
    by_example = {g.group.example: g for g in groups}
    drafted = await service.draft(by_example["jadwal lomba layangan agustusan"].id, ADMIN)
    assert drafted.ok and drafted.topic_id == "jadwal-lomba-layangan"
    assert (service.editor.faq_dir / "_draft.yaml").is_file()
    assert "jadwal-lomba-layangan" not in service.knowledge.knowledge.topics
    ignored = await service.ignore(by_example["resep kue bolu pandan"].id, ADMIN)
    assert ignored.ok
    assert (await service.open_groups())[1] == 0
    assert [e.action for e in await service.history()] == ["ignore", "draft"]
    assert (await service.undo_last(ADMIN)).ok  # the ignore
    assert (await service.undo_last(ADMIN)).ok  # the draft: the file did not exist before
    assert not (service.editor.faq_dir / "_draft.yaml").exists()


def test_search_by_words(service: TeachingService) -> None:
    found = service.search_topics("pbb")
    assert found and all(t in service.knowledge.knowledge.topics for t in found)
    assert "pbb-bayar" in found
    assert service.search_topics("   ") == ()


async def test_the_admin_hears_when_the_bot_still_only_suggests_the_topic(
    service: TeachingService,
) -> None:
    question = "kartu pengenal bocah buat apa gunanya"
    await ask_missed(service, [question])
    [group], _ = await service.open_groups()
    outcome = await service.teach(group.id, "kia", ADMIN)
    assert outcome.ok and not outcome.answers_now
