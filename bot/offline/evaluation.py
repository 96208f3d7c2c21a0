"""Scoring `ask` and `route` on a CSV of `text,expected`, as admins and CI do, and the
held-out phrasing evaluation that measures how well matching generalises.

- `eval ask`: per class, per group (FAQ, out of scope, complaints), and the errors by
  kind: a question read as a complaint, a complaint missed, an out-of-scope message
  answered, the wrong topic, the wrong OPD, a question left unanswered.
- `eval route`: OPD per row; on a file with `complaint:<opd>` rows (an `ask` file) only
  those rows are scored, as OPD ids.
- `eval emergency`: rows `text,yes|no`; is "call 112" in the first reply exactly when
  danger is happening now.
- `eval holdout`: the FAQ's own phrasings, k folds: each fold's phrasings are removed,
  the matcher rebuilt without them, and each removed phrasing asked. Top-1 and the
  wrong-answer rate are the numbers to watch when phrasings are added.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.assistant import Assistant, Reply
from faq.knowledge import KnowledgeBase
from faq.normalize import Lexicon

if TYPE_CHECKING:  # the command functions take the loaded FAQ; no import cycle at run time
    from bot.services.knowledge import LiveKnowledge

# Kinds of error, in the order `eval ask` prints them.
ERROR_KINDS = {
    "faq->complaint": "question read as a complaint",
    "faq->none": "question left unanswered",
    "faq->other": "question answered with the wrong topic",
    "none->faq": "out-of-scope message answered",
    "complaint->none": "complaint not recognised",
    "complaint->faq": "complaint answered as a question",
    "complaint->opd": "complaint recognised, wrong OPD",
}


@dataclass
class EvalReport:
    total: int = 0
    correct: int = 0
    per_class: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter = field(default_factory=Counter)
    groups: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    errors: Counter = field(default_factory=Counter)

    def add(self, expected: str, got: str, ok: bool, group: str) -> None:
        self.total += 1
        self.correct += ok
        self.per_class[expected][0] += ok
        self.per_class[expected][1] += 1
        self.groups[group][0] += ok
        self.groups[group][1] += 1
        if not ok:
            self.confusions[(expected, got)] += 1
            kind = error_kind(expected, got) if group in ASK_GROUPS else None
            if kind:
                self.errors[kind] += 1

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def group(self, name: str) -> float:
        ok, n = self.groups.get(name, [0, 0])
        return ok / n if n else 0.0

    def lines(self, group_labels: dict[str, str], worst: int = 10) -> list[str]:
        out = ["per class (correct/total):"]
        for name in sorted(self.per_class):
            ok, n = self.per_class[name]
            out.append(f"  {name:28s} {ok:4d}/{n:<4d} {ok / n:.3f}")
        if self.errors:
            out.append("errors by kind:")
            for kind, label in ERROR_KINDS.items():
                if self.errors[kind]:
                    out.append(f"  {kind:16s} {self.errors[kind]:4d}  {label}")
        if self.confusions:
            out.append("worst confusions (expected -> got: count):")
            for (expected, got), count in self.confusions.most_common(worst):
                out.append(f"  {expected} -> {got}: {count}")
        for group, label in group_labels.items():
            ok, n = self.groups.get(group, [0, 0])
            if n:
                out.append(f"{label}: {ok}/{n} = {ok / n:.3f}")
        out.append(f"overall accuracy: {self.correct}/{self.total} = {self.accuracy:.3f}")
        return out


def error_kind(expected: str, got: str) -> str | None:
    """Which kind of error `got` is for `expected` (see ERROR_KINDS)."""
    if expected == "none":
        return "none->faq" if got != "none" and not got.startswith("complaint:") else None
    if expected.startswith("complaint:"):
        if got.startswith("complaint:"):
            return "complaint->opd"
        return "complaint->none" if got == "none" else "complaint->faq"
    if got.startswith("complaint:"):
        return "faq->complaint"
    return "faq->none" if got == "none" else "faq->other"


def read_cases(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "expected"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: the CSV needs a header with columns text,expected")
        return [(row["text"], row["expected"].strip()) for row in reader if row.get("text")]


def ask_outcome(reply: Reply) -> str:
    if reply.intent == "faq" and reply.topic is not None:
        return reply.topic.id
    if reply.intent == "complaint":
        return f"complaint:{reply.opd}"
    return "none"


def as_ask_cases(cases: list[tuple[str, str]], opd_ids: Collection[str]) -> list[tuple[str, str]]:
    """A routing file's bare OPD label means "a report for that OPD": for `eval ask` it is
    the row `complaint:<opd>` (the bot should take it as a complaint and route it there)."""
    return [(t, f"complaint:{e}" if e in opd_ids else e) for t, e in cases]


def evaluate_ask(assistant: Assistant, cases: list[tuple[str, str]]) -> EvalReport:
    report = EvalReport()
    for text, expected in cases:
        got = ask_outcome(assistant.ask(text))
        if expected == "none":
            # "none" rows must not get an FAQ answer (smalltalk, unknown, an offer are fine).
            ok = got == "none" or got.startswith("complaint:")
            group = "none"
        elif expected.startswith("complaint:"):
            ok = got == expected
            group = "complaint"
        else:
            ok = got == expected
            group = "faq"
        report.add(expected, got, ok, group)
    return report


ASK_GROUPS = {
    "faq": "FAQ rows answered with the right topic",
    "none": "none rows not answered",
    "complaint": "complaint rows routed right",
}


def route_cases(cases: list[tuple[str, str]], opd_ids: Collection[str]) -> list[tuple[str, str]]:
    """The routing targets of a file: rows labelled with an OPD id or `complaint:<opd>`.
    An `ask` file's FAQ topic and `none` rows are not routing targets and are left out."""
    targets = [(t, e.removeprefix("complaint:")) for t, e in cases]
    return [(t, e) for t, e in targets if e in opd_ids]


