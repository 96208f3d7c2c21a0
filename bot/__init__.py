"""Layanan warga Deli Serdang: a Telegram citizen service bot."""

import os
from pathlib import Path

# Opt in to python-telegram-bot's coming behaviour (durations as timedelta); our code
# handles both, and this silences the deprecation warning on every RetryAfter.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
