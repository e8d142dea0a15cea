"""CSV for spreadsheets: every CSV file the project writes (the owner's exports, the complaint
report) is made here, so a buyer's words can never run as a formula when the owner opens it.

Excel and WPS take a cell that starts with =, +, -, @ (or a tab or carriage return before one)
as a formula; such a text cell is written with a leading apostrophe, which they show as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run, as text; numbers and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows as CSV with a UTF-8 byte order mark (Excel reads UTF-8 only with one)."""
    out = io.StringIO()
    csv.writer(out).writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()
