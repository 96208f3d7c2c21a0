"""The measuring commands: errors by kind, routing on an ask file, emergencies, held-out
phrasings. In-process and on small inputs, so they stay fast."""

from __future__ import annotations

import pytest

from bot.offline.evaluation import (
    as_ask_cases,
    error_kind,
    evaluate_ask,
    evaluate_emergency,
    evaluate_holdout,
    evaluate_route,
    route_cases,
)
from bot.services.assistant import Assistant
from bot.services.knowledge import LiveKnowledge
from faq.normalize import Lexicon


@pytest.fixture(scope="module")
def assistant(shipped_knowledge: LiveKnowledge) -> Assistant:
    return shipped_knowledge.assistant


@pytest.mark.parametrize(
    ("expected", "got", "kind"),
    [
        ("akta-lahir", "complaint:disdukcapil", "faq->complaint"),
        ("akta-lahir", "none", "faq->none"),
        ("akta-lahir", "kia", "faq->other"),
        ("none", "kia", "none->faq"),
        ("none", "complaint:dlh", None),  # an offer to file is not an answer
        ("complaint:dlh", "none", "complaint->none"),
        ("complaint:dlh", "sampah", "complaint->faq"),
        ("complaint:dlh", "complaint:satpolpp", "complaint->opd"),
    ],
)
def test_error_kinds(expected: str, got: str, kind: str | None) -> None:
    assert error_kind(expected, got) == kind


def test_eval_ask_counts_errors_by_kind(assistant: Assistant) -> None:
    report = evaluate_ask(
        assistant,
        [
            ("bagaimana cara membuat akta kelahiran anak", "akta-lahir"),
            ("bagaimana cara membuat akta kelahiran anak", "kia"),
            ("resep gulai ikan mas", "none"),
        ],
    )
    assert report.errors == {"faq->other": 1}
    assert report.group("none") == 1.0
    assert any(line.startswith("errors by kind:") for line in report.lines({}))


def test_route_on_an_ask_file_scores_only_its_complaint_rows() -> None:
    cases = [
        ("syarat akta lahir", "akta-lahir"),
        ("resep rendang", "none"),
        ("lampu jalan mati di gang kami", "complaint:dishub"),
    ]
    opd_ids = {"dishub", "dlh"}
    assert route_cases(cases, opd_ids) == [("lampu jalan mati di gang kami", "dishub")]
    # A file of OPD ids is scored whole; a file of topics has nothing to route.
    assert route_cases([("x", "dlh")], opd_ids) == [("x", "dlh")]
    assert route_cases(cases[:2], opd_ids) == []
    report = evaluate_route(lambda text: "dishub", route_cases(cases, opd_ids))
    assert (report.total, report.correct) == (1, 1)


def test_ask_on_a_routing_file_expects_complaints() -> None:
    cases = [("sampah menumpuk", "dlh"), ("syarat ktp", "ktp-baru"), ("halo", "none")]
    assert as_ask_cases(cases, {"dlh"}) == [
        ("sampah menumpuk", "complaint:dlh"),
        ("syarat ktp", "ktp-baru"),
        ("halo", "none"),
    ]


def test_eval_emergency(assistant: Assistant) -> None:
    report = evaluate_emergency(
        assistant,
        [
            ("tolong ada kebakaran di rumah tetangga sekarang, apinya besar", "yes"),
            ("nomor damkar berapa ya", "no"),
        ],
    )
    assert report.accuracy == 1.0


def test_holdout_asks_each_phrasing_without_it(shipped_knowledge: LiveKnowledge) -> None:
    knowledge = shipped_knowledge.knowledge
    topics = {k: knowledge.topics[k] for k in ("kia", "sampah", "paspor")}
    small = type(knowledge)(
        topics=topics, areas=knowledge.areas, opds=knowledge.opds, categories={}
    )
    report = evaluate_holdout(small, Lexicon.load(), folds=3)
    assert report.asked == sum(len(t.phrasings) for t in topics.values())
    assert report.right + report.wrong <= report.asked
    assert report.top1 > 0.5  # three distinct topics: most phrasings find their own
    assert any("held-out phrasings answered right" in line for line in report.lines())
