"""What the bot makes of one free-text message: an FAQ answer, suggestions, smalltalk,
a complaint to offer, or honest "unknown". Pure domain logic, no Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from bot.services.router import Route, Router
from faq.knowledge import KnowledgeBase
from faq.matcher import Match, Matcher, ScoredTopic
from faq.models import Topic
from faq.normalize import Analysis, Lexicon, _root_words
from faq.places import Place, load_places
from faq.reading import Reader, Reading

Intent = Literal["faq", "complaint", "smalltalk", "unknown"]
REGIONS_DIR = Path(__file__).resolve().parents[2] / "data" / "regions"


@lru_cache(maxsize=1)
def default_places() -> dict[tuple[str, ...], Place]:
    """The kabupaten's place names, read once (they change only with the region data)."""
    return load_places(REGIONS_DIR, lambda word: word in _root_words())


# A report needs at least REPORT_MIN of report signals (faq/reading.py: a problem = 1, a
# request to act = 1.5, how long it lasted = 1, a reporting verb = 1, frustration = 0.5),
# more than its question signals, or REPORT_STRONG whatever else it asks. An FAQ answer
# that explains FAQ_EXPLAINS of the message keeps a question that asks for nothing to be
# done a question. Measured with `python -m bot eval ask` (docs/matching.md).
REPORT_MIN = 1.0
# An answer found in one sentence of a long message must be among the whole message's
# FOCUS_TOP candidates.
FOCUS_TOP = 3
REPORT_STRONG = 2.5
FAQ_EXPLAINS = 0.6


@dataclass(frozen=True)
class Reply:
    """The decision for one message; handlers and the command line render it."""

    text: str
    intent: Intent
    topic: Topic | None = None
    score: float = 0.0
    suggestions: tuple[Topic, ...] = ()
    route: Route | None = None
    smalltalk: str | None = None  # greeting, thanks, farewell, congratulation, chitchat
    nearest: ScoredTopic | None = None  # best guess even when nothing was answered
    analysis: Analysis | None = field(default=None, compare=False)
    emergency: bool = False  # danger happening now: "call 112" comes first
    reading: Reading | None = field(default=None, compare=False)

    @property
    def opd(self) -> str | None:
        if self.intent == "complaint" and self.route is not None:
            return self.route.destination
        return None

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "faq_id": self.topic.id if self.topic else None,
            "score": round(self.score, 4),
            "suggestions": [t.id for t in self.suggestions],
            "opd": self.opd,
        }