def evaluate_route(route: Callable[[str], str | None], cases: list[tuple[str, str]]) -> EvalReport:
    """Score `route` on (text, opd id) rows (see `route_cases`)."""
    report = EvalReport()
    for text, expected in cases:
        got = route(text) or "none"
        report.add(expected, got, got == expected, "all")
    return report


def evaluate_emergency(assistant: Assistant, cases: list[tuple[str, str]]) -> EvalReport:
    """Rows `text,yes|no`: does the bot's first reply say "call 112" exactly when due?"""
    report = EvalReport()
    for text, expected in cases:
        want = expected.strip().lower() in ("yes", "ya", "1", "true", "emergency")
        got = assistant.ask(text).emergency
        label = "yes" if want else "no"
        report.add(label, "yes" if got else "no", got == want, label)
    return report


EMERGENCY_GROUPS = {
    "yes": "emergencies that get 112 first",
    "no": "non-emergencies without a 112 alarm",
}


@dataclass
class HoldoutReport:
    asked: int = 0
    right: int = 0
    wrong: int = 0
    suggested: int = 0  # not answered, but the right topic among "Maksud Anda"
    aside_asked: int = 0  # phrasings set aside (see `evaluate_holdout`), not in the above
    aside_right: int = 0
    aside_wrong: int = 0
    per_topic: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter = field(default_factory=Counter)

    @property
    def top1(self) -> float:
        return self.right / self.asked if self.asked else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.asked if self.asked else 0.0

    def lines(self, worst: int = 10) -> list[str]:
        out = []
        weakest = sorted(self.per_topic.items(), key=lambda kv: kv[1][0] / kv[1][1])[:worst]
        out.append("weakest topics (right/asked):")
        for topic, (ok, n) in weakest:
            out.append(f"  {topic:28s} {ok:3d}/{n:<3d} {ok / n:.3f}")
        if self.confusions:
            out.append("wrong answers (phrasing of -> answered as: count):")
            for (expected, got), count in self.confusions.most_common(worst):
                out.append(f"  {expected} -> {got}: {count}")
        n = self.asked
        out.append(f"held-out phrasings answered right (top-1): {self.right}/{n} = {self.top1:.3f}")
        out.append(f"answered with a wrong topic: {self.wrong}/{n} = {self.wrong_rate:.3f}")
        out.append(f"not answered, right topic suggested: {self.suggested}/{n}")
        return out


