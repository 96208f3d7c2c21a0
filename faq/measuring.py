"""Measuring the FAQ in a folder, so a teaching can be refused when it makes matching
worse: the held-out phrasing eval (`eval holdout`) and the admins' own test questions
(`_tests.yaml` in the FAQ folder). No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from faq.knowledge import KnowledgeBase
from faq.problems import Problem, read_yaml

TESTS_FILE = "_tests.yaml"
WRONG_COSTS = 2  # a held-out phrasing answered wrong counts as two lost right answers
WORSE_HOLDOUT = "worse_holdout"
WORSE_TESTS = "worse_tests"


@dataclass(frozen=True)
class Measurement:
    """How the FAQ in one folder does: held-out phrasings and the admins' test questions."""

    right: int
    wrong: int
    asked: int
    tests: int = 0
    failing: frozenset[str] = frozenset()  # texts of the admins' test questions that fail
    # The new phrasings, held out and asked like the others but not compared: together
    # with the figures above they are the next change's baseline.
    new_right: int = 0
    new_wrong: int = 0
    new_asked: int = 0

    def as_baseline(self) -> Measurement:
        return Measurement(
            self.right + self.new_right,
            self.wrong + self.new_wrong,
            self.asked + self.new_asked,
            self.tests,
            self.failing,
        )

    @property
    def score(self) -> int:
        """Held-out phrasings answered right, less twice those answered with a wrong topic:
        a wrong answer misleads a resident, worse than "Maksud Anda" or an apology. Adding a
        phrasing moves the matcher's weights, so a question or two may flip either way;
        the sum must not fall."""
        return self.right - WRONG_COSTS * self.wrong

    def worse_than(self, before: Measurement) -> str:
        """Empty when not worse than `before`; else which measure got worse."""
        if self.score < before.score:
            return WORSE_HOLDOUT
        if self.failing - before.failing:
            return WORSE_TESTS
        return ""


def read_admin_tests(path: Path) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The admins' own test questions: `tests:` a list of `{text, expected}` where expected
    is a topic id, `none` or `complaint:<opd>` (as in `eval ask`). No file: no tests."""
    if not path.is_file():
        return [], []
    doc, problems = read_yaml(path)
    if doc is None:
        return [], problems
    items = doc.data.get("tests") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return [], [Problem(str(path), None, "isi berkas harus 'tests:' berupa daftar")]
    cases = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("text") or not item.get("expected"):
            line = doc.line_of(("tests", index))
            problems.append(Problem(str(path), line, "setiap baris perlu 'text' dan 'expected'"))
            continue
        cases.append((str(item["text"]), str(item["expected"]).strip()))
    return cases, problems


def measure_folder(
    folder: Path, knowledge: KnowledgeBase, folds: int, new_phrasings: set[tuple[str, str]]
) -> Measurement:
    """`knowledge` (loaded from `folder`) measured; `new_phrasings` (topic id, text) are
    asked but counted apart, so before and after compare the same phrasings."""
    from bot.offline.evaluation import ask_outcome, evaluate_holdout
    from bot.services.assistant import Assistant
    from faq.normalize import Lexicon

    lexicon = Lexicon.load()
    report = evaluate_holdout(knowledge, lexicon, folds, set_aside=new_phrasings)
    cases, _ = read_admin_tests(folder / TESTS_FILE)
    failing: set[str] = set()
    if cases:
        assistant = Assistant(knowledge, lexicon)
        for text, expected in cases:
            got = ask_outcome(assistant.ask(text))
            if expected == "none":  # as `eval ask`: no FAQ answer (an offer is fine)
                ok = got == "none" or got.startswith("complaint:")
            else:
                ok = got == expected
            if not ok:
                failing.add(text)
    return Measurement(
        report.right,
        report.wrong,
        report.asked,
        len(cases),
        frozenset(failing),
        report.aside_right,
        report.aside_wrong,
        report.aside_asked,
    )


def worse_detail(reason: str, before: Measurement, after: Measurement) -> str:
    if reason == WORSE_TESTS:
        return "\n".join(sorted(after.failing - before.failing)[:10])
    return (
        f"benar {before.right}→{after.right}, salah {before.wrong}→{after.wrong} "
        f"(dari {after.asked})"
    )
