"""Text normalisation for everyday Indonesian: slang, Medan colloquial, abbreviations, typos.

`Normalizer.analyze(text)` returns the words the matcher compares. Each step is a table
from `faq/lexicon/` rather than code, so admins and reviewers can see and change it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import distance, process
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

_URL = re.compile(r"(https?://\S+|www\.\S+|\S+@\S+\.\S+)")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2\b")  # "anak2" -> "anak anak"
_NON_WORD = re.compile(r"[^0-9a-z]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")  # "tolooong" -> "tolong"


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    words: dict[str, tuple[str, ...]]
    stopwords: frozenset[str]
    synonyms: dict[str, str]
    smalltalk: dict[str, tuple[tuple[str, ...], ...]]
    chitchat: frozenset[str]
    complaint: dict[str, frozenset[str]]
    generic: frozenset[str] = frozenset()
    emergency: tuple[tuple[str, ...], ...] = ()
    max_phrase: int = 1

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> Lexicon:
        domain = yaml.safe_load((directory / "domain.yaml").read_text(encoding="utf-8"))
        dictionary = _root_words()
        words: dict[str, tuple[str, ...]] = {}
        generic = json.loads((directory / "slang_louisowen6.json").read_text(encoding="utf-8"))
        for slang, formal in generic.items():
            slang = slang.strip().lower()
            # A key that is itself a real Indonesian root word ("buaya", "aspal") is meant
            # literally far more often than as slang here; keep only true slang.
            if " " in slang or slang in dictionary:
                continue
            words[slang] = tuple(_NON_WORD.sub(" ", formal.lower()).split())
        for slang, formal in (domain.get("words") or {}).items():
            words[str(slang).lower()] = tuple(str(formal).lower().split())
        phrases = {
            tuple(str(k).lower().split()): tuple(str(v).lower().split())
            for k, v in (domain.get("phrases") or {}).items()
        }
        generic_stop = {
            ln.strip().lower()
            for ln in (directory / "stopwords_iso_id.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip()
        }
        keep = {str(w) for w in domain.get("keep") or []}
        drop = {str(w) for w in domain.get("drop") or []}
        smalltalk_raw = domain.get("smalltalk") or {}
        smalltalk = {
            kind: tuple(tuple(str(p).lower().split()) for p in phrases_)
            for kind, phrases_ in smalltalk_raw.items()
            if kind != "chitchat"
        }
        # The generic list holds inflected forms too ("menambahkan"): keep those whose
        # stem carries meaning here.
        stem = _stemmer().stem_word
        stopwords = {w for w in generic_stop - keep if stem(w) not in keep} | drop
        return cls(
            phrases=phrases,
            words=words,
            stopwords=frozenset(stopwords),
            synonyms={str(k): str(v) for k, v in (domain.get("synonyms") or {}).items()},
            smalltalk=smalltalk,
            chitchat=frozenset(str(w) for w in smalltalk_raw.get("chitchat") or []),
            complaint={
                kind: frozenset(str(w) for w in items)
                for kind, items in (domain.get("complaint") or {}).items()
            },
            generic=frozenset(str(w) for w in domain.get("generic") or []),
            emergency=tuple(tuple(str(p).lower().split()) for p in domain.get("emergency") or []),
            max_phrase=max((len(k) for k in phrases), default=1),
        )


@lru_cache(maxsize=1)
def _root_words() -> frozenset[str]:
    return frozenset(w for w in StemmerFactory().get_words() if w)


class _SetDictionary(ArrayDictionary):
    """Sastrawi's dictionary looks words up in a list; a set makes stemming ~1000x faster."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words  # type: ignore[assignment]

    def contains(self, word: str) -> bool:
        return word in self.words


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    return Stemmer(_SetDictionary(_root_words()))


@dataclass
class Analysis:
    """One message seen by the matcher."""

    words: list[str]  # normalised words, stopwords kept, in order
    terms: list[str] = field(default_factory=list)  # content terms: stemmed, no stopwords

    @property
    def text(self) -> str:
        return " ".join(self.words)


