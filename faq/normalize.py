"""Text normalisation for everyday Indonesian: slang, Medan colloquial, abbreviations, typos.

`Normalizer.analyze(text)` returns the words the matcher compares. Each step is a table
from `faq/lexicon/` rather than code, so admins and reviewers can see and change it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import distance, process
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from faq.places import MARKERS, PLACE, TOWN_CUES, Place
from faq.spelling import COMMON, DICTIONARY, DOMAIN, Spelling

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

# An e-mail address is looked for only where a run of non-spaces starts (the same matches:
# the leftmost one starts there anyway): tried at every position, a long run without
# spaces ("x@y" repeated, 4,096 characters) took seconds of CPU per message.
_URL = re.compile(r"(https?://\S+|www\.\S+|(?<!\S)\S+@\S+\.\S+)")
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
    # Everyday words residents abbreviate ("tlg", "skrg"): what an abbreviation may stand
    # for besides the FAQ's own words (see faq/spelling.py).
    common: frozenset[str] = frozenset()
    # Cue lists for reading a message (faq/reading.py), by name.
    reading: dict[str, tuple[str, ...]] = field(default_factory=dict)

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
        phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        # English words residents mix in ("birth certificate", "lost"): an English word
        # that is also an Indonesian word ("jam", "pagi") keeps its Indonesian meaning.
        for english, formal in (domain.get("english") or {}).items():
            key = tuple(_NON_WORD.sub(" ", str(english).lower()).split())
            value = tuple(str(formal).lower().split())
            if len(key) > 1:
                phrases[key] = value
            elif key:
                words[key[0]] = value
        for slang, formal in (domain.get("words") or {}).items():
            words[str(slang).lower()] = tuple(str(formal).lower().split())
        phrases.update(
            {
                tuple(str(k).lower().split()): tuple(str(v).lower().split())
                for k, v in (domain.get("phrases") or {}).items()
            }
        )
        generic_stop = {
            ln.strip().lower()
            for ln in (directory / "stopwords_iso_id.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip()
        }
        keep = {str(w) for w in domain.get("keep") or []}
        drop = {str(w) for w in domain.get("drop") or []}
        drop |= {str(w).lower() for w in domain.get("english_drop") or []}
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
            common=frozenset(str(w).lower() for w in domain.get("common") or []),
            reading={
                str(name): tuple(str(item) for item in items or [])
                for name, items in (domain.get("reading") or {}).items()
            },
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


class _RememberingStemmer(Stemmer):
    """Stemming a word is a pure function and the same words come back all the time (the
    FAQ's phrasings, every held-out measurement of an edit): each is stemmed once."""

    def __init__(self, dictionary: ArrayDictionary) -> None:
        super().__init__(dictionary)
        self.stem_word = lru_cache(maxsize=65536)(super().stem_word)  # type: ignore[method-assign]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    return _RememberingStemmer(_SetDictionary(_root_words()))


@dataclass
class Analysis:
    """One message seen by the matcher."""

    words: list[str]  # normalised words, stopwords kept, in order
    terms: list[str] = field(default_factory=list)  # content terms: stemmed, no stopwords
    # How much each term counts in matching (1.0 when absent): a long message's context
    # sentences count less than the sentence that asks (faq/reading.py).
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)


