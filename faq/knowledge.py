"""Loading the FAQ files and the OPD directory into one validated, read-only knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from faq.models import Category, CategoryFile, FaqFile, Opd, OpdFile, Topic
from faq.problems import Problem, read_yaml, validate

REQUIRED_TOPICS_FILE = Path(__file__).resolve().parent / "required_topics.txt"
DEFAULT_CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.yaml"


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

    def opd_of(self, topic: Topic) -> Opd | None:
        return self.opds.get(topic.opd)


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
    return opds, problems


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
    return KnowledgeBase(topics, tuple(areas), opds, tuple(notes), categories), []
