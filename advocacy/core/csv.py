"""CSV exports that are safe to open in a spreadsheet, streamed row by row.

A cell a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return)
gets a leading single quote, so a value typed by a user (a name, a caption) cannot run as a formula
on the machine of the person who opens the export (CSV/formula injection).

    response = StreamingHttpResponse(csv_stream(rows, header=[...]), content_type="text/csv")
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """One value as spreadsheet-safe text. Numbers stay numbers (-5 is not a formula); text that a
    spreadsheet would evaluate is prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_line(row: Iterable) -> str:
    return csv.writer(_Echo()).writerow([safe_cell(value) for value in row])


def csv_stream(rows: Iterable[Iterable], header: Iterable[str] | None = None) -> Iterator[str]:
    """Yield CSV lines (with \\r\\n endings), the header first, every cell passed through safe_cell."""
    writer = csv.writer(_Echo())
    if header is not None:
        yield writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
