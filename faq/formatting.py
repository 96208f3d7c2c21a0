"""Telegram-safe HTML: the small subset Telegram accepts, checked before it goes live."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "code", "a"})
_BARE_AMP = re.compile(r"&(?!(amp|lt|gt|quot);)")
_TAG = re.compile(r"<[^>]*>")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> tidak didukung Telegram (pakai b, i, u, s, code, a)")
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith(("https://", "http://", "tg://")):
                self.errors.append("tautan <a> harus punya href yang diawali https://")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"tag penutup </{tag}> tidak berpasangan")
            return
        self.stack.pop()


def check_html(text: str) -> list[str]:
    """Problems that would make Telegram reject the message (empty list when fine)."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    errors = list(checker.errors)
    if checker.stack:
        errors.append("tag belum ditutup: " + ", ".join(f"<{t}>" for t in checker.stack))
    if _BARE_AMP.search(text):
        errors.append("tanda & harus ditulis &amp;")
    stray = _TAG.sub("", text)
    if "<" in stray or ">" in stray:
        errors.append("tanda < atau > di luar tag harus ditulis &lt; atau &gt;")
    return errors


def plain_text(text: str) -> str:
    """The HTML answer as plain text (for the terminal and for length checks)."""
    return html.unescape(_TAG.sub("", text))


def escape(text: str) -> str:
    """Escape user-provided text for Telegram HTML."""
    return html.escape(text, quote=False)


TELEGRAM_TEXT_LIMIT = 4096


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` at or before `limit` without splitting an entity (&amp;) or a tag."""
    if len(text) <= limit:
        return len(text)
    cut = limit
    amp, semi = text.rfind("&", 0, cut), text.rfind(";", 0, cut)
    if amp > semi and cut - amp <= 8:  # "&lt" would be cut from its ";"
        cut = amp
    lt, gt = text.rfind("<", 0, cut), text.rfind(">", 0, cut)
    if lt > gt:  # inside a tag
        cut = lt
    space = text.rfind(" ", int(cut * 0.8), cut)
    return space + 1 if space > 0 else max(cut, 1)


def split_html(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split an HTML message into parts Telegram accepts, at line breaks where possible.

    Each part must be valid on its own; a part whose tags would break is sent as plain
    escaped text instead, so nothing is ever rejected by Telegram.
    """
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single enormous line: cut it, never inside an entity
            if current:
                parts.append(current)
                current = ""
            cut = _cut_point(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    safe: list[str] = []
    for part in parts:
        if check_html(part):
            plain = escape(plain_text(part))
            while plain:
                cut = _cut_point(plain, limit)
                safe.append(plain[:cut])
                plain = plain[cut:]
        else:
            safe.append(part)
    return [p for p in safe if p.strip()]
