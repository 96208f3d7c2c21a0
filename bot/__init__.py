"""Layanan warga Deli Serdang: a Telegram citizen service bot."""

import os
from pathlib import Path

# Opt in to python-telegram-bot's coming behaviour (durations as timedelta); our code
# handles both, and this silences the deprecation warning on every RetryAfter.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A source checkout (pyproject.toml beside the packages) or an installed wheel.
SOURCE_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
# The shipped defaults (OPD directory, categories, holidays, regions): `data/` in a source
# checkout; in a wheel the same files are package data under `bot/defaults/` (pyproject.toml
# maps one to the other). BOT_DATA_DIR points at a folder that overrides them.
SHIPPED_DATA_DIR = (
    PROJECT_ROOT / "data" if SOURCE_CHECKOUT else Path(__file__).resolve().parent / "defaults"
)
