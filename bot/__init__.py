"""Layanan warga Deli Serdang: a Telegram citizen service bot."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
