"""The live FAQ: loaded and validated at start, swapped atomically on a good reload."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.services.assistant import Assistant
from faq.knowledge import DEFAULT_CATEGORIES_FILE, KnowledgeBase, load_knowledge
from faq.normalize import Lexicon
from faq.problems import Problem

log = logging.getLogger(__name__)


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...]
    topics: int


class LiveKnowledge:
    """Holds the current knowledge base and assistant; readers never see a half-loaded one."""

    def __init__(
        self, faq_dir: Path, opd_file: Path, categories_file: Path = DEFAULT_CATEGORIES_FILE
    ) -> None:
        self.faq_dir = faq_dir
        self.opd_file = opd_file
        self.categories_file = categories_file
        knowledge, problems = load_knowledge(faq_dir, opd_file, categories_file)
        if knowledge is None:
            raise KnowledgeError(problems)
        self._assistant = Assistant(knowledge, Lexicon.load())
        # Reloads take turns: two teachings reloading at once must not let the one that
        # read the files first replace the one that read them after both edits.
        self._reloading = threading.Lock()

    @property
    def assistant(self) -> Assistant:
        return self._assistant

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._assistant.knowledge

    def reload(self) -> ReloadResult:
        """Validate the files again; only a fully valid set replaces the live one."""
        with self._reloading:
            return self._reload()

    async def reload_async(self) -> ReloadResult:
        """`reload` off the event loop (rebuilding the matcher takes a fraction of a second,
        seconds for a huge FAQ): residents are answered meanwhile."""
        return await asyncio.to_thread(self.reload)

    def _reload(self) -> ReloadResult:
        knowledge, problems = load_knowledge(self.faq_dir, self.opd_file, self.categories_file)
        if knowledge is None:
            log.warning(
                "FAQ reload refused: %d problem(s); the working FAQ stays live", len(problems)
            )
            return ReloadResult(False, tuple(problems), len(self.knowledge.topics))
        try:
            assistant = Assistant(knowledge, Lexicon.load())
        except Exception as exc:  # a broken lexicon file must not take the bot down
            log.exception("FAQ reload refused: lexicon could not be built")
            problem = Problem("faq/lexicon", None, f"leksikon tidak bisa dimuat: {exc}")
            return ReloadResult(False, (problem,), len(self.knowledge.topics))
        self._assistant = assistant  # one assignment: readers see old or new, never a mix
        log.info("FAQ reloaded: %d topics", len(knowledge.topics))
        return ReloadResult(True, (), len(knowledge.topics))
