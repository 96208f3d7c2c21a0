"""A learned alternative to the FAQ matcher, measured by bench/bench_understanding.py only.

Not shipped. It is the classifier the issue suggested, Rasa-style: TF-IDF over character
n-grams within word boundaries (`char_wb`, 3-5 characters, as scikit-learn's
`TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))`: raw counts, smoothed idf,
L2 norm, n-grams never seen in training ignored) over the normalised content terms
(`Analysis.terms`: slang expanded, stopwords out, stemmed), trained at build time on each
topic's question and phrasings. A message is compared by cosine with:

* each topic's centroid (the normalised mean of its documents' vectors), which picks the
  RERANK_TOPICS best topics through an inverted index; then
* each phrasing of those topics, the best one per topic.

The topic score is CENTROID_WEIGHT x centroid cosine + (1 - CENTROID_WEIGHT) x best
phrasing cosine; the top topic is the answer when its score is at least THRESHOLD, which
the benchmark chooses on held-out folds. Plain Python (the project has no numpy).

`NgramMatcher` replaces `faq.matcher.Matcher` inside today's `Assistant` (same reading,
report detection and routing), so only the FAQ matching differs.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable

from faq.matcher import Match, Matcher, ScoredTopic
from faq.normalize import Analysis

NGRAM_MIN, NGRAM_MAX = 3, 5
CENTROID_WEIGHT = 0.5
RERANK_TOPICS = 10
THRESHOLD = 0.5  # set by bench_understanding.py from the held-out folds
MAX_RANKED = 10


def char_wb(words: Iterable[str]) -> list[str]:
    """scikit-learn's `char_wb` analyser: n-grams of each space-padded word."""
    grams: list[str] = []
    for word in words:
        padded = f" {word} "
        size = len(padded)
        for n in range(NGRAM_MIN, NGRAM_MAX + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a short word counts once
                break
    return grams


class NgramMatcher(Matcher):
    """Same constructor and `decide` contract as `Matcher`; built by `Matcher.build`."""

    def _build(self) -> None:
        self.memo: dict | None = None  # the benchmark's threshold search caches rankings
        analyze = self.normalizer.analyze
        topic_ids: list[str] = []
        texts: list[list[list[str]]] = []  # per topic, the terms of each document
        self.topic_terms: list[frozenset[str]] = []
        for topic in self.knowledge.topics.values():
            docs = [analyze(t).terms for t in (topic.question, *topic.phrasings)]
            docs = [d for d in docs if d]
            if not docs:
                continue
            topic_ids.append(topic.id)
            texts.append(docs)
            keywords = [t for k in topic.keywords for t in analyze(k).terms]
            self.topic_terms.append(frozenset(keywords).union(*docs))
        self.topic_ids = topic_ids
        # Two passes over the documents' terms (n-grams are not kept: 75,000 documents'
        # worth of Counters would dominate memory): document frequencies, then vectors.
        self.vocab: dict[str, int] = {}
        df: list[int] = []
        for topic_docs in texts:
            for doc in topic_docs:
                for gram in set(char_wb(doc)):
                    g = self.vocab.setdefault(gram, len(df))
                    if g == len(df):
                        df.append(0)
                    df[g] += 1
        n_docs = sum(len(topic_docs) for topic_docs in texts)
        self.idf = array("d", (math.log((1 + n_docs) / (1 + c)) + 1 for c in df))
        # Documents are numbered topic by topic (topic t owns ids ranges[t]); both indexes
        # map an n-gram to ascending ids and weights, documents' and topic centroids'.
        self.ranges: list[tuple[int, int]] = []
        index: dict[int, tuple[array, array]] = {}
        centroids: dict[int, tuple[array, array]] = {}
        doc_id = 0
        for topic_index, topic_docs in enumerate(texts):
            start, centroid = doc_id, defaultdict(float)
            for doc in topic_docs:
                for g, w in self._vector(Counter(char_wb(doc))).items():
                    ids, weights = index.setdefault(g, (array("i"), array("f")))
                    ids.append(doc_id)
                    weights.append(w)
                    centroid[g] += w
                doc_id += 1
            self.ranges.append((start, doc_id))
            norm = math.sqrt(sum(w * w for w in centroid.values()))
            for g, w in centroid.items():
                ids, weights = centroids.setdefault(g, (array("i"), array("f")))
                ids.append(topic_index)
                weights.append(w / norm)
        self.doc_postings, self.postings = index, centroids

    def _vector(self, counts: Counter[str]) -> dict[int, float]:
        vector: dict[int, float] = {}
        for gram, count in counts.items():
            g = self.vocab.get(gram)
            if g is not None:
                vector[g] = count * self.idf[g]
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {g: w / norm for g, w in vector.items()} if norm else {}

    def query(self, analysis: Analysis) -> dict[int, float]:
        grams: Counter[str] = Counter()
        for term in analysis.terms:
            weight = analysis.weights.get(term, 1.0)  # context sentences count less
            for gram in char_wb((term,)):
                grams[gram] += weight
        return self._vector(grams)

    def rank(self, analysis: Analysis) -> list[ScoredTopic]:
        q = self.query(analysis)
        if not q:
            return []
        centroid: dict[int, float] = defaultdict(float)
        for g, qw in q.items():
            ids, weights = self.postings[g]
            for t, w in zip(ids, weights):  # noqa: B905 (same length by construction)
                centroid[t] += qw * w
        lead = heapq.nlargest(RERANK_TOPICS, centroid.items(), key=lambda kv: kv[1])
        terms = set(analysis.terms)
        query = [(self.doc_postings[g], qw) for g, qw in q.items()]
        scored = []
        for t, cos in lead:
            first, end = self.ranges[t]
            dots = [0.0] * (end - first)
            for (ids, weights), qw in query:
                lo = bisect_left(ids, first)
                for k in range(lo, bisect_left(ids, end, lo)):
                    dots[ids[k] - first] += qw * weights[k]
            best = max(dots)
            score = CENTROID_WEIGHT * cos + (1 - CENTROID_WEIGHT) * best
            covered = len(terms & self.topic_terms[t]) / len(terms)
            scored.append(ScoredTopic(self.topic_ids[t], round(score, 4), covered=covered))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored[:MAX_RANKED]

    def decide(self, analysis: Analysis) -> Match:
        if self.memo is None:
            ranked = self.rank(analysis)
        else:
            key = (tuple(analysis.terms), tuple(sorted(analysis.weights.items())))
            ranked = self.memo.get(key)
            if ranked is None:
                ranked = self.memo[key] = self.rank(analysis)
        answer = ranked[0] if ranked and ranked[0].score >= THRESHOLD else None
        return Match(analysis, answer, (), tuple(ranked))
