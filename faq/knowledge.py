"""Loading the FAQ files and the OPD directory into one validated, read-only knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from faq.drafts import draft_notes, is_working_file
from faq.models import Category, CategoryFile, FaqFile, Opd, OpdFile, RoutingPolicy, Topic
from faq.problems import Problem, YamlDocument, read_yaml, validate

REQUIRED_TOPICS_FILE = Path(__file__).resolve().parent / "required_topics.txt"
# The shipped categories: data/ in a source checkout, bot/defaults/ in an installed wheel
# (see pyproject.toml). The bot passes its configured file; this default serves tools.
_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATEGORIES_FILE = next(
    (
        path
        for path in (
            _ROOT / "data" / "categories.yaml",
            _ROOT / "bot" / "defaults" / "categories.yaml",
        )
        if path.is_file()
    ),
    _ROOT / "data" / "categories.yaml",
)


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    topic_ids: tuple[str, ...]
    order: int = 100


@dataclass(frozen=True)
class KnowledgeBase:
    topics: dict[str, Topic]
    areas: tuple[Area, ...]
    opds: dict[str, Opd]
    notes: tuple[str, ...] = field(default=())  # reminders for admins, not errors
    categories: dict[str, Category] = field(default_factory=dict)
    drafts: tuple[str, ...] = ()  # draft topics waiting in _draft.yaml (never served)

    def opd_of(self, topic: Topic) -> Opd | None:
        return self.opds.get(topic.opd)

    @cached_property
    def policy(self) -> RoutingPolicy:
        """Triage, per-kecamatan and always-anonymous OPDs, from the OPD directory."""
        return RoutingPolicy.of(self.opds)


def required_topic_ids() -> list[str]:
    lines = REQUIRED_TOPICS_FILE.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def load_opds(path: Path) -> tuple[dict[str, Opd], list[Problem]]:
    doc, problems = read_yaml(path)
    if doc is None:
        return {}, problems
    model, errors = validate(doc, OpdFile)
    problems += errors
    if model is None:
        return {}, problems
    opds: dict[str, Opd] = {}
    for index, opd in enumerate(model.opds):  # type: ignore[attr-defined]
        if opd.id in opds:
            line = doc.line_of(("opds", index, "id"))
            problems.append(Problem(str(path), line, f"id OPD '{opd.id}' dipakai dua kali"))
        opds[opd.id] = opd
    problems += _policy_problems(path, doc, model.opds)  # type: ignore[attr-defined]
    return opds, problems


# Routing-policy flags of the OPD file: how many OPDs may carry each.
_POLICY_FLAGS = {
    "triage": "tepat satu OPD",
    "per_kecamatan": "paling banyak satu OPD",
    "always_anonymous": None,  # any number
}


def _policy_problems(path: Path, doc: YamlDocument, opds: list[Opd]) -> list[Problem]:
    """The routing policy is usable: one triage OPD, at most one per-kecamatan OPD, and no
    policy flag on a body outside the Pemkab (it never receives tickets)."""
    problems: list[Problem] = []
    for flag, rule in _POLICY_FLAGS.items():
        flagged = [(i, o) for i, o in enumerate(opds) if getattr(o, flag)]
        for index, opd in flagged:
            if opd.is_external:
                line = doc.line_of(("opds", index, flag))
                problems.append(
                    Problem(str(path), line, f"'{opd.id}' di luar Pemkab; '{flag}' hanya untuk OPD")
                )
        if flag == "triage" and not flagged:
            problems.append(
                Problem(
                    str(path),
                    None,
                    "tidak ada OPD dengan 'triage: true'; tandai tepat satu OPD (mis. kominfostan)"
                    " yang memutuskan pengaduan yang rutenya tidak yakin",
                )
            )
        if rule is not None and len(flagged) > 1:
            for index, _ in flagged[1:]:
                line = doc.line_of(("opds", index, flag))
                others = ", ".join(o.id for _, o in flagged)
                problems.append(
                    Problem(str(path), line, f"'{flag}: true' dipakai {others}; boleh {rule}")
                )
    return problems


def load_categories(path: Path, opds: dict[str, Opd]) -> tuple[dict[str, Category], list[Problem]]:
    doc, problems = read_yaml(path)
    if doc is None:
        return {}, problems
    model, errors = validate(doc, CategoryFile)
    problems += errors
    if model is None:
        return {}, problems
    categories: dict[str, Category] = {}
    for index, category in enumerate(model.categories):  # type: ignore[attr-defined]
        if category.id in categories:
            line = doc.line_of(("categories", index, "id"))
            problems.append(Problem(str(path), line, f"kategori '{category.id}' ditulis dua kali"))
        if category.opd and opds and category.opd not in opds:
            line = doc.line_of(("categories", index, "opd"))
            problems.append(Problem(str(path), line, f"OPD '{category.opd}' tidak dikenal"))
        elif category.opd and opds and opds[category.opd].is_external:
            line = doc.line_of(("categories", index, "opd"))
            problems.append(
                Problem(
                    str(path), line, f"'{category.opd}' di luar Pemkab; tidak bisa menerima tiket"
                )
            )
        categories[category.id] = category
    return categories, problems


def load_knowledge(
    faq_dir: Path, opd_file: Path, categories_file: Path = DEFAULT_CATEGORIES_FILE
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Read and cross-check every file. Returns (None, problems) when anything is wrong."""
    opds, problems = load_opds(opd_file)
    categories, category_problems = load_categories(categories_file, opds)
    problems += category_problems
    files = sorted(faq_dir.glob("*.yaml")) + sorted(faq_dir.glob("*.yml"))
    files = [path for path in files if not is_working_file(path)]  # drafts are never served
    if not files:
        problems.append(Problem(str(faq_dir), None, "tidak ada berkas FAQ (*.yaml) di folder ini"))
    topics: dict[str, Topic] = {}
    where: dict[str, str] = {}
    areas: list[Area] = []
    notes: list[str] = []
    for path in files:
        doc, errors = read_yaml(path)
        problems += errors
        if doc is None:
            continue
        model, errors = validate(doc, FaqFile)
        problems += errors
        if model is None:
            continue
        assert isinstance(model, FaqFile)
        if any(a.id == model.area for a in areas):
            problems.append(
                Problem(
                    str(path),
                    doc.line_of(("area",)),
                    f"area '{model.area}' sudah dipakai berkas lain",
                )
            )
        ids: list[str] = []
        for index, topic in enumerate(model.topics):
            line = doc.line_of(("topics", index, "id"))
            if topic.id in topics:
                problems.append(
                    Problem(str(path), line, f"id '{topic.id}' sudah dipakai di {where[topic.id]}")
                )
                continue
            if opds and topic.opd not in opds:
                problems.append(
                    Problem(
                        str(path),
                        doc.line_of(("topics", index, "opd")),
                        f"OPD '{topic.opd}' tidak dikenal; pakai id dari {opd_file.name}",
                    )
                )
            if topic.admin_todo and not topic.local_details:
                notes.append(
                    f"{path.name}:{line}: {topic.id}: perlu diisi admin: {topic.admin_todo}"
                )
            topics[topic.id] = topic.model_copy(update={"area": model.area})
            where[topic.id] = f"{path.name}:{line}"
            ids.append(topic.id)
        areas.append(Area(model.area, model.title, tuple(ids), model.order))
    # Only meaningful when every file loaded; otherwise it just repeats the errors above.
    for topic_id in required_topic_ids() if files and not problems else ():
        if topic_id not in topics:
            problems.append(
                Problem(
                    str(faq_dir),
                    None,
                    f"topik wajib '{topic_id}' tidak ada (id ini dipakai sistem lain)",
                )
            )
    if problems:
        return None, problems
    areas.sort(key=lambda a: (a.order, a.id))
    drafts = tuple(draft_notes(faq_dir))
    return KnowledgeBase(topics, tuple(areas), opds, tuple(notes), categories, drafts), []
