"""Reading a message the way a resident writes it, before deciding what it asks for.

Residents wrap what they mean in courtesy ("Selamat siang Bapak/Ibu, mohon maaf
mengganggu, ... Terima kasih"), give context before the question, and write several
sentences. `read()` takes the message apart into sentences, takes the courtesy out of
each, and collects the signals the assistant decides with:

- **question**: interrogatives, a question mark, "bisa gak" at the end, asking-for-information
  openers ("mau tanya", "mohon informasi"), how-to nouns (cara, syarat, biaya);
- **report**: a problem stated (rusak, mati, dimintai uang, tidak diangkut), a request to
  act ("tolong diperbaiki", "mohon ditindak"), how long it has lasted ("sudah 3 bulan",
  "tiap malam"), a reporting verb used as a statement ("saya mengadukan ..."), frustration;
- **emergency**: danger happening now (fire, people trapped by a flood, an accident with
  injured, violence, drowning, electrocution): the bot says "call 112" first.

Every cue list is in `faq/lexicon/domain.yaml` (section `reading`), matched on the
normalised words, so slang, abbreviations and English are already read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from faq.normalize import Analysis, Normalizer
from faq.smalltalk import detect as detect_smalltalk

_SENTENCE = re.compile(r"(?<=[.!?\n;])\s*|\s+(?=(?:tapi|tetapi|namun|padahal)\b)", re.I)
_QUESTION_MARK = re.compile(r"\?|¿")
# Context sentences count this much against the sentence that asks the question.
CONTEXT_WEIGHT = 0.6
_COUNT_WORDS = frozenset(
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh belas puluh beberapa "
    "berapa lebih hampir".split()
)
# A message of at most this many content terms that starts with a reporting verb is a
# lookup of how to report ("lapor pungli"), not a report.
SHORT_LOOKUP = 3
# A problem word in a sentence naming one of the resident's papers before it, or this
# close after it, is about that paper.
PERSONAL_WINDOW = 3


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]  # normalised, courtesy removed
    question: bool


@dataclass(frozen=True)
class Signals:
    question: float = 0.0
    report: float = 0.0
    emergency: bool = False
    # Which cues fired, for `ask` and for tests: "problem", "request", "duration", ...
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    text: str
    analysis: Analysis  # the content: courtesy removed, all sentences
    courtesy: tuple[str, ...]  # greeting, thanks, farewell, congratulation, apology, ...
    sentences: tuple[Sentence, ...]
    signals: Signals
    places: tuple[str, ...] = ()  # kecamatan named
    smalltalk: str | None = None  # the kind, when nothing but courtesy and chit-chat
    weights: dict[str, float] = field(default_factory=dict)  # term -> weight in matching

    @property
    def focus(self) -> Analysis:
        """The content with context sentences weighed below the sentence that asks."""
        return Analysis(self.analysis.words, self.analysis.terms, self.weights)


def _contains(words: tuple[str, ...] | list[str], phrase: tuple[str, ...]) -> bool:
    if phrase and phrase[0] not in words:
        return False  # most cues are not in a message: no need to compare every window
    size = len(phrase)
    return any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1))


class _Seq:
    """Words with an index of where each occurs: a cue phrase is looked for only where its
    first word stands (a message is checked against hundreds of cues)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.at: dict[str, list[int]] = {}
        for i, word in enumerate(words):
            self.at.setdefault(word, []).append(i)

    def has(self, phrase: tuple[str, ...]) -> bool:
        size = len(phrase)
        return any(tuple(self.words[i : i + size]) == phrase for i in self.at.get(phrase[0], ()))

    def any(self, phrases: tuple[tuple[str, ...], ...]) -> bool:
        return any(self.has(p) for p in phrases)


