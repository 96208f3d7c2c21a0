"""Scoring `ask` and `route` on a CSV of `text,expected`, as admins and CI do."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.assistant import Assistant, Reply


@dataclass
class EvalReport:
    total: int = 0
    correct: int = 0
    per_class: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter = field(default_factory=Counter)
    groups: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, expected: str, got: str, ok: bool, group: str) -> None:
        self.total += 1
        self.correct += ok
        self.per_class[expected][0] += ok
        self.per_class[expected][1] += 1
        self.groups[group][0] += ok
        self.groups[group][1] += 1
        if not ok:
            self.confusions[(expected, got)] += 1

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def lines(self, group_labels: dict[str, str], worst: int = 10) -> list[str]:
        out = ["per class (correct/total):"]
        for name in sorted(self.per_class):
            ok, n = self.per_class[name]
            out.append(f"  {name:28s} {ok:4d}/{n:<4d} {ok / n:.3f}")
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


def evaluate_route(route: Callable[[str], str | None], cases: list[tuple[str, str]]) -> EvalReport:
    report = EvalReport()
    for text, expected in cases:
        got = route(text) or "none"
        report.add(expected, got, got == expected, "all")
    return report
