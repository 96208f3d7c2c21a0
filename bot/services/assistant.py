"""What the bot makes of one free-text message: an FAQ answer, suggestions, smalltalk,
a complaint to offer, or honest "unknown". Pure domain logic, no Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.services.router import Route, Router
from faq.knowledge import KnowledgeBase
from faq.matcher import Match, Matcher, ScoredTopic
from faq.models import Topic
from faq.normalize import Analysis, Lexicon
from faq.smalltalk import QUESTION_WORDS
from faq.smalltalk import detect as detect_smalltalk

Intent = Literal["faq", "complaint", "smalltalk", "unknown"]

# A complaint cue needs this much evidence (problem word = 1, object = 1, request or
# place = 1, statement rather than question = 0.5).
COMPLAINT_EVIDENCE = 2.5


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
    def __init__(self, knowledge: KnowledgeBase, lexicon: Lexicon | None = None) -> None:
        self.knowledge = knowledge
        self.matcher = Matcher.build(knowledge, lexicon)
        self.normalizer = self.matcher.normalizer
        self.lexicon = self.normalizer.lexicon
        self.router = Router(knowledge.opds, self.normalizer)

    def ask(self, text: str) -> Reply:
        words = self.normalizer.words(text)
        analysis = Analysis(words=words, terms=self.normalizer.terms(words))
        if not analysis.terms and not words:
            return Reply(text, "unknown", analysis=analysis)

        small = detect_smalltalk(words, self.lexicon)
        if small.kind is not None:
            residual = Analysis(small.residual, self.normalizer.terms(small.residual))
            known = [t for t in residual.terms if t in self.matcher.idf]
            if known:
                # "Selamat pagi, KTP saya hilang" is a question with a greeting in front.
                reply = self._decide(text, residual)
                if reply.intent in ("faq", "complaint"):
                    return reply
            return Reply(text, "smalltalk", smalltalk=small.kind, analysis=analysis)
        return self._decide(text, analysis)

    def _decide(self, text: str, analysis: Analysis) -> Reply:
        match = self.matcher.decide(analysis)
        evidence = self._complaint_evidence(analysis)
        sure_faq = match.answer is not None and match.answer.score >= 0.8
        if evidence >= COMPLAINT_EVIDENCE + 0.5 or (
            evidence >= COMPLAINT_EVIDENCE and not sure_faq
        ):
            route = self.router.route_terms(analysis.terms)
            return Reply(
                text,
                "complaint",
                route=route,
                score=route.score,
                nearest=match.best,
                analysis=analysis,
            )
        return self._from_match(text, match)

    def _from_match(self, text: str, match: Match) -> Reply:
        topics = self.knowledge.topics
        if match.answer is not None:
            return Reply(
                text,
                "faq",
                topic=topics[match.answer.topic_id],
                score=match.answer.score,
                nearest=match.answer,
                analysis=match.analysis,
            )
        return Reply(
            text,
            "unknown",
            score=match.best.score if match.best else 0.0,
            suggestions=tuple(topics[s.topic_id] for s in match.suggestions),
            nearest=match.best,
            analysis=match.analysis,
        )

    def _complaint_evidence(self, analysis: Analysis) -> float:
        cues = self.lexicon.complaint
        present = set(analysis.words) | set(analysis.terms)

        def hit(kind: str) -> bool:
            return any(all(part in present for part in cue.split()) for cue in cues.get(kind, ()))

        if not hit("problems"):
            return 0.0
        evidence = 1.0
        evidence += 1.0 if hit("objects") else 0.0
        evidence += 1.0 if hit("requests") or hit("places") else 0.0
        is_question = bool(set(analysis.words[:3]) & QUESTION_WORDS) or any(
            w in QUESTION_WORDS for w in analysis.words[-2:]
        )
        evidence += 0.0 if is_question else 0.5
        return evidence

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
        words = self.normalizer.words(text)
        raw = text.lower().split()
        for cue in self.lexicon.emergency:
            size = len(cue)
            for seq in (words, raw):
                if any(tuple(seq[i : i + size]) == cue for i in range(len(seq) - size + 1)):
                    return True
        return False

    def route(self, text: str) -> Route:
        return self.router.route(text)
