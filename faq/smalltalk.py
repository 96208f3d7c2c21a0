"""Greetings, thanks, farewells and chit-chat: recognised so they get a kind reply, not an FAQ."""

from __future__ import annotations

from dataclasses import dataclass

from faq.normalize import Lexicon

# "selamat pagi" greets; "selamat ulang tahun" congratulates. Both are smalltalk, but only
# these words after "selamat" make a greeting or farewell.
_SELAMAT = "selamat"
_THANKS_FOR = frozenset({"atas", "untuk", "buat", "bantuannya", "infonya", "informasinya"})
QUESTION_WORDS = frozenset(
    {
        "bagaimana",
        "dimana",
        "kemana",
        "darimana",
        "berapa",
        "kapan",
        "kenapa",
        "mengapa",
        "apa",
        "apakah",
        "bisa",
        "boleh",
        "cara",
        "syarat",
        "siapa",
    }
)
REQUEST_WORDS = frozenset(
    {"ingin", "buat", "urus", "tanya", "minta", "lapor", "adu", "daftar", "cek"}
)


@dataclass(frozen=True)
class Smalltalk:
    kind: str | None  # greeting, thanks, farewell, congratulation, chitchat, or None
    residual: list[str]  # the words left once the smalltalk is taken out


_PHRASES: dict[int, tuple[Lexicon, list[tuple[str, tuple[str, ...]]]]] = {}


def _phrases(lexicon: Lexicon) -> list[tuple[str, tuple[str, ...]]]:
    """The lexicon's smalltalk phrases, longest first, sorted once per lexicon."""
    cached = _PHRASES.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        ordered = sorted(
            ((kind, phrase) for kind, items in lexicon.smalltalk.items() for phrase in items),
            key=lambda kp: -len(kp[1]),
        )
        cached = _PHRASES[id(lexicon)] = (lexicon, ordered)
    return cached[1]


def detect(words: list[str], lexicon: Lexicon) -> Smalltalk:
    """Find smalltalk phrases in normalised words; return the kind and what is left over."""
    marked = [False] * len(words)
    kinds: list[str] = []
    present = set(words)
    for kind, phrase in _phrases(lexicon):
        if phrase[0] not in present:
            continue
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if not any(marked[i : i + size]) and tuple(words[i : i + size]) == phrase:
                marked[i : i + size] = [True] * size
                kinds.append(kind)
    # "selamat <anything>" that is not a greeting is a congratulation or a wish.
    for i, word in enumerate(words):
        if word == _SELAMAT and not marked[i]:
            marked[i] = True
            if i + 1 < len(words):
                marked[i + 1] = True
            kinds.append("congratulation")
    # Thanks "atas ..." / "untuk ..." right after it is courtesy, not a new question
    # ("terima kasih atas jawabannya"): mark it to the end of the sentence.
    for i, word in enumerate(words):
        if word != "terimakasih":
            continue
        ahead = [j for j in range(i + 1, min(i + 4, len(words))) if words[j] in _THANKS_FOR]
        if ahead and all(w in lexicon.stopwords for w in words[i + 1 : ahead[0]]):
            marked[i + 1 :] = [True] * (len(words) - i - 1)
            break
    residual = [w for w, m in zip(words, marked, strict=True) if not m]
    if not kinds:
        content = [w for w in residual if w not in lexicon.stopwords and w not in QUESTION_WORDS]
        if content and all(w in lexicon.chitchat for w in content):
            return Smalltalk("chitchat", [])
        return Smalltalk(None, residual)
    order = ["greeting", "thanks", "farewell", "congratulation"]
    kind = min(kinds, key=lambda k: order.index(k) if k in order else len(order))
    # Thanks, goodbyes and wishes carry no question unless the resident asks one
    # ("selamat hari jadi", "terima kasih sebelumnya"); callers pass one sentence.
    content = [w for w in residual if w not in lexicon.stopwords]
    if (
        kind != "greeting"
        and len(content) <= 1
        and not (set(residual) & (QUESTION_WORDS | REQUEST_WORDS))
    ):
        residual = []
    return Smalltalk(kind, residual)
