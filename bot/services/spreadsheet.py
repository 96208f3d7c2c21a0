"""Cells that a spreadsheet opens as text, never as a formula (CSV injection).

A complaint description or place typed by a resident lands in the CSV admins open in
Excel or LibreOffice; a cell starting with = + - @ (or a tab or carriage return) would run
as a formula there. OWASP's advice: prefix such a cell with a single quote, which the
spreadsheet shows as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a CSV cell that cannot start a formula. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
