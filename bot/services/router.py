"""Routing a complaint text to the OPD that must act on it.

Each OPD's keywords (in the OPD directory file an admin edits) are its evidence, together
with the OPD's own id, short name and name (a resident who writes "dishub" or "Satpol PP"
says where it goes). Keywords go through the same normaliser as the complaint, so slang,
abbreviations and stemming treat both sides alike. How a keyword counts:

- Every term of a keyword must occur in the complaint, close together: at most
  `WINDOW_SLACK` other terms apart counts almost fully (the exact phrase fully, the terms in
  order a little less, in another order, "rusak jalannya", less again); up to `FAR_SLACK`
  apart (the same sentence, most likely) counts at `FAR`. A complaint that says "jalan" in
  its address and "rusak" three sentences later about a signboard is not a "jalan rusak".
- Rarer terms weigh more (a term several OPDs list says little about which one). A longer
  keyword is more precise than its rarest term but not worth several keywords. A keyword
  made only of problem words ("macet", "bau": consequences) weighs less than a thing.
- A keyword that normalisation shrank to one word by dropping another ("jalan kabupaten"
  -> "jalan", since "kabupaten" says nothing here) is left out, and so is a one-word
  keyword that is a place or question word of the lexicon: they match nearly everything.
- Residents say what is wrong first and then where: a keyword met among the first
  `LEAD_TERMS` terms counts more. A term the complaint repeats adds a little.
- Per OPD, the strongest keyword counts fully and further ones with diminishing weight; a
  keyword inside a longer matched one of the same OPD adds nothing. Words a stronger OPD
  already accounts for are no evidence for a weaker one ("lampu pju ... mati lampu" is a
  street light, not a power cut at home).

The confidence is the winner's lead over the runner-up, damped when the evidence is thin.
Below `CONFIDENT_SCORE` the complaint goes to the kecamatan office when its location is
known, otherwise to triage, instead of the router guessing.

The complaint category a resident chose is a strong prior for its owner OPD: it wins unless
the text clearly points to another OPD.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Literal

from faq.models import Opd, RoutingPolicy
from faq.normalize import Normalizer

CONFIDENT_SCORE = 0.5
# The triage OPD and the per-kecamatan OPD are the OPD directory's routing policy
# (`triage` and `per_kecamatan` in data/opd.yaml), not constants here.

# A keyword's terms may be this many other terms apart in total and still count together.
WINDOW_SLACK = 3
# Weight of a keyword by how its terms appear: the exact phrase, in order with gaps, in
# another order, or further apart (up to FAR_SLACK other terms).
EXACT, ORDERED, UNORDERED, FAR = 1.0, 0.85, 0.7, 0.5
FAR_SLACK = 12
# A term repeated in the complaint adds this much per doubling (log2), up to REPEAT_CAP.
REPEAT_BONUS = 0.15
REPEAT_CAP = 1.5
# A keyword made only of problem cues of the lexicon that are not also objects ("macet",
# "bau", "berlubang") names a state or a consequence: weaker than the thing it is about.
PROBLEM_FACTOR = 0.8
# Each further term of a keyword adds this share of its rarity to the rarest term's.
PHRASE_EXTRA = 0.5
# Naming the agency counts this much more than a keyword of the same rarity.
NAME_BONUS = 1.25
# A keyword met among the first LEAD_TERMS terms (where residents say what is wrong,
# before the address and the story) counts this much more.
LEAD_TERMS = 12
LEAD_BONUS = 1.5
# Confidence = agreement x strength. Agreement is 0.5 when the runner-up has as much
# evidence as the winner and grows by MARGIN_SLOPE per unit of the winner's share above a
# half (1.0 from a 5:1 lead); strength reaches 63 % at STRENGTH_SCALE of evidence (one rare
# keyword is about 3.4). Measured on the dev set: a winner whose share is under ~0.55 is
# right about half the time, one with more three times in four or better; so a clear lead
# with one good keyword clears CONFIDENT_SCORE, a near tie does not.
MARGIN_SLOPE = 1.5
STRENGTH_SCALE = 2.0
# The resident's chosen category counts like this many of the rarest possible keyword.
# Another OPD wins only with clearly more evidence in the text: a precise phrase in the
# lead ("jalan rusak" under "Sampah") is enough, one bare word ("parkir") is not.
CATEGORY_PRIOR = 1.25
# A decisive keyword (data/opd.yaml `decisive_keywords`) outweighs this many ordinary ones:
# "pungli" at the capil office is the Inspektorat's, not Disdukcapil's.
DECISIVE_FACTOR = 3.0
# For danger happening now, the OPDs that respond to emergencies (`emergency: true`) count
# this much more.
EMERGENCY_FACTOR = 2.0

Basis = Literal["text", "category", "kecamatan", "none"]


@dataclass(frozen=True)
class Route:
    opd: str | None  # None: nothing matched at all
    score: float
    alternatives: tuple[tuple[str, float], ...]
    # What decided `opd`: the complaint text, the category the resident chose, the
    # kecamatan fallback (text not conclusive, location known), or nothing.
    basis: Basis = "text"
    # Where an unsure complaint goes: the directory's triage OPD (set by the router).
    triage: str | None = None

    @property
    def confident(self) -> bool:
        """Sure enough to send it to `opd`: strong text evidence, or a routing rule."""
        if self.opd is None:
            return False
        return self.basis in ("category", "kecamatan") or self.score >= CONFIDENT_SCORE

    @property
    def destination(self) -> str:
        """Where the complaint goes: the best OPD when confident, otherwise triage."""
        return self.opd if self.confident and self.opd else self.triage

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
    terms: tuple[str, ...]  # in the keyword's order, repeats removed
    term_set: frozenset[str]
    weight: float
    is_name: bool = False  # the OPD's own id, short name or name
    decisive: bool = False  # one of the OPD's decisive keywords


class Router:
    def __init__(self, opds: dict[str, Opd], normalizer: Normalizer) -> None:
        self.opds = opds
        self.normalizer = normalizer
        self.policy = RoutingPolicy.of(opds)
        lexicon = normalizer.lexicon
        # Words that say where or how, never what: alone they are no evidence.
        weak = set(lexicon.generic) | set(lexicon.complaint.get("places", ()))
        states = set(self._cue_terms("problems")) - set(self._cue_terms("objects"))
        raw: list[tuple[str, tuple[str, ...], bool, bool]] = []
        seen: set[tuple[str, frozenset[str]]] = set()
        # Keywords of the OPD file that can never count, with the reason (for admins).
        self.ignored: list[tuple[str, str, str]] = []
        for opd in opds.values():
            # A resident who names the agency ("dishub", "Satpol PP") says where it goes.
            names = [(name, True, False) for name in (opd.id, opd.short, opd.name)]
            plain = [(k, False, False) for k in opd.keywords]
            decisive = [(k, False, True) for k in opd.decisive_keywords]
            for keyword, is_name, is_decisive in [*names, *decisive, *plain]:
                words = normalizer.words(keyword)
                terms = tuple(dict.fromkeys(normalizer.terms(words)))
                if not terms:
                    if not is_name:
                        self.ignored.append((opd.id, keyword, "hanya kata umum"))
                    continue
                shrank = any(not normalizer.terms([word]) for word in words)
                if len(terms) == 1 and (shrank or terms[0] in weak):
                    # Lost its qualifier ("jalan kabupaten" -> "jalan"), or is an everyday word.
                    if not is_name:
                        self.ignored.append((opd.id, keyword, f"tersisa kata umum '{terms[0]}'"))
                    continue
                key = (opd.id, frozenset(terms))
                if key in seen:
                    continue  # "e-ktp" and "ktp" are one piece of evidence
                seen.add(key)
                raw.append((opd.id, terms, is_name, is_decisive))
        df: dict[str, set[str]] = defaultdict(set)
        for opd_id, terms, _, _ in raw:
            for term in terms:
                df[term].add(opd_id)
        n = max(len(opds), 1)
        self.idf = {t: math.log(1 + n / len(owners)) for t, owners in df.items()}
        self.max_weight = math.log(1 + n)

        def weight(terms: tuple[str, ...], is_name: bool) -> float:
            parts = sorted((self.idf[t] for t in terms), reverse=True)
            # A longer phrase is more precise than its rarest word, not worth several keywords.
            value = parts[0] + PHRASE_EXTRA * sum(parts[1:])
            if all(t in states for t in terms):
                value *= PROBLEM_FACTOR  # "macet" alone: a consequence, not the cause
            return value * (NAME_BONUS if is_name else 1.0)

        self.keywords = [
            _Keyword(
                opd_id,
                terms,
                frozenset(terms),
                weight(terms, is_name) * (DECISIVE_FACTOR if is_decisive else 1.0),
                is_name,
                is_decisive,
            )
            for opd_id, terms, is_name, is_decisive in raw
        ]
        self.responders = frozenset(o.id for o in opds.values() if o.emergency)
        # Each keyword is looked up by its rarest term: one lookup per keyword and text.
        self.by_term: dict[str, list[_Keyword]] = defaultdict(list)
        for keyword in self.keywords:
            anchor = min(keyword.terms, key=lambda t: (len(df[t]), t))
            self.by_term[anchor].append(keyword)
        self._canon_cache: dict[str, str] = {}

    def _canon(self, term: str) -> str:
        """The keyword term a complaint term stands for, when the normaliser missed it.

        The lexicon maps words before stemming, so an inflected form escapes it
        ("selokannya" -> "selokan", never "parit"), and the stemmer leaves "-nya" on words
        it does not know ("angkotnya"). Only a result that is a keyword term is taken.
        """
        found = self._canon_cache.get(term)
        if found is not None:
            return found
        found = term
        if term not in self.idf:
            lexicon = self.normalizer.lexicon
            base = term[:-3] if term.endswith("nya") and len(term) > 5 else term
            mapped = lexicon.words.get(base, (base,))
            candidate = lexicon.synonyms.get(mapped[0], mapped[0]) if len(mapped) == 1 else base
            if candidate in self.idf:
                found = candidate
            elif base in self.idf:
                found = base
        if len(self._canon_cache) < 65536:
            self._canon_cache[term] = found
        return found

    def _cue_terms(self, kind: str) -> list[str]:
        """The lexicon's complaint cues of one kind, as the terms the router compares."""
        cues = self.normalizer.lexicon.complaint.get(kind, ())
        return [t for cue in cues if " " not in cue for t in self.normalizer.analyze(cue).terms]

    # -- public ------------------------------------------------------------------
    def route(
        self, text: str, *, category_opd: str | None = None, kecamatan: str | None = None
    ) -> Route:
        terms = self.normalizer.analyze(text).terms
        return self.route_terms(terms, category_opd=category_opd, kecamatan=kecamatan)

    def route_terms(
        self,
        terms: list[str],
        *,
        category_opd: str | None = None,
        kecamatan: str | None = None,
        emergency: bool = False,
    ) -> Route:
        route = self._decide(terms, category_opd, kecamatan, emergency)
        return replace(route, triage=self.policy.triage)

    def _decide(
        self, terms: list[str], category_opd: str | None, kecamatan: str | None, emergency: bool
    ) -> Route:
        totals = self.evidence(terms)
        if emergency:
            totals = {
                o: v * (EMERGENCY_FACTOR if o in self.responders else 1.0)
                for o, v in totals.items()
            }
        prior = category_opd if category_opd and category_opd in self.opds else None
        if prior is not None:
            totals[prior] = totals.get(prior, 0.0) + CATEGORY_PRIOR * self.max_weight
        if not totals:
            if kecamatan and self.policy.per_kecamatan:
                return Route(self.policy.per_kecamatan, 0.0, (), "kecamatan")
            return Route(None, 0.0, (), "none")
        # On a tie the resident's own choice goes first.
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0] != prior, kv[0]))
        best_id, best = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        rest = sum(v for _, v in ranked[2:])
        total = best + second + rest
        # Confidence: the winner's share against its nearest rival (a scatter of small
        # matches elsewhere counts a quarter), damped when the evidence itself is thin.
        share = best / (best + second + 0.25 * rest)
        agreement = min(1.0, 0.5 + MARGIN_SLOPE * (share - 0.5))
        strength = 1 - math.exp(-best / STRENGTH_SCALE)
        score = round(agreement * strength, 4)
        alternatives = tuple((opd_id, round(v / total, 4)) for opd_id, v in ranked[1:4])
        if prior is not None and best_id == prior:
            # The resident said what it is about and the text does not clearly disagree.
            return Route(best_id, score, alternatives, "category")
        if score >= CONFIDENT_SCORE:
            return Route(best_id, score, alternatives, "text")
        if prior is not None:
            # Text points elsewhere, but not clearly: keep the resident's choice.
            others = tuple((o, round(totals[o] / total, 4)) for o, _ in ranked if o != prior)
            return Route(prior, score, others[:3], "category")
        if kecamatan and self.policy.per_kecamatan:
            guesses = ((best_id, round(best / total, 4)), *alternatives)
            return Route(self.policy.per_kecamatan, score, guesses[:3], "kecamatan")
        return Route(best_id, score, alternatives, "text")

    def evidence(self, terms: list[str]) -> dict[str, float]:
        """Evidence per OPD for a complaint's terms (in text order)."""
        positions: dict[str, list[int]] = defaultdict(list)
        for i, term in enumerate(terms):
            positions[self._canon(term)].append(i)
        hits: dict[str, list[tuple[float, frozenset[str], bool]]] = defaultdict(list)
        for term in positions:
            for keyword in self.by_term.get(term, ()):
                fit = self._fit(keyword.terms, positions)
                if not fit:
                    continue
                repeats = min(len(positions[t]) for t in keyword.terms)
                weight = keyword.weight * fit
                if keyword.decisive and fit < UNORDERED:
                    weight /= DECISIVE_FACTOR  # decisive only with its words close together
                weight *= min(1 + REPEAT_BONUS * math.log2(repeats), REPEAT_CAP)
                if min(positions[t][0] for t in keyword.terms) < LEAD_TERMS:
                    weight *= LEAD_BONUS
                # A decisive keyword's words cannot be claimed by another OPD (below).
                hits[keyword.opd].append((weight, keyword.term_set, keyword.decisive))
        # Words the stronger OPDs already account for are no evidence for a weaker one:
        # "lampu pju ... mati lampu" is a street light, not a power cut at home.
        totals: dict[str, float] = {}
        claimed: set[str] = set()
        for opd_id in sorted(hits, key=lambda o: (-_total(hits[o]), o)):
            kept = [h for h in hits[opd_id] if h[2] or not h[1] <= claimed]
            if kept:
                totals[opd_id] = _total(kept)
                claimed.update(*(ts for _, ts, _ in kept))
        return totals

    @staticmethod
    def _fit(terms: tuple[str, ...], positions: dict[str, list[int]]) -> float:
        """How well a keyword's terms occur in the text: EXACT, ORDERED, UNORDERED or 0."""
        if len(terms) == 1:
            return EXACT if terms[0] in positions else 0.0
        if any(t not in positions for t in terms):
            return 0.0
        limit = len(terms) - 1 + WINDOW_SLACK
        span = _span(terms, positions)
        if span > limit:
            # Same sentence, most likely ("jalan X di desa Y mengalami kerusakan"): weaker.
            return FAR if span <= len(terms) - 1 + FAR_SLACK else 0.0
        at = [set(positions[t]) for t in terms]
        starts = positions[terms[0]]
        if any(all(s + i in at[i] for i in range(1, len(terms))) for s in starts):
            return EXACT
        for s in starts:
            # Earliest in-order occurrence of the other terms after this start.
            last = s
            for term in terms[1:]:
                last = next((p for p in positions[term] if p > last), -1)
                if last < 0:
                    break
            if last >= 0 and last - s <= limit:
                return ORDERED
        return UNORDERED


def _total(matched: list[tuple[float, frozenset[str], bool]]) -> float:
    """One OPD's evidence: the strongest keyword fully, further ones with diminishing weight.

    A keyword inside a longer matched one of the same OPD ("parkir" in "parkir liar") adds
    nothing of its own.
    """
    kept = sorted(
        (w for w, ts, _ in matched if not any(ts < other for _, other, _ in matched)),
        reverse=True,
    )
    return sum(w / (i + 1) for i, w in enumerate(kept))


def _span(terms: tuple[str, ...], positions: dict[str, list[int]]) -> int:
    """The smallest stretch of the text (in term positions) that holds every term."""
    events = sorted((p, t) for t in terms for p in positions[t])
    counts: dict[str, int] = defaultdict(int)
    have = 0
    best = len(events) and events[-1][0] - events[0][0]
    left = 0
    for pos, term in events:
        counts[term] += 1
        if counts[term] == 1:
            have += 1
        while have == len(terms):
            best = min(best, pos - events[left][0])
            dropped = events[left][1]
            counts[dropped] -= 1
            if counts[dropped] == 0:
                have -= 1
            left += 1
    return best
