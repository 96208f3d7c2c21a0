"""A second opinion on which topic a message is about: naive Bayes over the FAQ's words.

The lexical matcher (faq/matcher.py) asks "how much of the message does this topic's best
phrasing explain?"; it is precise but blind to which words *tell neighbours apart*:
"ubah data kk" is explained by kk-ubah and, nearly as well, by biaya-adminduk, one of
whose phrasings is "ubah data kk kena biaya?". Naive Bayes learns from all of a topic's
phrasings how typical each word is of it, so the word the message lacks ("biaya")
counts. Trained at load time by counting; scores only the matcher's candidates.

The two disagree mostly when the message is ambiguous; measured on held-out phrasings
(`python -m bot eval holdout`), the top topic is right about 95 % of the time when they
agree and about half the time when they do not (docs/matching.md).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

# Additive smoothing: a word never seen with a topic is unlikely, not impossible.
ALPHA = 0.1


class TopicBayes:
    def __init__(self, documents: Iterable[tuple[str, Iterable[str]]]) -> None:
        """`documents`: (topic id, content terms of one question, phrasing or keyword)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        totals: Counter[str] = Counter()
        vocabulary: set[str] = set()
        for topic_id, terms in documents:
            unique = set(terms)
            counts[topic_id].update(unique)
            totals[topic_id] += len(unique)
            vocabulary |= unique
        size = max(len(vocabulary), 1)
        self.vocabulary = frozenset(vocabulary)
        # log P(term | topic) for the terms seen with the topic, and the floor for the rest.
        self._log: dict[str, dict[str, float]] = {}
        self._floor: dict[str, float] = {}
        for topic_id, counter in counts.items():
            denominator = totals[topic_id] + ALPHA * size
            self._log[topic_id] = {
                t: math.log((c + ALPHA) / denominator) for t, c in counter.items()
            }
            self._floor[topic_id] = math.log(ALPHA / denominator)

    def posterior(self, terms: Iterable[str], candidates: Iterable[str]) -> dict[str, float]:
        """P(topic | terms) among `candidates` (uniform prior); words never seen are skipped."""
        known = sorted(t for t in set(terms) if t in self.vocabulary)
        scores: dict[str, float] = {}
        for topic_id in candidates:
            table = self._log.get(topic_id)
            if table is None:
                continue
            floor = self._floor[topic_id]
            scores[topic_id] = sum(table.get(t, floor) for t in known)
        if not scores:
            return {}
        top = max(scores.values())
        weights = {k: math.exp(v - top) for k, v in scores.items()}
        total = sum(weights.values())
        return {k: w / total for k, w in weights.items()}