class Reader:
    """Reads messages with one normaliser and the cue lists of its lexicon."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalizer = normalizer
        lex = normalizer.lexicon
        cues = lex.reading

        def phrases(name: str) -> tuple[tuple[str, ...], ...]:
            items = cues.get(name, ())
            out = []
            for item in items:
                words = tuple(normalizer.words(item))
                if words:
                    out.append(words)
            return tuple(out)

        # Longest first, so "mohon maaf mengganggu" goes before "mohon maaf".
        self.courtesy = {
            kind: tuple(sorted(phrases(kind), key=len, reverse=True))
            for kind in ("apology", "openers", "formal", "closers")
        }
        self.question_words = frozenset(w for p in phrases("question_words") for w in p)
        self.howto = frozenset(w for p in phrases("howto") for w in p)
        self.info_verbs = frozenset(w for p in phrases("info_verbs") for w in p)
        self.money = frozenset(w for p in phrases("money") for w in p)
        self.asking_money = frozenset(w for p in phrases("asking_money") for w in p)
        self.tags = phrases("tag_questions")
        self.modals = frozenset(w for p in phrases("modals") for w in p)
        self.tag_end = frozenset(w for p in phrases("tag_end") for w in p)
        self.hypothetical = phrases("hypothetical")
        self.documents = phrases("documents")
        self.paper_states = frozenset(phrases("paper_states"))
        self.report_verbs = frozenset(
            normalizer.terms([w for p in phrases("report_verbs") for w in p])
        )
        self.requests = frozenset(w for p in phrases("requests") for w in p)
        self.units = frozenset(w for p in phrases("durations") for w in p)
        self.since = frozenset(w for p in phrases("since") for w in p)
        self.repeats = phrases("repeats")
        self.frustration = phrases("frustration")
        self.problems = phrases("problems")
        self.service_failures = phrases("service_failures")
        self.hazards = phrases("hazards")
        self.conditions = phrases("conditions")
        self.now_strong = phrases("now_strong")
        self.now_weak = phrases("now_weak")
        self.people = phrases("people")
        self.resolved = phrases("resolved")
        self.past = phrases("past")
        self.info = phrases("info_requests")

    # -- sentences and courtesy ------------------------------------------------
    def read(self, text: str) -> Reading:
        normalizer = self.normalizer
        sentences: list[Sentence] = []
        courtesy: list[str] = []
        for raw in _SENTENCE.split(text):
            if not raw or not raw.strip():
                continue
            words = normalizer.words(raw)
            if not words:
                continue
            content, kinds = self._strip_courtesy(words)
            courtesy += kinds
            if content:
                asks = bool(_QUESTION_MARK.search(raw)) or self._asks(content)
                sentences.append(Sentence(tuple(content), asks))
        words = [w for s in sentences for w in s.words]
        terms = normalizer.terms(words)
        analysis = Analysis(words, terms)
        kinds = tuple(dict.fromkeys(courtesy))
        smalltalk = None
        lex = normalizer.lexicon
        idle = lex.chitchat | self.question_words | lex.generic
        said = [w for w in words if w not in lex.stopwords]
        if not terms or all(t in idle for t in terms) or all(w in idle for w in said):
            small = detect_smalltalk(normalizer.words(text), normalizer.lexicon)
            smalltalk = small.kind or (kinds[0] if kinds else None)
        weights: dict[str, float] = {}
        if any(s.question for s in sentences) and len(sentences) > 1:
            asked = set(normalizer.terms([w for s in sentences if s.question for w in s.words]))
            weights = {t: 1.0 if t in asked else CONTEXT_WEIGHT for t in terms}
        signals = self._signals(sentences, words, terms, kinds)
        return Reading(
            text,
            analysis,
            kinds,
            tuple(sentences),
            signals,
            tuple(normalizer.place_names(text)),
            smalltalk,
            weights,
        )

    def _strip_courtesy(self, words: list[str]) -> tuple[list[str], list[str]]:
        small = detect_smalltalk(words, self.normalizer.lexicon)
        kinds = [small.kind] if small.kind and small.kind != "chitchat" else []
        rest = list(small.residual) if small.kind != "chitchat" else list(words)
        for kind, items in self.courtesy.items():
            for phrase in items:
                if phrase[0] not in rest:
                    continue
                i = 0
                while i <= len(rest) - len(phrase):
                    if tuple(rest[i : i + len(phrase)]) == phrase:
                        del rest[i : i + len(phrase)]
                        if kind in ("apology", "openers"):
                            kinds.append(kind)
                    else:
                        i += 1
        return rest, kinds

    def _asks(self, words: list[str]) -> bool:
        if any(w in self.question_words for w in words):
            return True
        tail = tuple(words[-3:])
        if any(_contains(tail, tag) for tag in self.tags):
            return True
        modal = any(w in self.modals for w in words)
        return modal and (words[-1] in self.tag_end or "atau" in words)

    # -- signals --------------------------------------------------------------
    def _signals(
        self,
        sentences: list[Sentence],
        words: list[str],
        terms: list[str],
        courtesy: tuple[str, ...],
    ) -> Signals:
        cues: list[str] = []
        seq, term_seq = _Seq(words), _Seq(terms)
        question = 0.0
        if any(s.question for s in sentences):
            question += 1.0
            cues.append("question")
        term_set = set(terms)
        if set(words) & self.howto:
            question += 1.0
            cues.append("howto")
        if len(terms) <= SHORT_LOOKUP and terms and terms[0] in self.report_verbs:
            # "lapor pungli", "ngadu kdrt": a short lookup of how to report something.
            question += 1.0
            cues.append("lookup")
        if seq.any(self.info) or "openers" in courtesy:
            question += 0.5
            cues.append("info")

        report = 0.0
        named = [p for p in self.problems if seq.has(p) and not self._personal(sentences, p)]
        problem = bool(named) or self._money_asked(words)
        failure = seq.any(self.service_failures)
        if problem or failure:
            report += 1.0
            cues.append("problem")
        if failure:
            report += 0.5
            cues.append("failure")
        if self._requests_action(words):
            report += 1.5
            cues.append("request")
        if self._lasting(words, seq):
            report += 1.0
            cues.append("duration")
        if (
            term_set & self.report_verbs
            and not (term_set & self.howto)
            and not any(w in self.question_words for w in words)
        ):
            report += 1.0
            cues.append("report")
        if seq.any(self.frustration):
            report += 0.5
            cues.append("frustration")
        emergency = self._emergency(seq, term_seq, question > 0)
        if emergency:
            cues.append("emergency")
        return Signals(question, report, emergency, tuple(cues))

    def _personal(self, sentences: list[Sentence], problem: tuple[str, ...]) -> bool:
        """Is every mention of the problem about the resident's own papers ("KTP saya
        hilang", "KTP saya belum dicetak karena blangko habis")? Only states that befall
        papers count (`paper_states`): "minta uang" at the capil office is never personal."""
        if problem not in self.paper_states:
            return False
        size = len(problem)
        found = False
        for sentence in sentences:
            words = list(sentence.words)
            for i in range(len(words) - size + 1):
                if tuple(words[i : i + size]) != problem:
                    continue
                found = True
                # A paper named earlier in the sentence, or just after the problem.
                window = words[: i + size + PERSONAL_WINDOW]
                terms = self.normalizer.terms(window)  # "ktpp" is corrected only as a term
                if not any(_contains(window, d) or _contains(terms, d) for d in self.documents):
                    return False
        return found

    def _requests_action(self, words: list[str]) -> bool:
        """ "tolong diperbaiki", "mohon segera ditindak", "kapan jalannya diaspal": asking
        for something to be done (not for information: "mohon dijelaskan")."""
        for i, word in enumerate(words):
            if word not in self.requests and word != "kapan":
                continue
            # "kapan ... diperbaiki" may put the whole subject in between.
            reach = len(words) if word == "kapan" else i + 4
            for nxt in words[i + 1 : reach]:
                if nxt.startswith("di") and len(nxt) > 4 and nxt not in self.info_verbs:
                    if nxt not in self.normalizer.lexicon.stopwords:
                        return True
                if nxt in ("segera", "cepat") and word != "kapan":
                    return True
        return False

    def _money_asked(self, words: list[str]) -> bool:
        """ "dimintai 150 ribu", "disuruh bayar 50rb": money asked for, a report of pungli."""
        for i, word in enumerate(words):
            if word in self.asking_money:
                window = words[i + 1 : i + 4]
                if any(w.isdigit() or w in self.money for w in window):
                    return True
        return False

    def _lasting(self, words: list[str], seq: _Seq) -> bool:
        """ "sudah 3 bulan", "sejak subuh", "tiap malam", "berkali-kali": it goes on."""
        for i, word in enumerate(words):
            if word in self.since:
                window = words[i + 1 : i + 4]
                if any(w in self.units for w in window):
                    return True
        return seq.any(self.repeats)

    def _emergency(self, seq: _Seq, term_seq: _Seq, asks: bool) -> bool:
        """Danger happening now. Errs towards yes: an extra "call 112" costs little.

        A hazard (fire, drowning, people trapped, violence) counts unless the message says
        it is past, hypothetical or over, or asks for information, with no strong sign
        that it is happening now. A condition (flood, smoke, an accident) counts only with
        a sign that it is happening now or that people are in it.
        """

        any_of = seq.any
        hazard = seq.any(self.hazards) or term_seq.any(self.hazards)
        condition = seq.any(self.conditions) or term_seq.any(self.conditions)
        if not (hazard or condition):
            return False
        strong = any_of(self.now_strong)
        weak = any_of(self.now_weak)
        people = any_of(self.people)
        distant = any_of(self.past) or any_of(self.hypothetical) or any_of(self.resolved)
        if strong:
            return True
        if distant:
            return False  # "banjir bulan lalu", "bila terjadi kebakaran", "sudah surut"
        info = any_of(self.info) or bool(seq.at.keys() & self.howto)
        if asks and info:
            return False  # "nomor damkar berapa", "bagaimana cara lapor kebakaran?"
        # "org kejang di jalan, gmn ini": a plea, not a question for information.
        return hazard or (weak and people)
