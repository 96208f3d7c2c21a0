"""SQLite storage: one long-lived aiosqlite connection and numbered migrations."""

from db.database import Database, db_time, parse_db_time

__all__ = ["Database", "db_time", "parse_db_time"]
