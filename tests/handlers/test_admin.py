"""Admins: roles, FAQ reload, OPD groups, triage, reports; and what non-admins see."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import build_application, running
from bot.offline.local_api import LocalBotApi
from bot.offline.simulator import RESIDENT, Person, Simulator
from bot.presentation import texts
from bot.services.knowledge import LiveKnowledge
from bot.settings import Settings
from faq.formatting import plain_text
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint

STRANGER = Person(id=9999, first_name="Orang", last_name="Lain")
TRIAGE_GROUP = -1001000000003
DLH_GROUP = -1001000000001
ADMIN_COMMANDS = [
    "/reload",
    "/opd",
    "/triase",
    "/statistik",
    "/ekspor",
    "/pertanyaan",
    "/hubungkan dlh",
    "/tertahan",
]


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_non_admins_are_refused_without_learning_anything(bot: Harness, command: str) -> None:
    calls = bot.shown(await bot.simulator.send(command, STRANGER))
    assert [c.text for c in calls] == [texts.ADMIN_ONLY]
    # In a group: no reply at all (see tests/handlers/test_operations.py).
    group = {"id": -100777, "type": "supergroup", "title": "Grup acak"}
    assert await bot.simulator.send(command, STRANGER, chat=group) == []
    assert await bot.services.complaints.cards.group_of("dlh") is None


async def test_admin_group_members_act_as_admins(
    settings: Settings, shipped_knowledge: LiveKnowledge
) -> None:
    settings = settings.model_copy(update={"admin_chat_id": -100555})
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        sim = Simulator(app, api)
        admin_chat = {"id": -100555, "type": "supergroup", "title": "Admin"}
        calls = await sim.send("/opd", STRANGER, chat=admin_chat)
        assert any("Daftar OPD" in c.text for c in calls)


async def test_opd_list_shows_links_and_counts(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot)
    await bot.deliver()
    text = plain_text("\n".join(c.text for c in bot.shown(await bot.simulator.send("/opd", ADMIN))))
    assert "dlh — DLH — terhubung — 1/0/0" in text
    assert "dishub — Dishub — belum terhubung — 0/0/0" in text


async def test_linking_needs_a_group_and_a_known_opd(bot: Harness) -> None:
    group = {"id": -100888, "type": "supergroup", "title": "Grup"}
    assert texts.GROUP_LINK_USAGE in (await bot.simulator.send("/hubungkan dlh", ADMIN))[-1].text
    calls = await bot.simulator.send("/hubungkan dinas-entah", ADMIN, chat=group)
    assert "tidak dikenal" in calls[-1].text
    calls = await bot.simulator.send("/hubungkan pln", ADMIN, chat=group)
    assert "di luar Pemkab" in calls[-1].text
    calls = await bot.simulator.send("/hubungkan camat tanjung morawa", ADMIN, chat=group)
    assert "Kantor Camat Tanjung Morawa" in calls[-1].text
    assert await bot.services.complaints.cards.group_of("kecamatan:12.07.02") == -100888


@pytest.fixture
def editable_faq(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "faq" / "content", target)
    return target


async def test_reload_with_good_and_broken_files(settings: Settings, editable_faq: Path) -> None:
    knowledge = LiveKnowledge(editable_faq, PROJECT_ROOT / "data" / "opd.yaml")
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=knowledge, run_worker=False)
    async with running(app):
        bot = Harness(Simulator(app, api), api)
        path = editable_faq / "kesehatan.yaml"
        text = path.read_text(encoding="utf-8")
        # A good edit: a new way of asking, live after /reload.
        path.write_text(
            text.replace(
                "    phrasings:\n",
                "    phrasings:\n      - jadwal vaksin balita di posyandu kapan\n",
                1,
            ),
            encoding="utf-8",
        )
        calls = bot.shown(await bot.simulator.send("/reload", ADMIN))
        assert "dimuat ulang" in calls[0].text
        # A broken edit: the problems are listed and the working FAQ stays.
        path.write_text(text.replace("opd: dinkes", "opd: dinas-kesehatan", 1), encoding="utf-8")
        calls = bot.shown(await bot.simulator.send("/reload", ADMIN))
        assert "tidak dimuat ulang" in calls[0].text and "dinas-kesehatan" in calls[0].text
        assert "imunisasi" in (await bot.reply_text("di mana anak bisa imunisasi gratis")).lower()


async def test_triage_lists_and_assigns(bot: Harness) -> None:
    await bot.link_group("kominfostan", TRIAGE_GROUP)
    await bot.link_group("dlh", DLH_GROUP)
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Lainnya")
    await bot.say("Tolong diperhatikan pak, keadaannya sudah lama begini dan warga kecewa")
    from tests.handlers.test_complaint_flow import last_with_buttons

    # No location given: no kecamatan office to fall back on, so it goes to triage.
    calls = await bot.press(last_with_buttons(bot.api.calls), texts.BTN_SKIP)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_NO_PHOTOS)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_ANON)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_CONFIRM)
    assert any("Kominfostan" in c.text for c in calls)
    delivered = await bot.deliver()
    assert any(c.chat_id == ADMIN.id and "perlu keputusan admin" in c.text for c in delivered)
    [item] = bot.shown(await bot.simulator.send("/triase", ADMIN))
    assert "rute tidak yakin" in item.text
    calls = await bot.simulator.press(item, "DLH", ADMIN)
    assert any("ditetapkan ke Dinas Lingkungan Hidup" in c.text for c in calls)
    delivered = await bot.deliver()
    assert any(c.chat_id == DLH_GROUP and "Pengaduan DS-" in c.text for c in delivered)
    assert any(c.chat_id == TRIAGE_GROUP and c.method == "editMessageText" for c in delivered)
    assert (await bot.simulator.send("/triase", ADMIN))[-1].text == texts.TRIAGE_EMPTY
    # A stranger pressing the same assign button changes nothing.
    calls = await bot.simulator.press(item, "Dishub", STRANGER)
    assert any(c.params.get("text") == texts.ADMIN_ONLY for c in calls)


async def test_statistics_with_chart(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot)
    await bot.deliver()
    calls = await bot.simulator.send("/statistik 30", ADMIN)
    text = plain_text("\n".join(c.text for c in calls if c.method == "sendMessage"))
    assert "Jumlah: 1" in text and "Dinas Lingkungan Hidup: 1" in text
    assert "Lubuk Pakam: 1" in text and "Diteruskan ke dinas: 1" in text
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert "per OPD" in photo.params["caption"]


async def test_export_without_and_with_personal_data(bot: Harness) -> None:
    await file_complaint(
        bot,
        privacy=texts.BTN_SHARE_NAME,
        description="Sampah menumpuk di TPS, hubungi saya 081234567890 ya",
    )
    data = await bot.services.reports.export_csv()
    [row] = list(csv.DictReader(io.StringIO(data)))
    assert "reporter_name" not in row and "081234567890" not in data
    assert row["category"] == "sampah"
    data = await bot.services.reports.export_csv(personal=True)
    [row] = list(csv.DictReader(io.StringIO(data)))
    assert row["reporter_name"] == "Budi Santoso"
    calls = await bot.simulator.send("/ekspor", ADMIN)
    [document] = [c for c in calls if c.method == "sendDocument"]
    assert "data pribadi" not in document.params["caption"]


async def test_flood_control_warns_once_and_spares_others(bot: Harness) -> None:
    warned = 0
    for i in range(30):
        calls = await bot.say(f"halo {i}")
        warned += sum(texts.FLOOD_WARNING in c.text for c in calls)
    assert warned == 1
    other = Person(id=5550002, first_name="Sari")
    assert await bot.reply_text("halo", other)  # someone else is answered at once


async def test_each_update_logs_one_line_without_personal_data(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="bot.updates")
    await bot.say("ktp saya hilang, budi santoso 081234567890")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.updates"]
    assert len(lines) == 1
    assert "handler=resident.text_message" in lines[0] and "outcome=ok" in lines[0]
    assert (
        "081234567890" not in lines[0]
        and "Budi" not in lines[0]
        and str(RESIDENT.id) not in lines[0]
    )


async def test_failed_command_menus_are_not_fatal(
    settings: Settings, shipped_knowledge: LiveKnowledge
) -> None:
    from bot.app import set_commands
    from bot.offline.local_api import Fault

    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        api.faults.append(Fault("setMyCommands", status=500))
        await set_commands(app)  # logs a warning, raises nothing
        await set_commands(app)
        scopes = [
            c.params.get("scope", {}).get("type")
            for c in api.calls
            if c.method == "setMyCommands" and "ok" not in str(c.result)
        ]
        assert "all_private_chats" in scopes and "chat" in scopes


async def test_shutdown_with_messages_still_owed_keeps_them(
    settings: Settings, shipped_knowledge: LiveKnowledge
) -> None:
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        bot = Harness(Simulator(app, api), api)
        await bot.link_group("dlh", DLH_GROUP)
        ticket = await file_complaint(bot)
    # The app stopped before the worker sent the card: it is still owed after a restart.
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        bot = Harness(Simulator(app, api), api)
        delivered = await bot.deliver()
        assert any(ticket in c.text and c.chat_id == DLH_GROUP for c in delivered)


async def test_sighup_reloads_and_a_broken_file_keeps_the_working_faq(
    settings: Settings, editable_faq: Path
) -> None:
    import asyncio
    import os
    import signal

    from bot.app import reload_on_sighup

    knowledge = LiveKnowledge(editable_faq, PROJECT_ROOT / "data" / "opd.yaml")
    app = build_application(settings, api=LocalBotApi(), knowledge=knowledge, run_worker=False)
    reload_on_sighup(app)
    try:
        path = editable_faq / "pendidikan.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("opd: disdik", "opd: entah", 1), encoding="utf-8")
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(1.0)  # the reload runs in a thread and is refused
        assert knowledge.assistant.ask("syarat pip untuk siswa").topic is not None  # old FAQ
        marker = "kapan pendaftaran sekolah dasar negeri dibuka tahun ajaran"
        path.write_text(
            text.replace("    phrasings:\n", f"    phrasings:\n      - {marker}\n", 1),
            encoding="utf-8",
        )
        before = knowledge.assistant
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            if knowledge.assistant is not before:
                break
            await asyncio.sleep(0.05)
        assert knowledge.assistant is not before  # the new files are live
    finally:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)


async def test_opd_list_shows_messages_that_could_not_be_sent(bot: Harness) -> None:
    from bot.offline.local_api import Fault

    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot)
    bot.api.faults.append(
        Fault("sendMessage", status=400, description="Bad Request: chat not found")
    )
    await bot.deliver()
    text = plain_text("\n".join(c.text for c in bot.shown(await bot.simulator.send("/opd", ADMIN))))
    assert "Pesan tertahan (tidak bisa dikirim): 1" in text
    assert "card: ditolak Telegram: Chat not found" in text
