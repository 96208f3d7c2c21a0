"""The teaching loop: admins turn groups of missed questions into FAQ phrasings (or draft
topics, or ignore them), with an audit and a one-step undo. No Telegram here: the
/pertanyaan handler and `python -m bot faq teach` both drive this service.

A group is stored when it is shown (`question_group`), so a button acts on exactly the
questions the admin saw, even if new ones arrived meanwhile. The FAQ files are changed by
`faq.editing.FaqEditor` (locked, checked, measured); after a change the live knowledge is
reloaded the way SIGHUP does it (`LiveKnowledge.reload_async`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.services.knowledge import LiveKnowledge
from bot.services.question_groups import AskedQuestion, QuestionGroup, group_questions
from bot.services.redaction import redact
from db import Database, db_time, parse_db_time
from faq.editing import EditResult, FaqEditor

LIKELY_TOPICS = 3
LIKELY_MIN_SCORE = 0.2  # below this the matcher's ranking is noise ("resep kue" -> darurat)
SEARCH_RESULTS = 6
GROUPS_SHOWN = 8
KEEP_SHOWN_GROUPS = dt.timedelta(days=60)  # older listings' buttons stop working

# Reasons beyond faq.editing's (texts in bot/presentation/texts/admin.py).
STALE = "stale"  # the group is unknown (an old button) or already handled
NOTHING_TO_UNDO = "nothing_to_undo"
NOT_LAST = "not_last"  # the undo button of an entry that is no longer the last one


@dataclass(frozen=True)
class Teacher:
    """Who acts: an admin's Telegram user id and name (None: not known)."""

    id: int | None
    name: str


@dataclass(frozen=True)
class StoredQuestion(AskedQuestion):
    row_id: int = 0


@dataclass(frozen=True)
class ShownGroup:
    id: int
    group: QuestionGroup
    likely: tuple[str, ...]  # topic ids, likeliest first


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str = ""
    detail: str = ""
    entry_id: int | None = None
    topic_id: str = ""
    added: tuple[str, ...] = ()
    questions: int = 0
    reloaded: bool = True  # False: the file changed but the live FAQ kept the old one
    # The taught topic now answers the group's question outright (not only as "Maksud
    # Anda"): a phrasing adds evidence, the matcher still decides.
    answers_now: bool = True


@dataclass(frozen=True)
class AuditEntry:
    id: int
    action: str  # teach | draft | ignore
    example: str
    questions: int
    topic_id: str | None
    phrasings: tuple[str, ...]
    admin_name: str
    at: dt.datetime
    undone_at: dt.datetime | None


_OPEN = (
    "handled_by IS NULL AND (reason IN ('no_match', 'unhelpful')"
    " OR (reason = 'suggested' AND chosen_topic IS NULL))"
)


