"""Admins' command arguments: understood, or refused kindly (never an exception)."""

from __future__ import annotations

import pytest

from bot.presentation import texts
from handlers.arguments import BadArgument, period
from tests.conftest import ADMIN, Harness


@pytest.mark.parametrize(
    ("words", "days"),
    [
        ([], 30),
        (["7"], 7),
        (["365"], 365),
        (["3650"], 3650),
        (["30hari"], 30),
        (["30", "hari"], 30),
        (["14"], 14),
        (["semua"], None),
        (["SEMUA"], None),
    ],
)
def test_periods_understood(words: list[str], days: int | None) -> None:
    assert period(words) == days


@pytest.mark.parametrize(
    "words",
    [["²"], ["٣٠"], ["３０"], ["0"], ["-5"], ["3651"], ["99999999999"], ["abc"], ["7", "14"]],
)
def test_anything_else_is_a_bad_argument(words: list[str]) -> None:
    with pytest.raises(BadArgument):
        period(words)


@pytest.mark.parametrize("command", ["/statistik ²", "/statistik ٣٠", "/ekspor ² pribadi"])
async def test_bad_periods_get_a_kind_reply(bot: Harness, command: str) -> None:
    calls = await bot.simulator.send(command, ADMIN)
    [reply] = [c for c in calls if c.method == "sendMessage"]
    assert "tidak dikenali" in reply.text and "/statistik 30" in reply.text
    assert texts.ERROR_APOLOGY not in reply.text
    assert not any(c.method in ("sendPhoto", "sendDocument") for c in calls)


async def test_good_periods_still_work(bot: Harness) -> None:
    calls = await bot.simulator.send("/statistik 30 hari", ADMIN)
    assert any("30 hari terakhir" in c.text for c in calls)
    calls = await bot.simulator.send("/ekspor 90 pribadi", ADMIN)
    assert any(c.method == "sendDocument" for c in calls)
