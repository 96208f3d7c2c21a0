from __future__ import annotations

from faq.formatting import check_html, plain_text, split_html


def test_accepts_telegram_subset() -> None:
    assert check_html('<b>Judul</b>\n• <i>satu</i> &amp; <a href="https://x.id">dua</a>') == []


def test_rejects_what_telegram_would_reject() -> None:
    assert check_html("<b>tidak ditutup")
    assert check_html("<div>x</div>")
    assert check_html("A & B")
    assert check_html("2 < 3")
    assert check_html('<a href="javascript:alert(1)">x</a>')


def test_split_keeps_every_part_within_the_limit_and_valid() -> None:
    text = "\n".join(f"<b>Baris {i}</b> " + "kata " * 30 for i in range(200))
    parts = split_html(text, 4096)
    assert len(parts) > 1
    assert all(len(p) <= 4096 and check_html(p) == [] for p in parts)
    assert plain_text("".join(parts)).count("Baris") == 200


def test_split_of_one_enormous_line_falls_back_to_plain_text() -> None:
    parts = split_html("<b>" + "x" * 9000 + "</b>", 4096)
    assert all(len(p) <= 4096 and check_html(p) == [] for p in parts)


def test_split_never_cuts_an_entity_in_two() -> None:
    for width in range(4090, 4100):
        text = "&lt;0" * 2000
        parts = split_html(text[: width * 2], 4096)
        assert all(len(p) <= 4096 and check_html(p) == [] for p in parts)
        assert plain_text("".join(parts)) == plain_text(text[: width * 2])
