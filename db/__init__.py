"""SQLite storage: one long-lived aiosqlite connection and numbered migrations."""

from db.database import Database

__all__ = ["Database"]
