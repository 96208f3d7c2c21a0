"""What residents asked that the bot could not answer, and whether answers helped."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from bot.services.redaction import redact
from db import Database

MAX_STORED_QUESTION = 1000  # characters; a question longer than this is a paste, keep its head


@dataclass(frozen=True)
class UnansweredSummary:
    normalized: str
    example: str
    times: int
    nearest_topic: str | None


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._key: bytes | None = None

    async def _pseudonym_key(self) -> bytes:
        if self._key is None:
            row = await self.db.fetchone("SELECT value FROM meta WHERE key = 'pseudonym_key'")
            assert row is not None, "migration 0001 creates the key"
            self._key = bytes(row[0])
        return self._key

    async def answer_ref(self, chat_id: int, message_id: int) -> str:
        """A reference to one answer message that does not reveal the resident's chat id."""
        key = await self._pseudonym_key()
        return hmac.new(key, f"{chat_id}:{message_id}".encode(), hashlib.sha256).hexdigest()[:32]

    async def record_unanswered(
        self,
        text: str,
        normalized: str,
        nearest_topic: str | None,
        nearest_score: float | None,
        *,
        reason: str = "no_match",
        ref: str | None = None,
    ) -> None:
        # Residents sometimes type their NIK or phone number into a question; admins read
        # this list, so those are masked before storing.
        text, normalized = redact(text), redact(normalized)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO unanswered_question (text, normalized, nearest_topic, nearest_score,"
                " reason, question_ref) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    text[:MAX_STORED_QUESTION],
                    normalized[:MAX_STORED_QUESTION],
                    nearest_topic,
                    nearest_score,
                    reason,
                    ref,
                ),
            )

    async def suggestion_chosen(self, ref: str, topic_id: str) -> bool:
        """The resident pressed one of the "Maksud Anda" topics offered for the question
        `ref`: it was not a miss after all. False when there is no such open question."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE unanswered_question SET chosen_topic = ? WHERE question_ref = ?"
                " AND reason = 'suggested' AND chosen_topic IS NULL",
                (topic_id, ref),
            )
            return cursor.rowcount > 0

    async def record_feedback(self, topic_id: str, helpful: bool, answer_ref: str) -> bool:
        """Store one vote per answer message; False when this answer was already rated."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO answer_feedback (topic_id, helpful, answer_ref)"
                " VALUES (?, ?, ?)",
                (topic_id, int(helpful), answer_ref),
            )
            return cursor.rowcount == 1

    async def top_unanswered(self, limit: int = 20) -> list[UnansweredSummary]:
        rows = await self.db.fetchall(
            "SELECT normalized, MIN(text) AS example, COUNT(*) AS times,"
            " (SELECT nearest_topic FROM unanswered_question u2"
            "   WHERE u2.normalized = u.normalized ORDER BY nearest_score DESC LIMIT 1) AS nearest"
            " FROM unanswered_question u WHERE chosen_topic IS NULL"
            " GROUP BY normalized ORDER BY times DESC, normalized"
            " LIMIT ?",
            (limit,),
        )
        return [UnansweredSummary(r[0], r[1], r[2], r[3]) for r in rows]

    async def feedback_counts(self) -> dict[str, tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT topic_id, SUM(helpful), SUM(1 - helpful) FROM answer_feedback GROUP BY topic_id"
        )
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}
