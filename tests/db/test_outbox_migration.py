"""The outbox_parts migration keeps every row and turns the old "parked as uncertain"
rows into 'uncertain' ones, which admins can resend from /tertahan."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import Database
from db.database import migration_files


async def test_old_outbox_rows_survive_and_uncertain_ones_are_marked(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    files = migration_files()
    index = next(i for i, (_, p) in enumerate(files) if p.name.endswith("_outbox_parts.sql"))
    con = sqlite3.connect(path)
    for number, file in files[:index]:  # the database as it was before
        con.executescript(file.read_text(encoding="utf-8"))
        con.execute(f"PRAGMA user_version={number}")
    con.executemany(
        "INSERT INTO outbox (kind, chat_id, payload, state, last_error) VALUES (?, 1, '{}', ?, ?)",
        [
            ("escalation", "sent", None),
            ("escalation", "parked", "ditolak Telegram: chat not found"),
            ("escalation", "parked", "pengiriman tidak pasti: bot berhenti saat mengirim"),
            ("escalation", "pending", None),
        ],
    )
    con.commit()
    con.close()
    db = Database(path)
    await db.open()
    try:
        rows = await db.fetchall("SELECT state, parts_sent FROM outbox ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("sent", 0),
            ("parked", 0),
            ("uncertain", 0),
            ("pending", 0),
        ]
    finally:
        await db.close()