class TeachingService:
    def __init__(
        self, db: Database, knowledge: LiveKnowledge, editor: FaqEditor | None = None
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.editor = editor or FaqEditor(
            knowledge.faq_dir, knowledge.opd_file, knowledge.categories_file
        )

    # -- reading -------------------------------------------------------------------------
    async def open_groups(
        self, limit: int = GROUPS_SHOWN, *, store: bool = True
    ) -> tuple[list[ShownGroup], int]:
        """The biggest groups of open questions (stored, so buttons can name them; not
        with `store=False`, then their ids are 0), and how many groups there are in all."""
        rows = await self.db.fetchall(
            "SELECT id, text, normalized, asked_at, reason, nearest_topic, nearest_score"
            f" FROM unanswered_question WHERE {_OPEN} ORDER BY id"
        )
        questions = [
            StoredQuestion(
                text=redact(r[1]),
                normalized=redact(r[2]),
                asked_at=parse_db_time(r[3]),
                reason="no_match" if r[4] == "suggested" else r[4],
                nearest_topic=r[5],
                nearest_score=r[6],
                row_id=r[0],
            )
            for r in rows
        ]
        groups = group_questions(questions)
        if not store:
            shown = [ShownGroup(0, g, self.likely_topics(g)) for g in groups[:limit]]
            return shown, len(groups)
        shown = []
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM question_group WHERE shown_at < ?"
                " AND id NOT IN (SELECT group_id FROM teaching WHERE group_id IS NOT NULL)",
                (db_time(dt.datetime.now(dt.UTC) - KEEP_SHOWN_GROUPS),),
            )
            for group in groups[:limit]:
                ids = sorted(q.row_id for q in group.questions if isinstance(q, StoredQuestion))
                cursor = await conn.execute(
                    "INSERT INTO question_group (question_ids, example) VALUES (?, ?)",
                    (json.dumps(ids), group.example),
                )
                shown.append(ShownGroup(int(cursor.lastrowid or 0), group, ()))
        return [ShownGroup(s.id, s.group, self.likely_topics(s.group)) for s in shown], len(groups)

    def likely_topics(self, group: QuestionGroup, n: int = LIKELY_TOPICS) -> tuple[str, ...]:
        """The matcher's ranking of the group's wordings today, then the topics it found
        nearest when they were asked."""
        topics = self.knowledge.knowledge.topics
        matcher = self.knowledge.assistant.matcher
        found: list[str] = []
        for wording, _ in group.variants[:3]:
            ranked = matcher.match(wording).ranked[:n]
            found += [r.topic_id for r in ranked if r.score >= LIKELY_MIN_SCORE]
        found += list(group.nearest_topics)
        ordered = [t for t in dict.fromkeys(found) if t in topics]
        return tuple(ordered[:n])

    def search_topics(self, words: str, n: int = SEARCH_RESULTS) -> tuple[str, ...]:
        """Topics for the words an admin typed: a topic id or a word of its question
        first, then the matcher's ranking."""
        topics = self.knowledge.knowledge.topics
        wanted = words.casefold().split()
        if not wanted:
            return ()
        literal = [
            t.id
            for t in topics.values()
            if all(w in f"{t.id} {t.question}".casefold() for w in wanted)
        ]
        ranked = [r.topic_id for r in self.knowledge.assistant.matcher.match(words).ranked]
        return tuple(dict.fromkeys(literal + ranked))[:n]

    async def history(self, limit: int = 10) -> list[AuditEntry]:
        rows = await self.db.fetchall(
            "SELECT id, action, example, questions, topic_id, phrasings, admin_name,"
            " taught_at, undone_at FROM teaching ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            AuditEntry(
                id=r[0],
                action=r[1],
                example=r[2],
                questions=r[3],
                topic_id=r[4],
                phrasings=tuple(json.loads(r[5] or "[]")),
                admin_name=r[6],
                at=parse_db_time(r[7]) or dt.datetime.now(dt.UTC),
                undone_at=parse_db_time(r[8]),
            )
            for r in rows
        ]

    async def last_entry(self) -> AuditEntry | None:
        """The newest action not yet undone: what "Batalkan yang terakhir" undoes."""
        row = await self.db.fetchone(
            "SELECT id FROM teaching WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            return None
        return next((e for e in await self.history(50) if e.id == row[0]), None)

    # -- acting --------------------------------------------------------------------------
    async def teach(self, group_id: int, topic_id: str, teacher: Teacher) -> Outcome:
        """Add the group's wordings to `topic_id`, if the checks allow; then reload."""
        open_ = await self._open_questions(group_id)
        if open_ is None:
            return Outcome(False, STALE)
        example, questions = open_
        wordings = _wordings(questions)
        result = await asyncio.to_thread(self.editor.add_phrasings, topic_id, wordings)
        if not result.ok:
            return Outcome(False, result.reason, result.detail, topic_id=topic_id)
        entry = await self._record("teach", group_id, example, questions, teacher, result)
        reload = await self.knowledge.reload_async()
        reply = self.knowledge.assistant.ask(example)
        return Outcome(
            True,
            entry_id=entry,
            topic_id=topic_id,
            added=result.added,
            questions=len(questions),
            reloaded=reload.ok,
            answers_now=reply.intent == "faq" and getattr(reply.topic, "id", None) == topic_id,
        )

    async def draft(self, group_id: int, teacher: Teacher) -> Outcome:
        """ "Belum ada topiknya": a draft topic skeleton for the group, not served."""
        open_ = await self._open_questions(group_id)
        if open_ is None:
            return Outcome(False, STALE)
        example, questions = open_
        result = await asyncio.to_thread(self.editor.add_draft, _wordings(questions))
        if not result.ok:
            return Outcome(False, result.reason, result.detail)
        entry = await self._record("draft", group_id, example, questions, teacher, result)
        return Outcome(
            True,
            entry_id=entry,
            topic_id=result.topic_id,
            added=result.added,
            questions=len(questions),
        )

    async def ignore(self, group_id: int, teacher: Teacher) -> Outcome:
        """ "Abaikan": the group is handled without changing the FAQ."""
        open_ = await self._open_questions(group_id)
        if open_ is None:
            return Outcome(False, STALE)
        example, questions = open_
        entry = await self._record("ignore", group_id, example, questions, teacher, None)
        return Outcome(True, entry_id=entry, questions=len(questions))

    async def undo_last(self, teacher: Teacher, entry_id: int | None = None) -> Outcome:
        """Undo the newest action. A file is put back only if it is still exactly what the
        action wrote; else nothing changes and the reason is returned. `entry_id`: the
        action the admin saw as the last (a stale button must not undo a newer one)."""
        row = await self.db.fetchone(
            "SELECT id, action, topic_id, file, digest_after, content_before, digest_before"
            " FROM teaching WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            return Outcome(False, NOTHING_TO_UNDO)
        entry, action, topic_id, file, digest_after, content_before, digest_before = row
        if entry_id is not None and entry != entry_id:
            return Outcome(False, NOT_LAST)
        if action in ("teach", "draft"):
            content = None if digest_before == "absent" else bytes(content_before)
            result = await asyncio.to_thread(self.editor.restore, Path(file), content, digest_after)
            if not result.ok:
                return Outcome(False, result.reason, result.detail, entry_id=entry)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE teaching SET undone_at = ?, undone_by = ? WHERE id = ?"
                " AND undone_at IS NULL",
                (db_time(dt.datetime.now(dt.UTC)), teacher.name, entry),
            )
            if cursor.rowcount != 1:  # undone meanwhile by someone else
                return Outcome(False, NOTHING_TO_UNDO)
            cursor = await conn.execute(
                "UPDATE unanswered_question SET handled_by = NULL WHERE handled_by = ?",
                (entry,),
            )
            questions = cursor.rowcount
        reloaded = True
        if action == "teach":
            reloaded = (await self.knowledge.reload_async()).ok
        return Outcome(
            True, entry_id=entry, topic_id=topic_id or "", questions=questions, reloaded=reloaded
        )

    # -- storage -------------------------------------------------------------------------
    async def _open_questions(self, group_id: int) -> tuple[str, list[tuple[int, str]]] | None:
        """The group's example and its questions nobody has handled yet (id, text); None
        when the group is unknown or every question in it is handled."""
        row = await self.db.fetchone(
            "SELECT question_ids, example FROM question_group WHERE id = ?", (group_id,)
        )
        if row is None:
            return None
        ids = [int(i) for i in json.loads(row[0])]
        marks = ",".join("?" for _ in ids)
        rows = await self.db.fetchall(
            f"SELECT id, text FROM unanswered_question WHERE handled_by IS NULL AND id IN ({marks})"
            " ORDER BY id",
            tuple(ids),
        )
        if not rows:
            return None
        return row[1], [(r[0], redact(r[1])) for r in rows]

    async def _record(
        self,
        action: str,
        group_id: int,
        example: str,
        questions: Sequence[tuple[int, str]],
        teacher: Teacher,
        result: EditResult | None,
    ) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO teaching (action, group_id, example, questions, topic_id,"
                " phrasings, file, digest_before, digest_after, content_before, admin_id,"
                " admin_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    action,
                    group_id,
                    example,
                    len(questions),
                    result.topic_id if result else None,
                    json.dumps(list(result.added), ensure_ascii=False) if result else None,
                    str(result.path) if result and result.path else None,
                    result.digest_before if result else None,
                    result.digest_after if result else None,
                    result.content_before if result else None,
                    teacher.id,
                    teacher.name,
                ),
            )
            entry = int(cursor.lastrowid or 0)
            marks = ",".join("?" for _ in questions)
            await conn.execute(
                f"UPDATE unanswered_question SET handled_by = ? WHERE handled_by IS NULL"
                f" AND id IN ({marks})",
                (entry, *(i for i, _ in questions)),
            )
        return entry


def _wordings(questions: Sequence[tuple[int, str]]) -> list[str]:
    """Distinct wordings, most asked first (then first asked)."""
    counts: dict[str, int] = {}
    for _, text in questions:
        key = " ".join(text.split())
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])