class Assistant:
    def __init__(
        self,
        knowledge: KnowledgeBase,
        lexicon: Lexicon | None = None,
        places: dict[tuple[str, ...], Place] | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.matcher = Matcher.build(
            knowledge, lexicon, default_places() if places is None else places
        )
        self.normalizer = self.matcher.normalizer
        self.lexicon = self.normalizer.lexicon
        self.reader = Reader(self.normalizer)
        self.router = Router(knowledge.opds, self.normalizer)

    def read(self, text: str) -> Reading:
        return self.reader.read(text)

    def ask(self, text: str, reading: Reading | None = None) -> Reply:
        """What to do with one message; `reading` is `read(text)` when already made."""
        if reading is None or reading.text != text:
            reading = self.reader.read(text)
        analysis = reading.analysis
        if reading.smalltalk is not None or not analysis.terms:
            if reading.signals.emergency:
                return self._complaint(text, reading, None)
            kind = reading.smalltalk
            if kind is None:
                return Reply(text, "unknown", analysis=analysis, reading=reading)
            return Reply(text, "smalltalk", smalltalk=kind, analysis=analysis, reading=reading)
        match = self._match(reading)
        if reading.signals.emergency or self._is_report(reading, match):
            return self._complaint(text, reading, match)
        return self._from_match(text, match, reading)

    def _match(self, reading: Reading) -> Match:
        """The FAQ match for the whole content, or for one sentence with the question.

        A long message buries its topic in one sentence of context ("Kata wali kelas ada
        bantuan PIP ...") and asks in another ("Bagaimana cara mendaftarnya?"). When the
        whole message is not answered, each sentence is tried together with the sentences
        that ask; an answer found so must be among the whole message's top candidates.
        """
        whole = self.matcher.decide(reading.focus)
        sentences = reading.sentences
        if whole.answer is not None or len(sentences) < 2:
            return whole
        leading = [s.topic_id for s in whole.ranked[:FOCUS_TOP]]
        asked = [w for s in sentences if s.question for w in s.words]
        best: Match | None = None
        for sentence in sentences:
            words = list(sentence.words) if sentence.question else [*sentence.words, *asked]
            terms = self.normalizer.terms(words)
            if not set(terms) & self.matcher.anchors_of(leading):
                continue  # names nothing central to a leading topic: cannot answer
            # Only the leading topics can be the answer, so only they are ranked.
            match = self.matcher.decide(Analysis(words, terms), only=leading)
            answer = match.answer
            if answer is None:
                continue
            if best is None or answer.score > best.answer.score:  # type: ignore[union-attr]
                best = match
        return best or whole

    def _is_report(self, reading: Reading, match: Match) -> bool:
        """Does the message report a problem for the government to act on?

        A report needs more report signals than question signals. A message the FAQ
        explains well and that asks for nothing to be done stays a question ("KTP saya
        hilang, gimana ngurusnya"); a question that demands action or tells how long a
        problem has lasted is a report ("kapan jalannya diperbaiki? udah 2 tahun").
        """
        signals = reading.signals
        report, question = signals.report, signals.question
        if report < REPORT_MIN:
            return False
        subject = self.router.evidence(reading.analysis.terms)
        if not subject and report < REPORT_STRONG:
            return False  # a problem about nothing the government handles
        answer = match.answer
        explained = answer is not None and answer.covered >= FAQ_EXPLAINS
        if question == 0:
            return True  # a problem stated, nothing asked ("lampu jalan mati")
        if explained and question >= report - 1:
            return False
        return report > question or report >= REPORT_STRONG

    def _complaint(self, text: str, reading: Reading, match: Match | None) -> Reply:
        # No kecamatan fallback here: the guided flow asks where, and routes again then.
        route = self.router.route_terms(reading.analysis.terms, emergency=reading.signals.emergency)
        return Reply(
            text,
            "complaint",
            route=route,
            score=route.score,
            nearest=match.best if match else None,
            analysis=reading.analysis,
            emergency=reading.signals.emergency,
            reading=reading,
        )

    def _from_match(self, text: str, match: Match, reading: Reading | None = None) -> Reply:
        topics = self.knowledge.topics
        emergency = bool(reading and reading.signals.emergency)
        if match.answer is not None:
            return Reply(
                text,
                "faq",
                topic=topics[match.answer.topic_id],
                score=match.answer.score,
                nearest=match.answer,
                analysis=match.analysis,
                emergency=emergency,
                reading=reading,
            )
        return Reply(
            text,
            "unknown",
            score=match.best.score if match.best else 0.0,
            suggestions=tuple(topics[s.topic_id] for s in match.suggestions),
            nearest=match.best,
            analysis=match.analysis,
            emergency=emergency,
            reading=reading,
        )

    def suggest_category(self, text: str) -> str | None:
        """The complaint category a text most likely belongs to, for pre-selecting it."""
        route = self.router.route(text)
        if route.opd is None:
            return None
        owned = [c for c in self.knowledge.categories.values() if c.opd == route.opd]
        if not owned:
            return None
        terms = set(self.normalizer.analyze(text).terms)

        def overlap(category_id: str) -> int:
            label = self.knowledge.categories[category_id].label
            return len(terms & set(self.normalizer.analyze(label).terms))

        return max((c.id for c in owned), key=overlap)

    def is_emergency(self, text: str) -> bool:
        """Fire, accident, flood in progress, violence now: the resident must call 112 first."""
        return self.reader.read(text).signals.emergency

    def route(self, text: str) -> Route:
        """Where a complaint text goes, read as `ask` reads it (courtesy out, emergencies)."""
        reading = self.reader.read(text)
        return self.router.route_terms(reading.analysis.terms, emergency=reading.signals.emergency)
