"""Measuring a FAQ folder: the comparison a teaching must pass, the admins' test file."""

from __future__ import annotations

from pathlib import Path

from faq import measuring
from faq.measuring import Measurement, read_admin_tests


def test_measurement_compares_holdout_then_tests() -> None:
    base = Measurement(10, 2, 20, 1, frozenset())
    assert Measurement(10, 2, 20, 1, frozenset()).worse_than(base) == ""
    assert Measurement(9, 2, 20).worse_than(base) == measuring.WORSE_HOLDOUT
    assert Measurement(11, 3, 20).worse_than(base) == measuring.WORSE_HOLDOUT
    assert Measurement(12, 3, 20).worse_than(base) == ""  # a wrong answer costs two right
    assert Measurement(10, 2, 20, 1, frozenset({"x"})).worse_than(base) == measuring.WORSE_TESTS


def test_admin_tests_file(tmp_path: Path) -> None:
    path = tmp_path / "_tests.yaml"
    assert read_admin_tests(path) == ([], [])  # no file: no tests
    path.write_text(
        "# ours\ntests:\n  - text: cara bayar pbb\n    expected: pbb-bayar\n  - text: x\n",
        "utf-8",
    )
    cases, problems = read_admin_tests(path)
    assert cases == [("cara bayar pbb", "pbb-bayar")]
    assert [p.line for p in problems] == [5]
