"""Routing a complaint text to the OPD that must act on it.

Each OPD's keywords (in the OPD directory file an admin edits) are its evidence. A keyword
counts when every one of its terms is in the complaint; rarer keywords weigh more. The
router returns the best OPD, a confidence score and the alternatives; below
`CONFIDENT_SCORE` the caller sends the complaint to triage instead of guessing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from faq.models import Opd
from faq.normalize import Normalizer

CONFIDENT_SCORE = 0.5
TRIAGE_OPD = "kominfostan"


@dataclass(frozen=True)
class Route:
    opd: str | None  # None: nothing matched at all
    score: float
    alternatives: tuple[tuple[str, float], ...]

    @property
    def confident(self) -> bool:
        return self.opd is not None and self.score >= CONFIDENT_SCORE

    @property
    def destination(self) -> str:
        """Where the complaint goes: the best OPD when confident, otherwise triage."""
        return self.opd if self.confident and self.opd else TRIAGE_OPD

    def as_json(self, text: str) -> dict[str, object]:
        # When unsure, the best guess leads the alternatives so triage staff see it first.
        alternatives = [opd for opd, _ in self.alternatives]
        if self.opd and not self.confident:
            alternatives.insert(0, self.opd)
        return {
            "text": text,
            "opd": self.destination,
            "score": self.score,
            "alternatives": alternatives[:3],
        }


@dataclass(frozen=True)
class _Keyword:
    opd: str
    terms: frozenset[str]
    weight: float


class Router:
    def __init__(self, opds: dict[str, Opd], normalizer: Normalizer) -> None:
        self.opds = opds
        self.normalizer = normalizer
        raw: list[tuple[str, frozenset[str]]] = []
        for opd in opds.values():
            for keyword in opd.keywords:
                terms = frozenset(normalizer.analyze(keyword).terms)
                if terms:
                    raw.append((opd.id, terms))
        df: dict[str, set[str]] = defaultdict(set)
        for opd_id, terms in raw:
            for term in terms:
                df[term].add(opd_id)
        n = max(len(opds), 1)
        self.idf = {t: math.log(1 + n / len(owners)) for t, owners in df.items()}
        self.keywords = [
            _Keyword(opd_id, terms, sum(self.idf[t] for t in terms)) for opd_id, terms in raw
        ]
        self.by_term: dict[str, list[_Keyword]] = defaultdict(list)
        for keyword in self.keywords:
            for term in keyword.terms:
                self.by_term[term].append(keyword)

    def route(self, text: str) -> Route:
        return self.route_terms(self.normalizer.analyze(text).terms)

    def route_terms(self, terms: list[str]) -> Route:
        present = set(terms)
        hits: dict[str, list[float]] = defaultdict(list)
        seen: set[int] = set()
        for term in present:
            for keyword in self.by_term.get(term, ()):
                if id(keyword) in seen or not keyword.terms <= present:
                    continue
                seen.add(id(keyword))
                hits[keyword.opd].append(keyword.weight)
        if not hits:
            return Route(None, 0.0, ())
        # Strongest keyword counts fully, further ones with diminishing weight, so a long
        # complaint that repeats one word does not swamp a precise two-word match.
        totals = {
            opd_id: sum(w / (i + 1) for i, w in enumerate(sorted(ws, reverse=True)))
            for opd_id, ws in hits.items()
        }
        ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
        total = sum(v for _, v in ranked)
        best_id, best = ranked[0]
        # Confidence: the share of evidence for the winner, damped when evidence is thin.
        share = best / total
        strength = 1 - math.exp(-best / 2.5)
        score = round(share * strength, 4)
        alternatives = tuple((opd_id, round(v / total, 4)) for opd_id, v in ranked[1:4])
        return Route(best_id, score, alternatives)