class Normalizer:
    """Turns a raw message into normalised words and content terms.

    `vocabulary` is the set of terms the FAQ knows; unknown words close to one of them
    (one or two edits) are corrected to it, which fixes most typos ("ktpp", "akat").
    `surface` is the FAQ's and router's words as written: abbreviations ("syrt") and
    run-together words ("ktpsaya") are expanded towards them (faq/spelling.py). `places`
    are the place names of the kabupaten (faq/places.py), replaced by one placeholder.
    """

    def __init__(
        self,
        lexicon: Lexicon,
        vocabulary: set[str] | None = None,
        surface: Counter[str] | set[str] | None = None,
        places: dict[tuple[str, ...], Place] | None = None,
    ) -> None:
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
        self.surface = frozenset(surface or ())
        self.frequency: Counter[str] = (
            surface if isinstance(surface, Counter) else Counter(surface or ())
        )
        self.places = places or {}
        self._max_place = max((len(k) for k in self.places), default=0)
        self._phrase_words = frozenset(w for key in lexicon.phrases for w in key)
        self.spelling = Spelling(
            {
                DOMAIN: self.surface | self._protected,
                COMMON: lexicon.common | set(lexicon.words) | lexicon.stopwords,
                DICTIONARY: _root_words(),
            },
            is_known=self._is_known,
            is_domain=self._is_domain,
            is_exact=self._is_exact,
            frequency=self.frequency,
        )

    def with_vocabulary(
        self,
        vocabulary: set[str],
        surface: Counter[str] | set[str] | None = None,
        places: dict[tuple[str, ...], Place] | None = None,
    ) -> Normalizer:
        return Normalizer(
            self.lexicon,
            vocabulary,
            surface if surface is not None else self.frequency,
            places if places is not None else self.places,
        )

    def _is_domain(self, word: str) -> bool:
        """A word of the services themselves (as written, or as the lexicon reads it)."""
        if word in self.surface or word in self._vocab_set:
            return True
        return any(w in self.surface for w in self.lexicon.words.get(word, ()))

    def _is_known(self, word: str) -> bool:
        """A word the lexicon, the FAQ or the dictionary explains (stemming allowed)."""
        if self._is_exact(word):
            return True
        return len(word) > 4 and _stemmer().stem_word(word) in _root_words()

    def _is_exact(self, word: str) -> bool:
        """A word the lexicon, the FAQ or the dictionary knows exactly as written."""
        lex = self.lexicon
        return (
            word in lex.words
            or word in lex.stopwords
            or word in self._phrase_words
            or word in self.surface
            or word in self._vocab_set
            or word in _root_words()
            or word in lex.common
        )

    # -- words -----------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        text = _URL.sub(" ", text)
        text = _REDUPLICATION.sub(r"\1", text)
        text = text.replace("-", " ")
        text = _NON_WORD.sub(" ", text)
        text = _REPEATS.sub(r"\1", text)
        raw = self._mask_places(text.split())
        expanded: list[str] = []
        for word in raw:
            full = None if word == PLACE else self.spelling.expand(word)
            expanded.extend(full or (word,))
        return self._apply_lexicon(expanded)

    def place_names(self, text: str) -> list[str]:
        """The kecamatan a message names, in order (towns outside are not kecamatan)."""
        text = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower().replace("-", " "))
        found: list[str] = []
        self._mask_places(text.split(), found)
        return found

    def _mask_places(self, raw: list[str], found: list[str] | None = None) -> list[str]:
        if not self.places:
            return raw
        out: list[str] = []
        i = 0
        while i < len(raw):
            marked = i > 0 and raw[i - 1] in MARKERS
            cued = i > 0 and raw[i - 1] in TOWN_CUES
            for size in range(min(self._max_place, len(raw) - i), 0, -1):
                place = self.places.get(tuple(raw[i : i + size]))
                if place is None:
                    continue
                if place.needs_marker and not (marked or (place.kecamatan is None and cued)):
                    continue
                if marked and out and out[-1] in MARKERS:
                    out.pop()  # "desa X" is one place
                out.append(PLACE)
                if found is not None and place.kecamatan and place.kecamatan not in found:
                    found.append(place.kecamatan)
                i += size
                break
            else:
                out.append(raw[i])
                i += 1
        return out

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
        # A second pass lets word-level output form a phrase ("kek gmn" -> "kek bagaimana")
        # and reads a phrase's output word by word ("passed away" -> "meninggal" -> "mati").
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
                    word = out[i]
                    mapped = lex.words.get(word)
                    again.extend(mapped if mapped is not None and len(mapped) == 1 else (word,))
                    i += 1
            out = again
        return out

    # -- terms -----------------------------------------------------------------
    def _term_uncached(self, word: str) -> str | None:
        """The content term for one normalised word, or None for a stopword."""
        lex = self.lexicon
        if word in lex.stopwords or word == PLACE:
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