class Normalizer:
    """Turns a raw message into normalised words and content terms.

    `vocabulary` is the set of terms the FAQ knows; unknown words close to one of them
    (one or two edits) are corrected to it, which fixes most typos ("ktpp", "akat").
    """

    def __init__(self, lexicon: Lexicon, vocabulary: set[str] | None = None) -> None:
        self.lexicon = lexicon
        self._protected: set[str] = set()
        # Words produced by the lexicon are already canonical: never stem them further
        # ("nikah" must not become "nik"; "bagaimana" stays a question word).
        for formal in lexicon.words.values():
            self._protected.update(formal)
        for formal in lexicon.phrases.values():
            self._protected.update(formal)
        self._protected.update(lexicon.synonyms.values())
        self.vocabulary: list[str] = sorted(vocabulary or ())
        self._vocab_set = frozenset(self.vocabulary)
        self._term = lru_cache(maxsize=65536)(self._term_uncached)

    def with_vocabulary(self, vocabulary: set[str]) -> Normalizer:
        return Normalizer(self.lexicon, vocabulary)

    # -- words -----------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        text = _URL.sub(" ", text)
        text = _REDUPLICATION.sub(r"\1", text)
        text = text.replace("-", " ")
        text = _NON_WORD.sub(" ", text)
        text = _REPEATS.sub(r"\1", text)
        raw = text.split()
        return self._apply_lexicon(raw)

    def _apply_lexicon(self, raw: list[str]) -> list[str]:
        out: list[str] = []
        lex = self.lexicon
        i = 0
        while i < len(raw):
            for size in range(min(lex.max_phrase, len(raw) - i), 1, -1):
                key = tuple(raw[i : i + size])
                if key in lex.phrases:
                    out.extend(lex.phrases[key])
                    i += size
                    break
            else:
                word = raw[i]
                out.extend(lex.words.get(word, (word,)))
                i += 1
        # A second pass lets word-level output form a phrase ("kek gmn" -> "kek bagaimana").
        if out != raw:
            again: list[str] = []
            i = 0
            while i < len(out):
                for size in range(min(lex.max_phrase, len(out) - i), 1, -1):
                    key = tuple(out[i : i + size])
                    if key in lex.phrases:
                        again.extend(lex.phrases[key])
                        i += size
                        break
                else:
                    again.append(out[i])
                    i += 1
            out = again
        return out

    # -- terms -----------------------------------------------------------------
    def _term_uncached(self, word: str) -> str | None:
        """The content term for one normalised word, or None for a stopword."""
        lex = self.lexicon
        if word in lex.stopwords:
            return None
        if word.isdigit():
            return word if len(word) <= 4 else None
        if word in self._protected or word in self._vocab_set:
            stem = word
        else:
            stem = _stemmer().stem_word(word) if len(word) > 4 else word
            # Only a word the dictionary cannot explain is a typo: "kesempatan" stems to
            # "sempat" and must not be "corrected" to "kesehatan".
            if stem == word and word not in _root_words() and word not in self._vocab_set:
                stem = self._correct(word) or stem
        stem = lex.synonyms.get(stem, stem)
        if stem in lex.stopwords or len(stem) < 2:
            return None
        return stem

    def _correct(self, word: str) -> str | None:
        """Nearest FAQ term for a misspelt word, if it is within one or two edits."""
        if len(word) < 4 or not self.vocabulary:
            return None
        limit = 1 if len(word) < 7 else 2
        found = process.extractOne(
            word,
            self.vocabulary,
            scorer=distance.DamerauLevenshtein.distance,
            score_cutoff=limit,
        )
        if found is None:
            return None
        candidate = found[0]
        # Never "correct" to a much shorter or longer word: "kapan" is not "kapal".
        return (
            candidate if abs(len(candidate) - len(word)) <= 1 and candidate[0] == word[0] else None
        )

    def terms(self, words: list[str]) -> list[str]:
        terms = []
        for word in words:
            term = self._term(word)
            if term is not None:
                terms.append(term)
        return terms

    def analyze(self, text: str) -> Analysis:
        words = self.words(text)
        return Analysis(words=words, terms=self.terms(words))
