"""/pertanyaan through the real Application: an admin teaches the bot a missed question,
the bot answers it, the admin undoes it; refusals, concurrency and hand edits."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import build_application, running
from bot.offline.local_api import ApiCall, LocalBotApi
from bot.offline.simulator import RESIDENT, Person, Simulator
from bot.presentation import callbacks, texts
from bot.services.knowledge import LiveKnowledge
from bot.services.regions import Regions
from bot.settings import Settings
from faq.formatting import plain_text
from tests.conftest import ADMIN, Harness

STRANGER = Person(id=9999, first_name="Orang", last_name="Lain")
MISSED = "ktp ku tercecer entah dimana sewaktu pindahan"
MISSED_MOVE = "mau boyongan ke kabupaten lain surat apa yg diurus"


@pytest.fixture
async def bot(
    settings: Settings, fast_tmp: Path, shipped_regions: Regions
) -> AsyncIterator[Harness]:
    """The bot over its own copy of the FAQ, which these tests change."""
    faq_dir = fast_tmp / "faq"
    shutil.copytree(PROJECT_ROOT / "faq" / "content", faq_dir)
    settings = settings.model_copy(update={"faq_dir": faq_dir})
    knowledge = LiveKnowledge(faq_dir, settings.opd_file, settings.categories_file)
    api = LocalBotApi()
    application = build_application(
        settings, api=api, knowledge=knowledge, regions=shipped_regions, run_worker=False
    )
    async with running(application):
        harness = Harness(Simulator(application, api), api)
        assert harness.services.teaching is not None
        harness.services.teaching.editor.folds = 2  # the same checks, faster
        yield harness


def answered_topic(calls: list[ApiCall]) -> str | None:
    """The topic the bot answered with (its "Membantu" button names it), or None."""
    for call in calls:
        for _, data in call.buttons:
            parts = callbacks.parts(data)
            if parts[:2] == [callbacks.FEEDBACK, "1"]:
                return parts[2]
    return None


async def group_message(bot: Harness, example: str) -> ApiCall:
    calls = bot.shown(await bot.simulator.send("/pertanyaan", ADMIN), ADMIN.id)
    assert texts.TEACH_HEADER.split(":")[0] in calls[0].text
    return next(c for c in calls if example in c.text)


def faq_file(bot: Harness, name: str = "kependudukan.yaml") -> Path:
    return bot.services.knowledge.faq_dir / name


async def test_teach_a_missed_question_then_the_bot_answers_it_then_undo(bot: Harness) -> None:
    assert answered_topic(await bot.say(MISSED)) is None
    await bot.say(MISSED)
    original = faq_file(bot).read_bytes()
    group = await group_message(bot, MISSED)
    assert "2× ditanyakan" in plain_text(group.text)
    labels = [label for label, _ in group.buttons]
    assert texts.TEACH_TOPIC_BUTTON.format(topic="ktp-hilang-rusak") in labels
    assert {texts.TEACH_OTHER_BUTTON, texts.TEACH_DRAFT_BUTTON, texts.TEACH_IGNORE_BUTTON} <= set(
        labels
    )

    calls = await bot.press(group, texts.TEACH_TOPIC_BUTTON.format(topic="ktp-hilang-rusak"), ADMIN)

    [done] = [c for c in calls if c.method == "editMessageText"]
    assert "diajarkan ke ktp-hilang-rusak oleh Admin Kominfostan" in plain_text(done.text)
    assert answered_topic(await bot.say(MISSED)) == "ktp-hilang-rusak"
    assert MISSED in faq_file(bot).read_text("utf-8")
    # Handled: the group has left /pertanyaan.
    calls = bot.shown(await bot.simulator.send("/pertanyaan", ADMIN), ADMIN.id)
    assert not any(MISSED in c.text for c in calls)

    # The history says who taught what; one tap undoes it.
    history = bot.shown(await bot.press(done, texts.TEACH_HISTORY_BUTTON, ADMIN), ADMIN.id)
    text = plain_text(history[-1].text)
    assert "Admin Kominfostan" in text and f"“{MISSED}” → ktp-hilang-rusak" in text
    calls = await bot.press(history[-1], texts.TEACH_UNDO_BUTTON, ADMIN)
    assert any("Dibatalkan oleh Admin Kominfostan" in plain_text(c.text) for c in calls)
    assert faq_file(bot).read_bytes() == original
    assert answered_topic(await bot.say(MISSED)) is None
    assert any(MISSED in c.text for c in bot.shown(await bot.simulator.send("/pertanyaan", ADMIN)))


async def test_a_non_admin_press_is_refused(bot: Harness) -> None:
    await bot.say(MISSED)
    group = await group_message(bot, MISSED)
    before = faq_file(bot).read_bytes()
    for label in (
        texts.TEACH_TOPIC_BUTTON.format(topic="ktp-hilang-rusak"),
        texts.TEACH_IGNORE_BUTTON,
        texts.TEACH_DRAFT_BUTTON,
    ):
        calls = await bot.press(group, label, STRANGER)
        [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.params.get("text") == texts.ADMIN_ONLY
        assert not bot.shown(calls)
    assert faq_file(bot).read_bytes() == before
    assert not (bot.services.knowledge.faq_dir / "_draft.yaml").exists()
    assert any(MISSED in c.text for c in bot.shown(await bot.simulator.send("/pertanyaan", ADMIN)))
    # Nor can a stranger list the groups, or search by replying to a search prompt.
    assert [c.text for c in bot.shown(await bot.simulator.send("/pertanyaan", STRANGER))] == [
        texts.ADMIN_ONLY
    ]
    prompt = {
        "message_id": 77,
        "date": 0,
        "chat": {"id": STRANGER.id, "type": "private"},
        "from": {"id": 1, "is_bot": True, "first_name": "bot"},
        "text": texts.TEACH_SEARCH_PROMPT.format(group=1),
    }
    calls = bot.shown(await bot.simulator.send("ktp hilang", STRANGER, reply_to=prompt))
    assert [c.text for c in calls] == [texts.ADMIN_ONLY]


async def test_residents_words_are_escaped_for_admins(bot: Harness) -> None:
    await bot.say("apa <b>ini</b> & itu ya")
    group = await group_message(bot, "apa &lt;b&gt;ini&lt;/b&gt; &amp; itu ya")
    assert "<b>ini" not in group.text


async def test_two_teachings_at_once_both_land(bot: Harness) -> None:
    await bot.say(MISSED)
    await bot.say(MISSED_MOVE)
    ktp = await group_message(bot, MISSED)
    move_calls = bot.shown(await bot.simulator.send("/pertanyaan", ADMIN), ADMIN.id)
    move = next(c for c in move_calls if MISSED_MOVE in c.text)
    teach_ktp = next(d for _, d in ktp.buttons if d.endswith(":ktp-hilang-rusak"))
    teach_move = callbacks.data(callbacks.TEACH, "t", _group_id(move), "pindah-datang")

    other_admin = Person(id=4242, first_name="Admin", last_name="Kedua")
    results = await asyncio.gather(
        bot.simulator.press_data(ktp, teach_ktp, ADMIN),
        bot.simulator.press_data(move, teach_move, other_admin),
    )

    # Both presses ran at once (their calls interleave): both taught.
    assert results[0] and results[1]
    edits = {c.text for c in bot.api.calls if c.method == "editMessageText"}
    assert len(edits) == 2 and all("diajarkan" in text for text in edits), edits
    text = faq_file(bot).read_text("utf-8")
    assert f"- {MISSED}\n" in text and f"- {MISSED_MOVE}\n" in text  # no lost edit
    assert answered_topic(await bot.say(MISSED)) == "ktp-hilang-rusak"
    assert answered_topic(await bot.say(MISSED_MOVE)) == "pindah-datang"


def _group_id(call: ApiCall) -> str:
    data = next(d for _, d in call.buttons if callbacks.parts(d)[1] == "i")
    return callbacks.parts(data)[2]


async def test_a_hand_edit_between_load_and_write_is_not_overwritten(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.say(MISSED)
    group = await group_message(bot, MISSED)
    editor = bot.services.teaching.editor  # type: ignore[union-attr]
    path = faq_file(bot)
    measure = editor.measure

    def hand_edit_meanwhile(*args, **kwargs):  # someone saves the file in an editor
        path.write_text(path.read_text("utf-8") + "# diedit tangan\n", "utf-8")
        return measure(*args, **kwargs)

    monkeypatch.setattr(editor, "measure", hand_edit_meanwhile)
    calls = await bot.press(group, texts.TEACH_TOPIC_BUTTON.format(topic="ktp-hilang-rusak"), ADMIN)
    text = "\n".join(plain_text(c.text) for c in bot.shown(calls))
    assert "tidak diubah" in text and "diubah orang lain" in text
    content = path.read_text("utf-8")
    assert content.endswith("# diedit tangan\n") and MISSED not in content
    assert answered_topic(await bot.say(MISSED)) is None


async def test_search_draft_and_ignore(bot: Harness) -> None:
    await bot.say(MISSED)
    await bot.say("jadwal lomba layangan agustusan")
    group = await group_message(bot, MISSED)
    prompt = bot.shown(await bot.press(group, texts.TEACH_OTHER_BUTTON, ADMIN), ADMIN.id)[-1]
    assert prompt.params["reply_markup"].get("force_reply") is True
    # The admin replies with a few words: matching topics come back as buttons.
    results = bot.shown(await bot.simulator.send("ktp hilang", ADMIN, reply_to=prompt.result))
    labels = [label for label, _ in results[-1].buttons]
    assert texts.TEACH_TOPIC_BUTTON.format(topic="ktp-hilang-rusak") in labels
    calls = await bot.press(
        results[-1], texts.TEACH_TOPIC_BUTTON.format(topic="ktp-hilang-rusak"), ADMIN
    )
    assert any("diajarkan" in c.text for c in calls)

    layangan = await group_message(bot, "layangan")
    calls = await bot.press(layangan, texts.TEACH_DRAFT_BUTTON, ADMIN)
    assert any("draf topik jadwal-lomba-layangan" in plain_text(c.text) for c in calls)
    drafts = (bot.services.knowledge.faq_dir / "_draft.yaml").read_text("utf-8")
    assert "jadwal lomba layangan agustusan" in drafts
    assert "jadwal-lomba-layangan" not in bot.services.knowledge.knowledge.topics

    await bot.say("resep kue bolu pandan")
    cake = await group_message(bot, "resep kue")
    calls = await bot.press(cake, texts.TEACH_IGNORE_BUTTON, ADMIN)
    assert any("diabaikan oleh" in plain_text(c.text) for c in calls)
    calls = bot.shown(await bot.simulator.send("/pertanyaan", ADMIN), ADMIN.id)
    assert [c.text for c in calls] == [texts.TEACH_NONE]


async def test_a_resident_reply_to_anything_is_not_a_search(bot: Harness) -> None:
    calls = await bot.say("cara bayar pbb")
    answer = calls[-1]
    # A resident replying to the bot's answer is read as a question, as always.
    reply = bot.shown(
        await bot.simulator.send("syarat akta kelahiran", RESIDENT, reply_to=answer.result)
    )
    assert answered_topic(reply) == "akta-lahir"


async def test_answers_rated_unhelpful_are_listed_for_teaching(bot: Harness) -> None:
    calls = await bot.say("cara bayar pbb")
    answer = next(c for c in calls if answered_topic([c]))
    await bot.press(answer, texts.BTN_NOT_HELPFUL)
    group = await group_message(bot, "cara bayar pbb")
    assert "1× dinilai “tidak membantu”" in plain_text(group.text)
