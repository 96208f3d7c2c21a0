"""Changing FAQ files for the teaching loop: add phrasings to a topic, write draft topics,
restore a file (undo). No Telegram here; the bot and the command line share it.

Every change:
- is made under a file lock (`fcntl.flock` on `.faq.lock` in the FAQ folder), so two
  admins teaching at once both land: the second re-reads the file the first wrote;
- is made with ruamel.yaml round-trip (comments, order, quoting, layout kept), and only
  when the new text differs from the old by inserted lines alone;
- is checked on a copy of the folder first: `faq check`'s validation, then the held-out
  phrasing eval and the admins' own test questions (`_tests.yaml`) must not get worse.
  A refused change never touches the file, so it stays exactly as it was;
- is written only if the file still has the content it was read with (a hand edit made
  meanwhile is detected, never overwritten), atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import datetime as dt
import difflib
import fcntl
import hashlib
import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.services.redaction import NIK_MASK, NUMBER_MASK, PHONE_MASK, redact
from faq.drafts import DRAFTS_FILE, is_working_file, read_drafts
from faq.knowledge import DEFAULT_CATEGORIES_FILE, KnowledgeBase, load_knowledge
from faq.measuring import (  # noqa: F401  (re-exported: the reasons callers compare)
    TESTS_FILE,
    WORSE_HOLDOUT,
    WORSE_TESTS,
    Measurement,
    measure_folder,
    read_admin_tests,
    worse_detail,
)
from faq.models import TOPIC_ID
from faq.problems import Problem

LOCK_FILE = ".faq.lock"
ABSENT = "absent"  # the digest recorded for a file that does not exist
MAX_PHRASING = 300  # characters; a longer question is a paste, not a way of asking
MAX_NEW_PHRASINGS = 3  # per teaching: the group's most asked distinct wordings

# Why a change was refused (the texts for admins are in bot/presentation/texts/admin.py).
UNKNOWN_TOPIC = "unknown_topic"
ALREADY_THERE = "already_there"
EMPTY = "empty"
CHANGED = "changed"
INVALID = "invalid"
LAYOUT = "layout"
BUSY = "busy"
UNWRITABLE = "unwritable"  # the folder cannot be written (e.g. an installed package's)

DRAFT_HEADER = (
    '# Draf topik dari /pertanyaan ("Belum ada topiknya"). Bot TIDAK memakai berkas ini.\n'
    "# Isi opd dan answer, kosongkan admin_todo, pindahkan topiknya ke berkas bidangnya,\n"
    "# lalu jalankan `python -m bot faq check` dan /reload.\n"
)
DRAFT_TODO = "Tulis jawaban dan pilih OPD, lalu pindahkan topik ini ke berkas bidangnya."


def digest(content: bytes | None) -> str:
    return ABSENT if content is None else hashlib.sha256(content).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def clean_phrasing(text: str) -> str:
    """A resident's question as a phrasing: NIK and phone numbers dropped (not even the
    mask words, which would teach the topic the words "nomor disamarkan"), one line."""
    text = redact(text)
    for mask in (NIK_MASK, PHONE_MASK, NUMBER_MASK):
        text = text.replace(mask, " ")
    return " ".join(text.split())[:MAX_PHRASING]


def _phrasing_key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class EditResult:
    ok: bool
    reason: str = ""  # one of the reasons above when refused
    detail: str = ""  # the problems, the figures or the failing questions
    path: Path | None = None
    topic_id: str = ""
    added: tuple[str, ...] = ()
    digest_before: str = ""
    digest_after: str = ""
    content_before: bytes | None = field(default=None, repr=False)
    before: Measurement | None = None
    after: Measurement | None = None


def _refused(reason: str, detail: str = "", **fields: object) -> EditResult:
    return EditResult(False, reason, detail, **fields)  # type: ignore[arg-type]


def _yaml() -> YAML:
    rt = YAML()  # round-trip: comments, key order and quoting are kept
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a long answer or phrasing
    rt.indent(mapping=2, sequence=4, offset=2)  # the FAQ files' layout
    return rt


def _dump(document: object) -> bytes:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue().encode("utf-8")


def only_insertions(old: bytes, new: bytes) -> bool:
    """True when `new` is `old` with lines added and none changed or removed."""
    a = old.decode("utf-8").splitlines(keepends=True)
    b = new.decode("utf-8").splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


class FaqEditor:
    """Edits the FAQ folder safely; one per process is enough (it caches the baseline)."""

    def __init__(
        self,
        faq_dir: Path,
        opd_file: Path,
        categories_file: Path = DEFAULT_CATEGORIES_FILE,
        *,
        folds: int = 5,
        lock_timeout: float = 120.0,
    ) -> None:
        self.faq_dir = faq_dir
        self.opd_file = opd_file
        self.categories_file = categories_file
        self.folds = folds
        self.lock_timeout = lock_timeout
        self._baseline: tuple[str, Measurement] | None = None

    # -- locking -------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """The folder's edit lock. flock (not lockf) locks per open file, so two threads of
        one process exclude each other too; a crashed holder's lock goes with it."""
        with open(self.faq_dir / LOCK_FILE, "a+b") as handle:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError("FAQ folder is locked") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- finding topics ------------------------------------------------------------------
    def content_files(self) -> list[Path]:
        files = sorted(self.faq_dir.glob("*.yaml")) + sorted(self.faq_dir.glob("*.yml"))
        return [p for p in files if not is_working_file(p)]

    def file_of(self, topic_id: str) -> Path | None:
        """The FAQ file that holds `topic_id` (a fast plain parse, no validation)."""
        for path in self.content_files():
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            except (OSError, yaml.YAMLError):
                continue
            topics = data.get("topics") if isinstance(data, dict) else None
            if isinstance(topics, list) and any(
                isinstance(t, dict) and t.get("id") == topic_id for t in topics
            ):
                return path
        return None

    # -- teaching ------------------------------------------------------------------------
    def add_phrasings(self, topic_id: str, questions: Iterable[str]) -> EditResult:
        """Add residents' questions (masked here again) as phrasings of `topic_id`."""
        wanted: list[str] = []
        for question in questions:
            text = clean_phrasing(question)
            if len(text) >= 2 and _phrasing_key(text) not in {_phrasing_key(w) for w in wanted}:
                wanted.append(text)
        wanted = wanted[:MAX_NEW_PHRASINGS]
        if not wanted:
            return _refused(EMPTY, topic_id=topic_id)
        try:
            with self.locked():
                return self._add_phrasings(topic_id, wanted)
        except TimeoutError:
            return _refused(BUSY, topic_id=topic_id)
        except OSError as exc:
            return _refused(UNWRITABLE, str(exc), topic_id=topic_id)

    def _add_phrasings(self, topic_id: str, wanted: list[str]) -> EditResult:
        path = self.file_of(topic_id)
        if path is None:
            return _refused(UNKNOWN_TOPIC, topic_id, topic_id=topic_id)
        original = path.read_bytes()
        try:
            document = _yaml().load(original)
        except YAMLError as exc:
            return _refused(INVALID, f"{path.name}: {exc}", path=path, topic_id=topic_id)
        topic = next(t for t in document["topics"] if t.get("id") == topic_id)
        phrasings = topic.get("phrasings")
        known = {_phrasing_key(str(p)) for p in phrasings or ()}
        added = tuple(w for w in wanted if _phrasing_key(w) not in known)
        if not added:
            return _refused(ALREADY_THERE, path=path, topic_id=topic_id)
        if not isinstance(phrasings, CommentedSeq):
            phrasings = CommentedSeq()
            keys = list(topic.keys())
            after = keys.index("question") + 1 if "question" in keys else len(keys)
            topic.insert(after, "phrasings", phrasings)
        phrasings.extend(added)
        topic_of_new = {(topic_id, p) for p in added}
        return self._write_checked(path, original, _dump(document), topic_of_new, topic_id, added)

    def add_draft(self, questions: Iterable[str], *, today: dt.date | None = None) -> EditResult:
        """A new topic skeleton in `_draft.yaml` for questions no topic covers: id,
        question, the phrasings, an empty answer and an admin_todo. Not served."""
        wanted: list[str] = []
        for question in questions:
            text = clean_phrasing(question)
            if len(text) >= 2 and _phrasing_key(text) not in {_phrasing_key(w) for w in wanted}:
                wanted.append(text)
        if not wanted:
            return _refused(EMPTY)
        try:
            with self.locked():
                return self._add_draft(wanted[:MAX_NEW_PHRASINGS], today or dt.date.today())
        except TimeoutError:
            return _refused(BUSY)
        except OSError as exc:
            return _refused(UNWRITABLE, str(exc))

    def _add_draft(self, wanted: list[str], today: dt.date) -> EditResult:
        path = self.faq_dir / DRAFTS_FILE
        original = read_bytes(path)
        if original is None:
            document = CommentedMap()
            document["drafts"] = CommentedSeq()
            base = DRAFT_HEADER.encode("utf-8")
        else:
            try:
                document = _yaml().load(original)
            except YAMLError as exc:
                return _refused(INVALID, f"{path.name}: {exc}", path=path)
            if not isinstance(document, CommentedMap):
                document = CommentedMap()
            if not isinstance(document.get("drafts"), CommentedSeq):
                document["drafts"] = CommentedSeq()
            base = b""
        taken = set(self._topic_ids()) | {d.id for d in read_drafts(self.faq_dir)[0]}
        topic_id = _new_id(wanted[0], taken)
        question = wanted[0][0].upper() + wanted[0][1:]
        if not question.endswith("?"):
            question += "?"
        draft = CommentedMap()
        draft["id"] = topic_id
        draft["opd"] = ""
        draft["question"] = question
        draft["phrasings"] = CommentedSeq(wanted)
        draft["answer"] = ""
        draft["admin_todo"] = DRAFT_TODO
        draft["updated"] = today
        document["drafts"].append(draft)
        new = base + _dump(document)
        if original is not None and not only_insertions(original, new):
            return _refused(LAYOUT, path=path)
        # A draft is not served, so there is nothing to measure; only a hand edit meanwhile
        # must not be overwritten.
        if read_bytes(path) != original:
            return _refused(CHANGED, path=path)
        _write_atomic(path, new)
        return EditResult(
            True,
            path=path,
            topic_id=topic_id,
            added=tuple(wanted),
            digest_before=digest(original),
            digest_after=digest(new),
            content_before=original,
        )

    def _topic_ids(self) -> list[str]:
        ids = []
        for path in self.content_files():
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            except (OSError, yaml.YAMLError):
                continue
            for topic in data.get("topics") or () if isinstance(data, dict) else ():
                if isinstance(topic, dict) and topic.get("id"):
                    ids.append(str(topic["id"]))
        return ids

    # -- undo ----------------------------------------------------------------------------
    def restore(self, path: Path, content: bytes | None, expected_digest: str) -> EditResult:
        """Put back `content` (None: remove the file) if the file is still exactly the one a
        change wrote (`expected_digest`); else refuse, leaving it as it is."""
        try:
            with self.locked():
                current = read_bytes(path)
                if digest(current) != expected_digest:
                    return _refused(CHANGED, path=path)
                if not is_working_file(path):
                    problems = self._check(path, content)
                    if problems:
                        return _refused(INVALID, _problem_lines(problems), path=path)
                if read_bytes(path) != current:  # re-read: a hand edit while checking
                    return _refused(CHANGED, path=path)
                if content is None:
                    path.unlink()
                else:
                    _write_atomic(path, content)
                return EditResult(
                    True,
                    path=path,
                    digest_before=expected_digest,
                    digest_after=digest(content),
                    content_before=current,
                )
        except TimeoutError:
            return _refused(BUSY, path=path)
        except OSError as exc:
            return _refused(UNWRITABLE, str(exc), path=path)

    # -- checking and measuring ----------------------------------------------------------
    def _write_checked(
        self,
        path: Path,
        original: bytes,
        new: bytes,
        new_phrasings: set[tuple[str, str]],
        topic_id: str,
        added: tuple[str, ...],
    ) -> EditResult:
        common = {"path": path, "topic_id": topic_id, "added": added}
        if not only_insertions(original, new):
            return _refused(LAYOUT, **common)
        before = self.baseline()
        with self._folder_with(path, new) as folder:
            knowledge, problems = load_knowledge(folder, self.opd_file, self.categories_file)
            if knowledge is None:
                return _refused(INVALID, _problem_lines(problems), **common)
            after = self.measure(folder, knowledge, new_phrasings)
        worse = after.worse_than(before)
        if worse:
            detail = worse_detail(worse, before, after)
            return _refused(worse, detail, before=before, after=after, **common)
        # Re-read: someone may have edited the file by hand since we read it. Their edit
        # wins; the admin is asked to teach again (which re-reads it).
        if read_bytes(path) != original:
            return _refused(CHANGED, **common)
        _write_atomic(path, new)
        self._baseline = (self._folder_digest(), after.as_baseline())
        return EditResult(
            True,
            digest_before=digest(original),
            digest_after=digest(new),
            content_before=original,
            before=before,
            after=after,
            **common,  # type: ignore[arg-type]
        )

    def baseline(self) -> Measurement:
        """The measurement of the folder as it is, remembered until its files change."""
        key = self._folder_digest()
        if self._baseline is None or self._baseline[0] != key:
            knowledge, _ = load_knowledge(self.faq_dir, self.opd_file, self.categories_file)
            if knowledge is None:
                # The live files are already broken: nothing to compare with; any valid
                # change is an improvement.
                self._baseline = (key, Measurement(0, 1 << 30, 0, 0, frozenset()))
            else:
                self._baseline = (key, self.measure(self.faq_dir, knowledge, set()))
        return self._baseline[1]

    def measure(
        self, folder: Path, knowledge: KnowledgeBase, new_phrasings: set[tuple[str, str]]
    ) -> Measurement:
        return measure_folder(folder, knowledge, self.folds, new_phrasings)

    def _check(self, path: Path, content: bytes | None) -> list[Problem]:
        with self._folder_with(path, content) as folder:
            return load_knowledge(folder, self.opd_file, self.categories_file)[1]

    @contextmanager
    def _folder_with(self, path: Path, content: bytes | None) -> Iterator[Path]:
        """A copy of the FAQ folder where `path` has `content`: checked before the real
        folder is touched."""
        with tempfile.TemporaryDirectory(prefix="faq-check-") as tmp:
            folder = Path(tmp)
            for source in self.faq_dir.iterdir():
                if source.is_file() and source.suffix in (".yaml", ".yml"):
                    shutil.copyfile(source, folder / source.name)
            target = folder / path.name
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(content)
            yield folder

    def _folder_digest(self) -> str:
        parts = hashlib.sha256()
        for path in [*sorted(self.faq_dir.glob("*.y*ml")), self.opd_file, self.categories_file]:
            parts.update(path.name.encode() + b"\0" + digest(read_bytes(path)).encode())
        return parts.hexdigest()


def _write_atomic(path: Path, content: bytes) -> None:
    """Never a half-written FAQ file: a temporary file beside it, synced, then renamed."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    if path.exists():
        shutil.copymode(path, temporary)
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _problem_lines(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems[:10])


def _new_id(text: str, taken: set[str]) -> str:
    """A topic id from the question's first words: lowercase, '-' joined, unique."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    base = ""
    for word in words:
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > 30:
            break
        base = candidate
    base = base or "topik-baru"
    topic_id, n = base, 2
    while topic_id in taken or not TOPIC_ID.match(topic_id):
        topic_id = f"{base}-{n}"
        n += 1
    return topic_id
