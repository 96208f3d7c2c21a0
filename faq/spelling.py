"""How residents shorten and run words together, undone before matching.

Indonesian chat writing drops vowels ("syrt" for syarat, "tnh" for tanah, "skrg" for
sekarang: the vowels and the n of "ng" go, the consonants stay in order) and leaves out
spaces ("ktpsaya", "cekstatus"). Both are regular enough to undo without a list of every
form:

- An abbreviation is a word the resident's vocabulary does not explain whose letters are
  the start letter and then a subsequence of a known word, where every dropped letter is a
  vowel (or the n of "ng"). Known words are ranked: the FAQ's and router's own words first,
  then common chat words, then the dictionary; a tie at the top rank is left alone, since a
  guess between two equally likely words would put words in the resident's mouth.
- A run-together word is split in two when both halves are known (or are abbreviations of
  known words) and at least one half is a word of the service vocabulary.

Everything here works on single lowercase words and is cached per word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

VOWELS = frozenset("aeiou")
# Ranks of the word lists an abbreviation may stand for (lower is preferred).
DOMAIN, COMMON, DICTIONARY = 0, 1, 2
MIN_ABBREVIATION = 3  # "sd", "kk", "rt" are abbreviations of their own, not dropped vowels
# A candidate this many times more frequent than the next wins a tie of rank.
FREQUENT = 3
MIN_SPLIT = 6  # shorter run-together words are too ambiguous to split
_NUMBER_WORD = re.compile(r"^(\d+)([a-z]{2,})$")


def skeleton(word: str) -> str:
    """The consonants of a word, in order ("syarat" -> "syrt")."""
    return "".join(ch for ch in word if ch not in VOWELS)


def _skeletons(word: str) -> set[str]:
    """The skeletons a resident may write for a word: with and without the n of "ng"."""
    base = skeleton(word)
    return {base, base.replace("ng", "g")}


def is_abbreviation_of(short: str, word: str) -> bool:
    """Is `short` `word` with only vowels (and the n of "ng") left out, first letter kept?"""
    if not short or not word or short[0] != word[0] or len(short) >= len(word):
        return False
    i = 0
    for j, ch in enumerate(word):
        if i < len(short) and short[i] == ch:
            i += 1
        elif ch in VOWELS or (ch == "n" and word[j + 1 : j + 2] == "g"):
            continue
        else:
            return False
    return i == len(short)


class Spelling:
    """Expands abbreviations and splits run-together words, towards known words only."""

    def __init__(
        self,
        ranked_words: dict[int, Iterable[str]],
        is_known: Callable[[str], bool],
        is_domain: Callable[[str], bool],
        is_exact: Callable[[str], bool] | None = None,
        frequency: dict[str, int] | None = None,
    ) -> None:
        self._is_known = is_known
        # Known as written (not only through stemming); defaults to `is_known`.
        self._is_exact = is_exact or is_known
        # How often a word occurs in the FAQ and routing texts: between two candidates of
        # the same rank the far more frequent one is what residents mean ("lns": lansia).
        self._frequency = frequency or {}
        self._is_domain = is_domain
        self._rank: dict[str, int] = {}
        for rank in sorted(ranked_words):
            for word in ranked_words[rank]:
                if word.isalpha() and len(word) > 2:
                    self._rank.setdefault(word, rank)
        self._by_skeleton: dict[str, list[str]] = defaultdict(list)
        for word in self._rank:
            for key in _skeletons(word):
                if len(key) >= 2:
                    self._by_skeleton[key].append(word)
        self.expand = lru_cache(maxsize=65536)(self._expand)

    def abbreviation(self, short: str) -> str | None:
        """The word a vowel-dropped `short` stands for, or None when unsure."""
        if len(short) < MIN_ABBREVIATION or not short.isalpha():
            return None
        found = [
            w for w in self._by_skeleton.get(skeleton(short), ()) if is_abbreviation_of(short, w)
        ]
        if not found:
            return None
        best = min(self._rank[w] for w in found)
        top = sorted(
            (w for w in found if self._rank[w] == best),
            key=lambda w: -self._frequency.get(w, 0),
        )
        if len(top) == 1:
            return top[0]
        first, second = (self._frequency.get(w, 0) for w in top[:2])
        return top[0] if first >= FREQUENT * max(second, 1) else None

    def _expand(self, word: str) -> tuple[str, ...] | None:
        """What an unknown word was meant to be, as one or two words; None when unsure."""
        if self._is_known(word):
            return None
        number = _NUMBER_WORD.match(word)
        if number:  # "2thn", "30rb": a number run into its unit
            unit = number.group(2)
            return (number.group(1), self._resolve(unit) or unit)
        if not word.isalpha():
            return None
        full = self._resolve(word)
        if full is not None:
            return (full,)
        if len(word) >= MIN_SPLIT:
            return self._split(word)
        return None

    def _resolve(self, part: str) -> str | None:
        return self._resolved(part)[0]

    def _resolved(self, part: str) -> tuple[str | None, float]:
        """The word `part` stands for and how much was guessed (0: written in full)."""
        if self._is_exact(part):
            return part, 0.0
        if self._is_known(part):
            return part, 1.5  # known only through stemming: weaker than a word in full
        found = self.abbreviation(part)
        if found is not None:
            return found, 1.0
        # A prefix loses its vowel too: "dbuat" is dibuat, "kbakar" kebakar (terbakar).
        for vowel in "ei":
            longer = part[0] + vowel + part[1:]
            if len(part) >= MIN_ABBREVIATION and self._is_known(longer):
                return longer, 1.0
        # "dtertbkn": the prefix di- written as d- before an abbreviation.
        if part.startswith("d") and len(part) > MIN_ABBREVIATION:
            rest = part[1:]
            found = rest if self._is_exact(rest) else self.abbreviation(rest)
            if found is not None and self._is_known("di" + found):
                return "di" + found, 1.0
        # Suffix "-nya"/"-ny" hangs on to abbreviations too ("syrtny"); the suffix carries
        # nothing the matcher needs.
        for suffix in ("nya", "ny"):
            if part.endswith(suffix) and len(part) - len(suffix) >= MIN_ABBREVIATION:
                base = part[: -len(suffix)]
                found = base if self._is_known(base) else self.abbreviation(base)
                if found is not None:
                    return found, 1.0
        return None, 0.0

    def _split(self, word: str) -> tuple[str, ...] | None:
        best: tuple[float, tuple[str, str]] | None = None
        for i in range(2, len(word) - 1):
            left, right = word[:i], word[i:]
            if min(len(left), len(right)) < 3 and not (
                self._is_exact(left) and self._is_exact(right)
            ):
                continue  # a two-letter half only when it is a word of its own ("kk")
            a, cost_a = self._resolved(left)
            b, cost_b = self._resolved(right)
            if a is None or b is None:
                continue
            if not (self._is_domain(a) or self._is_domain(b)):
                continue
            # Prefer halves written in full, then the most balanced split.
            score = (cost_a + cost_b) * 100 + abs(len(left) - len(right))
            if best is None or score < best[0]:
                best = (score, (a, b))
        return best[1] if best else None
