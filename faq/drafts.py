"""Draft topics: skeletons the teaching loop writes for questions no topic covers yet.

They live in `_draft.yaml` in the FAQ folder. Files whose name starts with `_` are the
admins' working files (drafts, their own test questions), never loaded as FAQ content, so
the bot cannot serve a draft until an admin fills it in and moves it to its area file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from faq.problems import read_yaml

DRAFTS_FILE = "_draft.yaml"


def is_working_file(path: Path) -> bool:
    """Admins' working files (`_draft.yaml`, `_tests.yaml`): never FAQ content."""
    return path.name.startswith("_")


@dataclass(frozen=True)
class Draft:
    id: str
    question: str
    line: int | None


def read_drafts(faq_dir: Path) -> tuple[list[Draft], list[str]]:
    """The drafts waiting in the folder, and notes about a drafts file that cannot be read
    (a note, not an error: the bot does not use the file)."""
    path = faq_dir / DRAFTS_FILE
    if not path.is_file():
        return [], []
    doc, problems = read_yaml(path)
    if doc is None:
        return [], [str(p) for p in problems]
    items = doc.data.get("drafts") if isinstance(doc.data, dict) else None
    if items is None:
        return [], []
    if not isinstance(items, list):
        return [], [f"{path.name}: 'drafts' harus berupa daftar"]
    drafts = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id"):
            line = doc.line_of(("drafts", index, "id"))
            drafts.append(Draft(str(item["id"]), str(item.get("question") or ""), line))
    return drafts, []


def draft_notes(faq_dir: Path) -> list[str]:
    """What `faq check` says about drafts: each one waits for an admin."""
    drafts, notes = read_drafts(faq_dir)
    return notes + [
        f"{DRAFTS_FILE}:{d.line}: draf '{d.id}' belum dipakai bot: isi opd dan answer, "
        "kosongkan admin_todo, lalu pindahkan ke berkas bidangnya"
        for d in drafts
    ]
