"""Validation problems reported with file and line, and YAML loading that keeps line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class YamlDocument:
    """A parsed YAML file plus its node tree, so errors can point at a line."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self.root = root

    def line_of(self, loc: tuple[int | str, ...]) -> int | None:
        """1-based line of the value at `loc` (keys and list indexes), or of its nearest parent."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                nxt = node.value[part] if 0 <= part < len(node.value) else None
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
            line = node.start_mark.line + 1
        return line


def _duplicate_keys(node: yaml.Node | None, path: Path) -> list[Problem]:
    """YAML silently keeps the last of two equal keys; an admin needs to hear about it."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                problems.append(
                    Problem(
                        str(path), key.start_mark.line + 1, f"kunci '{key.value}' ditulis dua kali"
                    )
                )
            seen.add(key.value)
            problems += _duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item, path)
    return problems


# libyaml when PyYAML was built with it (about ten times faster than the pure-Python
# parser, which made loading the FAQ take seconds); the same nodes, marks and errors.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, loader_class: type | None = None) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data, from one parse."""
    loader = (loader_class or _Loader)(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def read_yaml(
    path: Path, loader: type[yaml.SafeLoader] | None = None
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file; syntax errors come back as problems, never exceptions."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), None, f"berkas tidak bisa dibaca: {exc}")]
    try:
        # `loader`: a SafeLoader subclass for a file with its own rules (holidays.yaml).
        root, data = _parse(text, loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        hint = exc.problem or "format YAML salah"
        return None, [
            Problem(str(path), line, f"format YAML salah ({hint}); periksa indentasi dan tanda ':'")
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(str(path), None, f"format YAML salah: {exc}")]
    return YamlDocument(path, data, root), _duplicate_keys(root, path)


def validate(doc: YamlDocument, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a document against a pydantic model, mapping each error to its line."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or "(berkas)"
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(Problem(str(doc.path), doc.line_of(loc), f"{field}: {msg}"))
        return None, problems
