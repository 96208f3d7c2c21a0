"""Guards before every handler: who the bot listens to in groups, and groups' flood limit."""

from __future__ import annotations

import logging

import pytest
from telegram import Update

from bot.offline.simulator import RESIDENT, Person
from bot.presentation import texts
from bot.settings import Settings
from handlers.operations import GroupPolicy
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint
from tests.handlers.test_officer import DLH_GROUP, OFFICER, delivered_card

STRANGER = Person(id=9999, first_name="Orang", last_name="Asing")
STRANGERS_GROUP = {"id": -1009999999999, "type": "supergroup", "title": "Grup orang asing"}
DLH = {"id": DLH_GROUP, "type": "supergroup", "title": "Grup dlh"}


async def test_a_strangers_group_gets_no_reply_and_residents_are_still_answered(
    bot: Harness,
) -> None:
    # A button pressed on a message in that group (say, a copied card).
    message = {"message_id": 7, "date": 0, "chat": STRANGERS_GROUP, "text": "Pengaduan"}
    query = {
        "id": "1",
        "from": STRANGER.as_user(),
        "chat_instance": "x",
        "data": "k:DS-AAAAAA:terima",
    }
    assert (
        await bot.simulator.process(
            {"update_id": 999, "callback_query": {**query, "message": message}}
        )
        == []
    )
    for _ in range(30):
        assert await bot.simulator.send("/opd", STRANGER, chat=STRANGERS_GROUP) == []
    # (Beyond BOT_GROUP_FLOOD_MESSAGES updates a minute the group is not even looked up.)
    assert await bot.simulator.send("/statistik", STRANGER, chat=STRANGERS_GROUP) == []
    assert "selamat datang" in await bot.reply_text("/start")


@pytest.mark.parametrize("command", ["/statistik", "/opd", "/ekspor pribadi", "/hubungkan dishub"])
async def test_admin_commands_from_non_admins_get_no_reply_in_a_linked_group(
    bot: Harness, command: str
) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    assert await bot.simulator.send(command, OFFICER, chat=DLH) == []
    assert (
        await bot.simulator.send(f"{command.split()[0]}@LayananWargaBot", OFFICER, chat=DLH) == []
    )
    assert await bot.services.complaints.cards.group_of("dishub") is None
    # In a private chat a non-admin still gets one kind sentence.
    assert [c.text for c in bot.shown(await bot.simulator.send(command, OFFICER))] == [
        texts.ADMIN_ONLY
    ]


async def test_an_admin_is_heard_in_a_new_group_and_officers_in_a_linked_one(
    bot: Harness,
) -> None:
    # An admin's commands in a group nobody linked yet are answered: /hubungkan links it
    # (link_group asserts the confirmation), /opd lists the OPDs.
    await bot.link_group("dlh", DLH_GROUP)
    calls = bot.shown(await bot.simulator.send("/opd", ADMIN, chat=STRANGERS_GROUP))
    assert calls and "Daftar OPD" in calls[0].text
    # Officers act in their linked group as before.
    await file_complaint(bot)
    card = await delivered_card(bot)
    calls = await bot.simulator.press(card, texts.BTN_ACCEPT, OFFICER)
    assert any(c.method == "answerCallbackQuery" for c in calls)
    assert any(c.method == "editMessageText" for c in await bot.deliver())


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"group_flood_messages": 3})


async def test_a_flooding_group_is_ignored_for_a_minute_with_one_log_line(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot)
    card = await delivered_card(bot)
    acknowledged = 0
    with caplog.at_level(logging.INFO, logger="bot.updates"):
        for n in range(6):
            calls = await bot.simulator.send(
                f"Pertanyaan ke-{n}", OFFICER, chat=DLH, reply_to=card.result
            )
            acknowledged += sum("diteruskan ke pelapor" in c.text for c in calls)
    assert acknowledged == 3
    assert sum("group flood limit" in r.getMessage() for r in caplog.records) == 1
    # Other chats are not affected, and an admin is still heard in the flooded group.
    assert "selamat datang" in await bot.reply_text("/start", RESIDENT)
    assert bot.shown(await bot.simulator.send("/opd", ADMIN, chat=DLH))


def test_admin_commands_are_recognised_by_name_whatever_the_bot_suffix() -> None:
    policy = GroupPolicy(frozenset({"opd", "statistik"}), per_minute=30)

    def update(text: str) -> Update:
        chat = {"id": -1, "type": "supergroup", "title": "g"}
        message = {"message_id": 1, "date": 0, "chat": chat, "text": text}
        return Update.de_json({"update_id": 1, "message": message}, None)

    assert policy.is_admin_command(update("/opd"))
    assert policy.is_admin_command(update("/Statistik@LayananWargaBot 30"))
    assert not policy.is_admin_command(update("/opdx"))
    assert not policy.is_admin_command(update("opd"))
    assert not policy.is_admin_command(update("/"))
