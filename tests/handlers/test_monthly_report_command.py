"""/statistik bulan: the council's monthly report as a document, through the real
Application and the recording Bot API; admins only; kind replies to a bad month."""

from __future__ import annotations

import datetime as dt
import re

from bot.offline.simulator import Person
from bot.presentation import texts
from bot.presentation.texts import report as report_texts
from bot.services.calendar import WIB
from bot.services.monthly_report import Month
from faq.formatting import plain_text
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint

STRANGER = Person(id=9999, first_name="Orang", last_name="Lain")
DLH_GROUP = -1001000000001


def documents(calls) -> list:
    return [c for c in calls if c.method == "sendDocument"]


async def test_admin_gets_the_monthly_report_as_one_html_document(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot, privacy=texts.BTN_SHARE_NAME)
    await bot.deliver()
    this_month = Month.containing(dt.datetime.now(WIB))
    calls = await bot.simulator.send("/statistik bulan ini", ADMIN)
    [document] = documents(calls)
    assert document.chat_id == ADMIN.id
    assert this_month.label in document.params["caption"]
    [(filename, content)] = document.uploads.values()
    assert filename == f"laporan-bulanan-{this_month.key}.html"
    html = content.decode("utf-8")
    assert "https://" not in html and "http://" not in html
    assert len(re.findall(r"<path [^>]*data-kecamatan=", html)) == 22
    assert 'data-kecamatan="12.07.28" data-count="1"' in html  # Lubuk Pakam
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Pengaduan masuk 1" in text and "Dinas Lingkungan Hidup 1" in text
    # The resident shared their name with the officers; the council's report still
    # carries no name, no Telegram id and no ticket.
    assert "Budi" not in html and str(ADMIN.id) not in html and ticket not in html


async def test_without_a_month_it_is_the_last_full_month(bot: Harness) -> None:
    last = Month.containing(dt.datetime.now(WIB)).previous()
    [document] = documents(await bot.simulator.send("/statistik bulan", ADMIN))
    [(filename, content)] = document.uploads.values()
    assert filename == f"laporan-bulanan-{last.key}.html"
    assert "Belum ada data untuk bulan ini" in content.decode("utf-8")
    [document] = documents(await bot.simulator.send(f"/statistik bulan {last.key}", ADMIN))
    assert last.label in document.params["caption"]


async def test_bad_or_future_months_get_a_kind_reply(bot: Harness) -> None:
    for arg in ("2026-13", "besok", "11-2026"):
        calls = await bot.simulator.send(f"/statistik bulan {arg}", ADMIN)
        assert not documents(calls)
        [reply] = bot.shown(calls)
        assert "tidak dikenali" in reply.text and "/statistik bulan 2026-11" in plain_text(
            reply.text
        )
    future = Month.containing(dt.datetime.now(WIB)).next()
    [reply] = bot.shown(await bot.simulator.send(f"/statistik bulan {future.key}", ADMIN))
    assert reply.text == report_texts.MONTHLY_FUTURE.format(month=future.label)


async def test_only_admins_get_the_report(bot: Harness) -> None:
    calls = await bot.simulator.send("/statistik bulan", STRANGER)
    assert not documents(calls)
    assert [c.text for c in bot.shown(calls)] == [texts.ADMIN_ONLY]
    group = {"id": -100777, "type": "supergroup", "title": "Grup acak"}
    calls = await bot.simulator.send("/statistik bulan 2026-11", STRANGER, chat=group)
    assert calls == []  # in a group: no reply at all
