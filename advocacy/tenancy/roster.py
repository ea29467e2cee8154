"""CSV rosters for bulk invitations: reading and validating the upload, parsing a row's roles, and
writing the per-row report back out as CSV (with spreadsheet formulas defused).

Pure functions only; the writes happen in services.roster_import_create / roster_import_run.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from advocacy.core.csv import csv_stream
from advocacy.permissions import Role

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
REQUIRED_COLUMNS = ("email",)
KNOWN_COLUMNS = ("name", "email", "team", "roles")
COLUMN_ALIASES = {
    "name": "name",
    "full name": "name",
    "full_name": "name",
    "fullname": "name",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "team": "team",
    "roles": "roles",
    "role": "roles",
}
ROLE_SEPARATORS = re.compile(r"[;|,\s]+")
ROLE_ALIASES = (
    {r.value: r.value for r in Role}
    | {r.label.lower(): r.value for r in Role}
    | {"administrator": Role.ADMIN.value, "mod": Role.MODERATOR.value}
)

OUTCOMES = ("created", "skipped", "rejected")
REPORT_COLUMNS = ("row", "name", "email", "team", "roles", "outcome", "reason")


@dataclass(frozen=True)
class RosterRow:
    row: int  # the row number in a spreadsheet: the header is row 1
    name: str
    email: str
    team: str
    roles: str


def decode(raw: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "The file is not UTF-8 text. In Excel or Numbers, export it as “CSV UTF-8” and upload it again."
        )


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def _header(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = COLUMN_ALIASES.get(" ".join(cell.replace("\ufeff", "").strip().lower().split()))
        if key is None:
            continue
        if key in columns:
            raise ValidationError(f"The header names the “{key}” column twice.")
        columns[key] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(c.strip() for c in cells if c.strip()) or "nothing"
        raise ValidationError(
            "The first row must be a header with the columns name, email, team, roles "
            f"(email is required). Found: {found}."
        )
    return columns


def parse(text: str) -> list[RosterRow]:
    """Every non-blank data row of a roster. Raises ValidationError for a file that cannot be used."""
    if not text.strip():
        raise ValidationError("The file is empty.")
    if "\x00" in text:
        raise ValidationError("The file contains binary data; upload a CSV text file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise ValidationError("The file is empty.")
        columns = _header(header)
        rows: list[RosterRow] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(f"The roster has more than {MAX_ROWS:,} rows; split it into smaller files.")

            def cell(name, cells=cells):
                index = columns.get(name)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            rows.append(RosterRow(number, cell("name"), cell("email"), cell("team"), cell("roles")))
    except csv.Error as exc:
        raise ValidationError(f"The file could not be read as CSV: {exc}.")
    if not rows:
        raise ValidationError("The roster has a header but no rows.")
    return rows


def read_upload(uploaded_file) -> tuple[str, list[RosterRow]]:
    """Validate an uploaded file: .csv name, at most 5 MB, UTF-8, a header with an email column,
    at most 10,000 rows. Returns (text, rows)."""
    name = getattr(uploaded_file, "name", "") or ""
    if not name.lower().endswith(".csv"):
        raise ValidationError("Upload a .csv file (a spreadsheet saved as CSV).")
    if uploaded_file.size > MAX_BYTES:
        raise ValidationError("The file is larger than 5 MB; split it into smaller files.")
    raw = uploaded_file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError("The file is larger than 5 MB; split it into smaller files.")
    text = decode(raw)
    return text, parse(text)


def parse_roles(value: str) -> tuple[list[str], list[str]]:
    """('admin; HR' -> (['admin', 'hr'], [])), unknown names in the second list. Empty -> employee."""
    names = [n for n in ROLE_SEPARATORS.split(value.strip().lower()) if n]
    if not names:
        return [Role.EMPLOYEE.value], []
    roles, unknown = [], []
    for name in names:
        role = ROLE_ALIASES.get(name)
        if role is None:
            unknown.append(name)
        elif role not in roles:
            roles.append(role)
    return sorted(roles), unknown


def report_csv(report: list[dict]) -> str:
    return "".join(
        csv_stream(([entry.get(column, "") for column in REPORT_COLUMNS] for entry in report), REPORT_COLUMNS)
    )
