"""A non-editable `pip install .` must carry everything the bot reads at run time.

Building a wheel here would be slow, so this checks what the build reads: every package
is listed in pyproject.toml and every data file (the OPD directory, categories,
holidays, regions, FAQ content, lexicon, migrations) is matched by a package-data glob.
By hand (README, "Installing"): a fresh venv, `pip install .`, then
`cd /tmp && python -m bot ask "syarat ktp"`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot import PROJECT_ROOT

CONFIG = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]
PACKAGES: list[str] = SETUPTOOLS["packages"]
PACKAGE_DIRS: dict[str, str] = SETUPTOOLS.get("package-dir", {})
PACKAGE_DATA: dict[str, list[str]] = SETUPTOOLS.get("package-data", {})
TOP_LEVEL = ("bot", "handlers", "faq", "db")


def source_dir(package: str) -> Path:
    return PROJECT_ROOT / PACKAGE_DIRS.get(package, package.replace(".", "/"))


def is_code(path: Path) -> bool:
    return path.suffix in (".py", ".pyc") or "__pycache__" in path.parts


def test_every_package_is_listed() -> None:
    found = {
        ".".join(init.parent.relative_to(PROJECT_ROOT).parts)
        for top in TOP_LEVEL
        for init in (PROJECT_ROOT / top).rglob("__init__.py")
    }
    assert found <= set(PACKAGES), f"add to pyproject.toml: {sorted(found - set(PACKAGES))}"
    assert all(source_dir(p).is_dir() for p in PACKAGES)


def test_package_data_globs_cover_every_data_file() -> None:
    listed_dirs = {source_dir(p) for p in PACKAGES}
    missing: list[str] = []
    shipped = 0
    for package in PACKAGES:
        root = source_dir(package)
        covered = {f for pattern in PACKAGE_DATA.get(package, ()) for f in root.glob(pattern)}
        for path in root.rglob("*"):
            # A file in a sub-package belongs to that package's globs.
            owner = next(d for d in [path.parent, *path.parents] if d in listed_dirs)
            if not path.is_file() or is_code(path) or owner != root:
                continue
            shipped += 1
            if path not in covered:
                missing.append(path.relative_to(PROJECT_ROOT).as_posix())
    assert missing == [], "add a package-data glob in pyproject.toml for these"
    assert shipped >= 20  # not vacuous: yaml, regions, lexicon, migrations


def test_the_shipped_data_is_a_package_of_the_wheel() -> None:
    # data/ becomes bot/defaults/ in the wheel; bot.SHIPPED_DATA_DIR finds either.
    assert PACKAGE_DIRS["bot.defaults"] == "data"
    for name in ("opd.yaml", "categories.yaml", "holidays.yaml", "regions"):
        assert (source_dir("bot.defaults") / name).exists(), name


def test_the_container_image_is_built_from_every_package_and_runs_safely() -> None:
    """The Dockerfile copies each top-level package and the data it ships, runs as a
    non-root user, keeps the database in the volume and checks health with the bot's own
    heartbeat. (Building the image needs a Docker daemon; this checks what it would read.)"""
    lines = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    copied = {
        line.split()[1] for line in lines if line.startswith("COPY ") and "--from" not in line
    }
    assert {*TOP_LEVEL, "data", "pyproject.toml"} <= copied
    run_stage = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]
    users = [line.split()[1] for line in run_stage if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("VOLUME") and "/data" in line for line in run_stage)
    assert any("BOT_DATABASE_PATH=/data/" in line for line in run_stage)
    healthcheck = " ".join(
        run_stage[next(i for i, text in enumerate(run_stage) if "HEALTHCHECK" in text) :][:2]
    )
    assert '"bot", "health"' in healthcheck
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and "*.sqlite3*" in ignored  # no secrets or data in the image
