"""FAQ matching: a weighted lexical score over an inverted index, refined with rapidfuzz.

Every topic is a set of documents (its question, each phrasing, its keywords). A message
is scored against the documents that share an informative term with it; the topic score
is the best document's score blended with how much of the message the whole topic
explains. Three tiers decide what the resident sees: an answer, "Maksud Anda" with up to
three topics, or nothing.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from faq.bayes import TopicBayes
from faq.formatting import plain_text
from faq.knowledge import KnowledgeBase
from faq.normalize import Analysis, Lexicon, Normalizer
from faq.places import Place

# Tiers, tuned on the admins' own test questions (see docs/matching.md).
ANSWER_SCORE = 0.62
ANSWER_MARGIN = 0.03
SURE_SCORE = 0.70
SURE_MARGIN = 0.015  # even a high score is not sure when another topic ties with it
# A lower score still answers when no other topic comes close.
CLEAR_SCORE = 0.52
CLEAR_MARGIN = 0.10
# A term in at least this share of topics is generic (see Matcher.generic).
GENERIC_SHARE = 0.2
GENERIC_MIN = 3  # ...and in at least this many (in a small FAQ every word is in 20 %)
# Two topics explaining exactly the same words are a tie unless one is this far ahead.
TIE_MARGIN = 0.10
# How the topic score blends the best document, the topic's coverage and rapidfuzz.
W_DOC, W_COVERED, W_FUZZY = 0.7, 0.2, 0.1
# An answer must explain at least this share of the message's informative weight.
MIN_COVERED = 0.35
# Weight of a word the FAQ has never seen, relative to the rarest known word.
UNKNOWN_WEIGHT = 0.7
SUGGEST_SCORE = 0.33
# The naive Bayes second opinion (faq/bayes.py) scores this many leading candidates; its
# posterior, times BAYES_WEIGHT, is added to their scores for ordering them. Below the
# "sure" tier an answer needs both opinions to agree on the top topic.
BAYES_CANDIDATES = 5
BAYES_WEIGHT = 0.1
# Switch for measuring the lexical matcher alone (bench/bench_understanding.py): False
# builds no Bayes model, adds nothing to the scores and needs no agreement. Shipped: True.
BAYES_ENABLED = True
# A message naming something the FAQ never mentions is only answered by a topic that
# shares more than one central word with it, or explains this share of it.
UNKNOWN_BLOCK = 0.6
# A topic whose central words the message does not name ranks this much lower.
NO_EVIDENCE_FACTOR = 0.6
MAX_SUGGESTIONS = 3
MAX_FUZZY_CANDIDATES = 40
# Candidate topics gathered from the message's rarest central words (see Matcher.rank).
ANCHOR_POOL = 300


@dataclass(frozen=True)
class ScoredTopic:
    topic_id: str
    score: float
    evidence: frozenset[str] = frozenset()  # the message's terms central to this topic
    covered: float = 0.0  # share of the message's weight this topic explains


@dataclass(frozen=True)
class Match:
    """What the matcher concluded for one message."""

    analysis: Analysis
    answer: ScoredTopic | None
    suggestions: tuple[ScoredTopic, ...]
    ranked: tuple[ScoredTopic, ...]

    @property
    def best(self) -> ScoredTopic | None:
        return self.ranked[0] if self.ranked else None


@dataclass
class _Doc:
    topic_id: str
    terms: frozenset[str]
    weight: float  # sum of idf over its terms
    text: str  # normalised words, for rapidfuzz
    is_keyword: bool


def _surface(text: str, *, written_out: bool = False) -> list[str]:
    """Words as written (lowercase letters only), for expanding abbreviations. In the
    residents' phrasings (`written_out`) a word without a vowel ("syrt", "dftr") is itself
    an abbreviation, not a word to expand to; elsewhere it is an acronym (DLH, PHK)."""
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2]
    return [w for w in words if set(w) & set("aeiou")] if written_out else words


class Matcher:
    def __init__(self, knowledge: KnowledgeBase, normalizer: Normalizer) -> None:
        self.knowledge = knowledge
        self.normalizer = normalizer
        self._build()

    @classmethod
    def build(
        cls,
        knowledge: KnowledgeBase,
        lexicon: Lexicon | None = None,
        places: dict[tuple[str, ...], Place] | None = None,
    ) -> Matcher:
        lexicon = lexicon or Lexicon.load()
        base = Normalizer(lexicon)
        vocabulary: set[str] = set()
        surface: Counter[str] = Counter()
        for topic in knowledge.topics.values():
            for text in (topic.question, *topic.phrasings, *topic.keywords):
                vocabulary.update(base.analyze(text).terms)
            for text in topic.phrasings:
                surface.update(_surface(text, written_out=True))
            for text in (topic.question, *topic.keywords, plain_text(topic.answer)):
                surface.update(_surface(text))
        # Routing keywords are words residents use too: typos are corrected towards them,
        # and they are never "corrected" into an FAQ word ("paud" is not "padu").
        for opd in knowledge.opds.values():
            for keyword in opd.keywords:
                vocabulary.update(base.analyze(keyword).terms)
                surface.update(_surface(keyword))
            surface.update(_surface(f"{opd.name} {opd.short} {opd.handles}"))
        return cls(knowledge, base.with_vocabulary(vocabulary, surface, places))

    def _build(self) -> None:
        raw: list[tuple[str, Analysis, bool]] = []
        topic_terms: dict[str, set[str]] = defaultdict(set)
        anchors: dict[str, set[str]] = defaultdict(set)
        for topic in self.knowledge.topics.values():
            for text in (topic.question, *topic.phrasings):
                analysis = self.normalizer.analyze(text)
                raw.append((topic.id, analysis, False))
                topic_terms[topic.id].update(analysis.terms)
            anchors[topic.id].update(self.normalizer.analyze(topic.question).terms)
            for keyword in topic.keywords:
                analysis = self.normalizer.analyze(keyword)
                raw.append((topic.id, analysis, True))
                topic_terms[topic.id].update(analysis.terms)
                anchors[topic.id].update(analysis.terms)
        n_topics = max(len(topic_terms), 1)
        anchor_df: dict[str, int] = defaultdict(int)
        for terms in anchors.values():
            for term in terms:
                anchor_df[term] += 1
        df: dict[str, int] = defaultdict(int)
        for terms in topic_terms.values():
            for term in terms:
                df[term] += 1
        self.idf = {t: math.log(1 + n_topics / c) for t, c in df.items()}
        # Words like "cara", "syarat", "buat" appear across many topics: they shape a
        # question but never decide which topic it is about.
        self.generic = self.normalizer.lexicon.generic | frozenset(
            t for t, c in anchor_df.items() if c / n_topics >= GENERIC_SHARE and c >= GENERIC_MIN
        )
        # A word the FAQ has never seen still counts against a match: "cuaca" in a
        # message means the message is probably about something else.
        self.unknown_scale = math.log(1 + n_topics)
        self.unknown_idf = UNKNOWN_WEIGHT * self.unknown_scale
        self.topic_terms = {k: frozenset(v) for k, v in topic_terms.items()}
        # A topic is only offered when the message names something central to it (a word
        # of its question or keywords), not merely a word from one of its phrasings.
        self.anchors = {k: frozenset(v) for k, v in anchors.items()}
        self.anchor_index: dict[str, set[str]] = defaultdict(set)
        for topic_id, terms in self.anchors.items():
            for term in terms:
                self.anchor_index[term].add(topic_id)
        self.topic_weight = {k: sum(self.idf[t] for t in v) for k, v in self.topic_terms.items()}
        self.bayes = (
            TopicBayes((topic_id, a.terms) for topic_id, a, _ in raw) if BAYES_ENABLED else None
        )
        self.docs: list[_Doc] = []
        # term -> topic -> the topic's documents with the term. A topic's documents get
        # consecutive ids, so topics are listed in the order of their documents.
        self.postings: dict[str, dict[str, list[int]]] = defaultdict(dict)
        seen: set[tuple[str, frozenset[str]]] = set()
        for topic_id, analysis, is_keyword in raw:
            terms = frozenset(analysis.terms)
            if not terms or (topic_id, terms) in seen:
                continue
            seen.add((topic_id, terms))
            doc_id = len(self.docs)
            self.docs.append(
                _Doc(topic_id, terms, sum(self.idf[t] for t in terms), analysis.text, is_keyword)
            )
            for term in terms:
                self.postings[term].setdefault(topic_id, []).append(doc_id)
        # The same lists, by topic then term: scoring a topic touches only its own terms.
        self.topic_postings: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for term, topics in self.postings.items():
            for topic_id, doc_ids in topics.items():
                self.topic_postings[topic_id][term] = doc_ids

    def anchors_of(self, topic_ids: Collection[str]) -> frozenset[str]:
        """The central words of some topics together."""
        return frozenset().union(*(self.anchors.get(t, frozenset()) for t in topic_ids))

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.unknown_idf)

    def rank(self, analysis: Analysis, only: Collection[str] | None = None) -> list[ScoredTopic]:
        """Topics by score, best first; `only` limits the topics considered."""
        # Sorted, so sums and ties come out the same in every process (string hashing
        # differs between processes and would reorder a set).
        query = sorted(set(analysis.terms))
        if not query:
            return []
        mult = analysis.weights
        q_weight = sum(self.weight(t) * mult.get(t, 1.0) for t in query)
        # Topics the message names something central of; others are never offered.
        # The rarest words first: a topic must be named by one of the message's most
        # telling words. In a large FAQ a common word ("akta", "cara") names hundreds of
        # topics that its rarer words already rule out; stop once ANCHOR_POOL are found.
        anchored: set[str] = set()
        naming = [t for t in query if t in self.anchor_index]
        for term in sorted(naming, key=lambda t: (len(self.anchor_index[t]), t)):
            if len(anchored) >= ANCHOR_POOL:
                break
            anchored |= self.anchor_index[term]
        if only is not None:
            anchored &= set(only)
        if not anchored:
            return []
        # Per topic, in the order topics are first met: the share of the message's weight
        # (context sentences count less) that the whole topic explains. No document of the
        # topic explains more, and a document's recall is at most 1, so its score is at
        # most 2p / (p + 1): topics are scored best bound first, and scoring stops when
        # no remaining topic can reach the MAX_FUZZY_CANDIDATES best scores found.
        found: dict[str, tuple[float, float]] = {}  # term -> (idf, idf x its weight)
        explained: dict[str, float] = defaultdict(float)
        for term in query:
            w = self.idf.get(term)
            if w is None:
                continue
            wm = w * mult.get(term, 1.0)
            found[term] = (w, wm)
            for topic_id in self.postings[term]:
                if topic_id in anchored:
                    explained[topic_id] += wm
        known = found.keys()
        best_doc: dict[str, float] = {}
        best_doc_id: dict[str, int] = {}
        leaders: list[float] = []  # a min-heap of the best MAX_FUZZY_CANDIDATES scores
        for topic_id in sorted(explained, key=lambda t: (-explained[t], t)):
            p = explained[topic_id] / q_weight
            if len(leaders) == MAX_FUZZY_CANDIDATES and 2 * p / (p + 1) + 1e-9 < leaders[0]:
                break
            # Per document: the message's weight it explains (precision) and the
            # document's own weight the message names (recall).
            shared: dict[int, float] = {}
            named: dict[int, float] = {}
            by_term = self.topic_postings[topic_id]
            # Only the few terms this topic shares with the message (sorted: same sums in
            # every process).
            for term in sorted(known & by_term.keys()):
                w, wm = found[term]
                for doc_id in by_term[term]:
                    shared[doc_id] = shared.get(doc_id, 0.0) + wm
                    named[doc_id] = named.get(doc_id, 0.0) + w
            best = -1.0
            for doc_id, explains in shared.items():
                doc = self.docs[doc_id]
                precision = explains / q_weight
                recall = named[doc_id] / doc.weight
                score = 2 * precision * recall / (precision + recall)
                if doc.is_keyword:
                    # A keyword only says "this topic is involved"; it cannot explain a question.
                    score *= 0.85
                if score > best:
                    best, best_doc_id[topic_id] = score, doc_id
            best_doc[topic_id] = best
            if len(leaders) < MAX_FUZZY_CANDIDATES:
                heapq.heappush(leaders, best)
            elif best > leaders[0]:
                heapq.heapreplace(leaders, best)
        # Ties keep the order in which topics were first met.
        best_doc = {t: best_doc[t] for t in explained if t in best_doc}
        if not best_doc:
            return []
        # Refine the strongest candidates with rapidfuzz on the normalised text, which
        # rewards word order and near-identical phrasing.
        candidates = sorted(best_doc, key=lambda t: (-best_doc[t], t))[:MAX_FUZZY_CANDIDATES]
        text = analysis.text
        scored: list[ScoredTopic] = []
        for topic_id in candidates:
            terms = self.topic_terms[topic_id]
            covered = sum(self.weight(t) * mult.get(t, 1.0) for t in query if t in terms) / q_weight
            fuzzy = fuzz.token_sort_ratio(text, self.docs[best_doc_id[topic_id]].text) / 100
            score = W_DOC * best_doc[topic_id] + W_COVERED * covered + W_FUZZY * fuzzy
            evidence = (set(query) & self.anchors[topic_id]) - self.generic
            if not evidence:
                # Only a phrasing's wording is shared, nothing central to the topic
                # ("sim bisa diurus di kantor camat?" vs a question about KK).
                score *= NO_EVIDENCE_FACTOR
            scored.append(ScoredTopic(topic_id, round(score, 4), evidence, round(covered, 4)))
        scored.sort(key=lambda s: (-s.score, s.topic_id))
        return scored

    def _decisive(self, ranked: list[ScoredTopic], query: set[str]) -> bool:
        """Is there evidence that singles out the top topic, not just a higher number?"""
        top = ranked[0]
        if not top.evidence:
            return False  # "syarat?" alone names no topic
        if top.covered < MIN_COVERED:
            return False  # most of the message is about something the topic does not cover
        unknown = [t for t in query if t not in self.idf and not t.isdigit()]
        if unknown and len(top.evidence) <= 1 and top.covered < UNKNOWN_BLOCK:
            # "jam buka alfamart", "cara investasi emas untuk pemula": one shared word, and
            # the thing asked about is something the FAQ never mentions.
            return False
        if len(query) > 1:
            return True
        # A one-word message ("akta", "ktp") that several topics share: ask, don't guess.
        return not any(
            other.evidence == top.evidence and top.score - other.score < TIE_MARGIN
            for other in ranked[1:MAX_SUGGESTIONS]
        )

    def match(self, text: str) -> Match:
        return self.decide(self.normalizer.analyze(text))

    def decide(self, analysis: Analysis, only: Collection[str] | None = None) -> Match:
        """The answer, suggestions and ranking for one message (`only`: see `rank`)."""
        ranked = self.rank(analysis, only)
        agree = True
        if BAYES_ENABLED and self.bayes is not None and len(ranked) > 1:
            # The second opinion (faq/bayes.py) adds to the leading candidates' scores.
            lead = ranked[:BAYES_CANDIDATES]
            posterior = self.bayes.posterior(analysis.terms, (s.topic_id for s in lead))
            lead = sorted(
                (
                    replace(
                        s, score=round(s.score + BAYES_WEIGHT * posterior.get(s.topic_id, 0), 4)
                    )
                    for s in lead
                ),
                key=lambda s: (-s.score, s.topic_id),
            )
            if posterior:
                agree = max(posterior, key=posterior.__getitem__) == lead[0].topic_id
            ranked = lead + ranked[BAYES_CANDIDATES:]
        answer = None
        if ranked and self._decisive(ranked, set(analysis.terms)):
            top = ranked[0]
            second = ranked[1].score if len(ranked) > 1 else 0.0
            margin = top.score - second
            if (top.score >= SURE_SCORE and margin >= SURE_MARGIN) or (
                agree
                and (
                    (top.score >= ANSWER_SCORE and margin >= ANSWER_MARGIN)
                    or (top.score >= CLEAR_SCORE and margin >= CLEAR_MARGIN)
                )
            ):
                answer = top
        suggestions: tuple[ScoredTopic, ...] = ()
        if answer is None:
            suggestions = tuple(s for s in ranked[:MAX_SUGGESTIONS] if s.score >= SUGGEST_SCORE)
        return Match(analysis, answer, suggestions, tuple(ranked[:10]))
