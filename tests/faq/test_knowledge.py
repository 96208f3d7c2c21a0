"""FAQ file validation: every problem reported with file, line and what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from faq.knowledge import load_knowledge, load_opds, required_topic_ids
from faq.models import RoutingPolicy

CONTENT = PROJECT_ROOT / "faq" / "content"
OPD_FILE = PROJECT_ROOT / "data" / "opd.yaml"


def test_shipped_files_are_valid_and_complete() -> None:
    knowledge, problems = load_knowledge(CONTENT, OPD_FILE)
    assert problems == []
    assert knowledge is not None
    assert set(required_topic_ids()) <= set(knowledge.topics)
    for topic in knowledge.topics.values():
        assert topic.opd in knowledge.opds
        assert len(topic.phrasings) >= 10, topic.id
        assert topic.answer.strip()


def test_referral_topics_point_to_outside_bodies() -> None:
    knowledge, _ = load_knowledge(CONTENT, OPD_FILE)
    assert knowledge is not None
    for topic_id in (
        "skck",
        "sim",
        "paspor",
        "sertifikat-tanah",
        "listrik-padam",
        "pajak-kendaraan",
    ):
        assert knowledge.opds[knowledge.topics[topic_id].opd].is_external, topic_id


@pytest.fixture
def faq_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_unknown_opd_is_reported_with_its_line(faq_copy: Path) -> None:
    path = faq_copy / "pajak.yaml"
    _break(path, "opd: bapenda", "opd: dinas-pajak")
    knowledge, problems = load_knowledge(faq_copy, OPD_FILE)
    assert knowledge is None
    [problem] = problems
    assert problem.file.endswith("pajak.yaml")
    assert problem.line == _line_of(path, "opd: dinas-pajak")
    assert "OPD 'dinas-pajak' tidak dikenal" in problem.message


def test_duplicate_id_across_files_names_both_places(faq_copy: Path) -> None:
    path = faq_copy / "pendidikan.yaml"
    _break(path, "id: pip", "id: spmb")
    _, problems = load_knowledge(faq_copy, OPD_FILE)
    assert any("'spmb' sudah dipakai" in p.message for p in problems)


def test_broken_html_empty_answer_and_bad_yaml(faq_copy: Path) -> None:
    _break(faq_copy / "kesehatan.yaml", "<b>", "<blink>")
    _break(faq_copy / "sosial.yaml", "answer: |", "answer: ''\n    old_answer: |")
    (faq_copy / "rusak.yaml").write_text("area: rusak\ntitle: [tidak ditutup\n", encoding="utf-8")
    knowledge, problems = load_knowledge(faq_copy, OPD_FILE)
    assert knowledge is None
    text = "\n".join(str(p) for p in problems)
    assert "kesehatan.yaml:" in text and "tag <blink> tidak didukung" in text
    assert "sosial.yaml:" in text
    assert "rusak.yaml:" in text and "format YAML salah" in text


def test_answer_over_telegram_limit_is_refused(faq_copy: Path) -> None:
    path = faq_copy / "pendidikan.yaml"
    _break(path, "answer: |\n", "answer: |\n      " + "x" * 4000 + "\n")
    _, problems = load_knowledge(faq_copy, OPD_FILE)
    assert any("terlalu panjang" in p.message for p in problems)


def test_missing_required_topic_is_reported(faq_copy: Path) -> None:
    (faq_copy / "rujukan.yaml").unlink()
    _, problems = load_knowledge(faq_copy, OPD_FILE)
    assert any("topik wajib 'skck'" in p.message for p in problems)


def test_duplicate_yaml_key_is_reported(faq_copy: Path) -> None:
    path = faq_copy / "pajak.yaml"
    _break(path, "    opd: bapenda\n", "    opd: bapenda\n    opd: bapenda\n")
    _, problems = load_knowledge(faq_copy, OPD_FILE)
    assert any("ditulis dua kali" in p.message for p in problems)


# -- the routing policy of the OPD file ---------------------------------------------------
def test_shipped_routing_policy() -> None:
    opds, problems = load_opds(OPD_FILE)
    assert problems == []
    policy = RoutingPolicy.of(opds)
    assert policy.triage == "kominfostan" and policy.per_kecamatan == "kecamatan"
    assert policy.always_anonymous == {"dp3ap2kb", "inspektorat"}
    assert policy.group_key("kecamatan", "12.07.28") == "kecamatan:12.07.28"
    assert policy.group_key("dlh", "12.07.28") == "dlh"


@pytest.fixture
def opd_copy(tmp_path: Path) -> Path:
    target = tmp_path / "opd.yaml"
    shutil.copy(OPD_FILE, target)
    return target


def test_no_triage_opd_is_reported(opd_copy: Path) -> None:
    _break(opd_copy, "    triage: true\n", "")
    _, problems = load_opds(opd_copy)
    assert any("triage: true" in p.message for p in problems), problems


KIND_LINE = "    kind: {kind}  # opd = Pemkab Deli Serdang; external = refer, do not ticket\n"


def _flag(path: Path, opd_id: str, kind: str, flag: str) -> int:
    """Add `flag: true` to an OPD of the file; returns its line."""
    head = f"  - id: {opd_id}\n" + KIND_LINE.format(kind=kind)
    _break(path, head, head + f"    {flag}: true  # added by the test\n")
    return _line_of(path, "# added by the test")


def test_two_triage_opds_are_reported_at_the_second(opd_copy: Path) -> None:
    _flag(opd_copy, "dlh", "opd", "triage")
    _, problems = load_opds(opd_copy)
    [problem] = problems
    assert "dlh" in problem.message and "kominfostan" in problem.message
    assert "tepat satu OPD" in problem.message
    lines = opd_copy.read_text(encoding="utf-8").splitlines()
    flagged = [n for n, text in enumerate(lines, 1) if text.startswith("    triage: true")]
    assert problem.line == flagged[1]  # the second one in the file is the extra one


def test_a_policy_flag_on_an_outside_body_is_reported(opd_copy: Path) -> None:
    line = _flag(opd_copy, "pln", "external", "always_anonymous")
    _, problems = load_opds(opd_copy)
    [problem] = problems
    assert problem.line == line and "'pln' di luar Pemkab" in problem.message


def test_faq_check_reports_a_broken_policy(opd_copy: Path) -> None:
    _break(opd_copy, "    per_kecamatan: true\n", "    per_kecamatan: ya tentu\n")
    knowledge, problems = load_knowledge(CONTENT, opd_copy)
    assert knowledge is None
    assert any(p.line == _line_of(opd_copy, "per_kecamatan: ya tentu") for p in problems)