def evaluate_holdout(
    knowledge: KnowledgeBase,
    lexicon: Lexicon,
    folds: int = 5,
    make: Callable[[KnowledgeBase, Lexicon], Assistant] = Assistant,
    set_aside: Collection[tuple[str, str]] = (),
) -> HoldoutReport:
    """k-fold held-out phrasings: every phrasing is asked once by a matcher built without it.

    Fold f holds out the phrasings at positions f, f+k, f+2k... of every topic, so each
    fold takes a fair share of every topic; the topic's question and keywords stay.
    `set_aside` (topic id, phrasing) pairs are asked like the others but counted apart
    (`aside_asked`, `aside_right`, `aside_wrong`): the teaching loop compares the same
    phrasings before and after adding new ones.
    """
    aside = set(set_aside)
    report = HoldoutReport()
    folds = max(2, folds)
    for fold in range(folds):
        held: list[tuple[str, str]] = []
        topics = {}
        for topic_id, topic in knowledge.topics.items():
            kept = [p for i, p in enumerate(topic.phrasings) if i % folds != fold]
            held += [(p, topic_id) for i, p in enumerate(topic.phrasings) if i % folds == fold]
            topics[topic_id] = topic.model_copy(update={"phrasings": kept})
        assistant = make(replace(knowledge, topics=topics), lexicon)
        for text, topic_id in held:
            reply = assistant.ask(text)
            if (topic_id, text) in aside:
                report.aside_asked += 1
                if reply.intent == "faq" and reply.topic is not None:
                    report.aside_right += reply.topic.id == topic_id
                    report.aside_wrong += reply.topic.id != topic_id
                continue
            report.asked += 1
            report.per_topic[topic_id][1] += 1
            if reply.intent == "faq" and reply.topic is not None:
                if reply.topic.id == topic_id:
                    report.right += 1
                    report.per_topic[topic_id][0] += 1
                else:
                    report.wrong += 1
                    report.confusions[(topic_id, reply.topic.id)] += 1
            elif topic_id in {t.id for t in reply.suggestions}:
                report.suggested += 1
    return report


# -- the command line's eval commands ----------------------------------------------------
def eval_command(
    live: LiveKnowledge, kind: str, file: Path, fail_under: float | None, worst: int
) -> int:
    """`python -m bot eval ask|route|emergency FILE`: prints the report; exit status."""
    try:
        cases = read_cases(file)
    except (OSError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    assistant = live.assistant
    opd_ids = set(live.knowledge.opds)
    rows = len(cases)
    if kind == "ask":
        ask_cases = as_ask_cases(cases, opd_ids)
        relabelled = sum(1 for (_, a), (_, b) in zip(cases, ask_cases, strict=True) if a != b)
        if relabelled:
            print(f"({relabelled} rows labelled with an OPD id scored as complaint:<opd>)")
        report = evaluate_ask(assistant, ask_cases)
        lines: Iterable[str] = report.lines(ASK_GROUPS, worst)
    elif kind == "emergency":
        report = evaluate_emergency(assistant, cases)
        lines = report.lines(EMERGENCY_GROUPS, worst)
    else:
        targets = route_cases(cases, opd_ids)
        if not targets:
            print(
                f"Error: {file} has no rows to route: `expected` must be an OPD id or "
                "complaint:<opd id> (FAQ topics and none are scored by `eval ask`)",
                file=sys.stderr,
            )
            return 2
        if len(targets) != rows:
            print(f"(scoring the {len(targets)} rows labelled with an OPD of {rows})")
        report = evaluate_route(lambda text: assistant.route(text).destination, targets)
        lines = report.lines({}, worst)
    print(f"eval {kind}: {file} ({rows} rows)")
    for line in lines:
        print(line)
    if fail_under is not None and report.accuracy < fail_under:
        return 1
    return 0


def holdout_command(live: LiveKnowledge, folds: int, fail_under: float | None, worst: int) -> int:
    """`python -m bot eval holdout`: prints the report; exit status."""
    report = evaluate_holdout(live.knowledge, Lexicon.load(), folds)
    print(f"eval holdout: {report.asked} FAQ phrasings in {folds} folds")
    for line in report.lines(worst):
        print(line)
    if fail_under is not None and report.top1 < fail_under:
        return 1
    return 0
