"""Grouping near-identical unanswered questions (shared by the report and the teaching loop)."""

from __future__ import annotations

import datetime as dt
import random

from bot.services.question_groups import AskedQuestion, group_questions


def asked(text: str, day: int = 1, *, reason: str = "no_match", topic: str | None = None):
    return AskedQuestion(
        text=text,
        normalized=text.lower(),
        asked_at=dt.datetime(2026, 11, day, 8, tzinfo=dt.UTC),
        reason=reason,
        nearest_topic=topic,
    )


QUESTIONS = [
    asked("jadwal posyandu bulan ini", 2, topic="imunisasi"),
    asked("jadwal posyandu bulan ini", 9, topic="imunisasi"),
    asked("jadwal posyandu bulan ni", 12),  # a typo
    asked("posyandu jadwal bulan ini", 14, reason="unhelpful", topic="posyandu"),  # reordered
    asked("jadwal vaksin kucing", 3),  # shares a word, a different question
    asked("lowongan kerja pemkab", 5),
    asked("lowongan kerja pemkab", 20),
    asked("🙂", 6),  # nothing to normalise: compared on the text
]


def test_typos_and_word_order_join_different_questions_do_not() -> None:
    groups = group_questions(QUESTIONS)
    assert [(g.example, g.count) for g in groups] == [
        ("jadwal posyandu bulan ini", 4),
        ("lowongan kerja pemkab", 2),
        ("🙂", 1),
        ("jadwal vaksin kucing", 1),
    ]
    posyandu = groups[0]
    assert posyandu.variants[0] == ("jadwal posyandu bulan ini", 2)
    assert {v for v, _ in posyandu.variants} == {
        "jadwal posyandu bulan ini",
        "jadwal posyandu bulan ni",
        "posyandu jadwal bulan ini",
    }
    assert posyandu.first_asked is not None and posyandu.first_asked.day == 2
    assert posyandu.last_asked is not None and posyandu.last_asked.day == 14
    assert posyandu.reasons == {"no_match": 3, "unhelpful": 1}
    assert posyandu.nearest_topics == ("imunisasi", "posyandu")
    assert len(posyandu.questions) == 4  # the members, for teaching them all at once


def test_the_result_does_not_depend_on_input_order() -> None:
    expected = [(g.example, g.count) for g in group_questions(QUESTIONS)]
    rng = random.Random(5)
    for _ in range(20):
        shuffled = QUESTIONS[:]
        rng.shuffle(shuffled)
        assert [(g.example, g.count) for g in group_questions(shuffled)] == expected


def test_threshold_and_empty_input() -> None:
    assert group_questions([]) == []
    strict = group_questions(QUESTIONS, threshold=100)
    # Only repeats and reorderings (token_sort compares sorted words); the typo stays apart.
    assert [g.count for g in strict][:3] == [3, 2, 1]
    assert strict[2].example == "jadwal posyandu bulan ni"
    loose = group_questions(QUESTIONS, threshold=40)
    assert any(g.count == 5 for g in loose)  # "jadwal vaksin kucing" drawn in
