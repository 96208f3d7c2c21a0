"""Near-identical questions residents asked that the bot could not answer, grouped.

Reusable on purpose: the monthly report shows the biggest groups, and the admins'
teaching loop (teach a whole group a topic at once) builds on the same `group_questions`.
No Telegram here.

Grouping is deliberately conservative: it joins wordings that differ by a typo, word order
or a word or two ("ktp hilang cemana" / "ktp hilang gimana ngurusnya"), not questions that
merely share a word, because one group is taught one topic.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from bot.services.redaction import redact
from db import Database, db_time, parse_db_time

__all__ = [
    "SIMILARITY",
    "AskedQuestion",
    "QuestionGroup",
    "group_questions",
    "load_questions",
]

SIMILARITY = 85.0
"""rapidfuzz token_sort_ratio (0-100) at which a wording joins a group's leading wording.
85 joins a typo or a reordered word in a short question; 70 already merged different
questions about the same document ("ktp hilang" with "ktp rusak")."""


@dataclass(frozen=True)
class AskedQuestion:
    """One stored question (already masked: no NIK/KK or phone numbers)."""

    text: str
    normalized: str
    asked_at: dt.datetime | None = None
    reason: str = "no_match"  # or "unhelpful": answered, and the resident said it did not help
    nearest_topic: str | None = None
    nearest_score: float | None = None


@dataclass(frozen=True)
class QuestionGroup:
    example: str  # the wording asked most often in the group (masked)
    count: int  # how many times questions of this group were asked
    variants: tuple[tuple[str, int], ...]  # distinct wordings with counts, most asked first
    first_asked: dt.datetime | None
    last_asked: dt.datetime | None
    reasons: dict[str, int]  # no_match / unhelpful -> count
    nearest_topics: tuple[str, ...]  # the topics the matcher found nearest, likeliest first
    questions: tuple[AskedQuestion, ...] = field(repr=False, default=())


def _key(question: AskedQuestion) -> str:
    """What two questions are compared on: the normalised text (slang mapped, stemmed),
    or the text itself when normalising left nothing (emoji, numbers)."""
    return " ".join((question.normalized or question.text).lower().split())


def group_questions(
    questions: Iterable[AskedQuestion],
    *,
    threshold: float = SIMILARITY,
    key: Callable[[AskedQuestion], str] = _key,
) -> list[QuestionGroup]:
    """Groups of near-identical questions, biggest first (then most recent).

    Exact repeats are counted together first; then each wording, most asked first, joins
    the group whose leading wording it resembles best (token_sort_ratio >= `threshold`),
    or leads a new group. Comparing with leaders only keeps groups from drifting through
    chains of small differences, and makes the result independent of input order.
    """
    buckets: dict[str, list[AskedQuestion]] = {}
    for question in questions:
        buckets.setdefault(key(question), []).append(question)
    order = sorted(buckets, key=lambda k: (-len(buckets[k]), -_latest(buckets[k]), k))
    leaders: list[str] = []
    members: dict[str, list[str]] = {}
    for wording in order:
        best = process.extractOne(
            wording,
            leaders,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=threshold,
        )
        if best is None:
            leaders.append(wording)
            members[wording] = [wording]
        else:
            members[best[0]].append(wording)
    groups = [_group([q for w in members[leader] for q in buckets[w]]) for leader in leaders]
    groups.sort(key=lambda g: (-g.count, -(g.last_asked or _EPOCH).timestamp(), g.example))
    return groups


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _latest(questions: Sequence[AskedQuestion]) -> float:
    return max((q.asked_at or _EPOCH).timestamp() for q in questions)


def _group(questions: list[AskedQuestion]) -> QuestionGroup:
    wordings = Counter(" ".join(q.text.split()) for q in questions)
    variants = tuple(sorted(wordings.items(), key=lambda item: (-item[1], item[0])))
    times = [q.asked_at for q in questions if q.asked_at is not None]
    topics = Counter(q.nearest_topic for q in questions if q.nearest_topic)
    return QuestionGroup(
        example=variants[0][0],
        count=len(questions),
        variants=variants,
        first_asked=min(times) if times else None,
        last_asked=max(times) if times else None,
        reasons=dict(Counter(q.reason for q in questions)),
        nearest_topics=tuple(t for t, _ in topics.most_common()),
        questions=tuple(questions),
    )


async def load_questions(
    db: Database,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    reasons: Sequence[str] = ("no_match", "unhelpful"),
) -> list[AskedQuestion]:
    """Stored questions asked in [since, until), masked again on the way out (rows stored
    before masking existed must not reach an admin's screen or a printed report)."""
    rows = await db.fetchall(
        "SELECT text, normalized, asked_at, reason, nearest_topic, nearest_score"
        " FROM unanswered_question WHERE asked_at >= ? AND asked_at < ? ORDER BY id",
        (db_time(since) if since else "", db_time(until) if until else "9999"),
    )
    return [
        AskedQuestion(
            text=redact(r[0]),
            normalized=redact(r[1]),
            asked_at=parse_db_time(r[2]),
            reason=r[3],
            nearest_topic=r[4],
            nearest_score=r[5],
        )
        for r in rows
        if r[3] in reasons
    ]
