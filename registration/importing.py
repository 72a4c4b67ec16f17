"""Reading invitation lists from CSV and .xlsx files, with every row validated.

The columns are CONTRACT.md's: ``organisation, organisation_kind,
contact_name, email, category, seats``. Files come from spreadsheets and
mail clients, so the reader forgives what is only mess: a UTF-8 byte-order
mark, Windows line endings, a Windows-1252 file, stray spaces, a header in
another case or with spaces for underscores, blank lines, ``2.0`` for 2 seats.
What is wrong is reported as ``{"row", "field", "message"}`` (row 1 is the
header, as in the spreadsheet; row 0 is the file itself), and the caller
imports nothing when there is any error.
"""

import csv
import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from conference.models import Organisation

from .models import Category, Invitation

COLUMNS = ("organisation", "organisation_kind", "contact_name", "email", "category", "seats")
REQUIRED = ("organisation", "contact_name", "email", "category", "seats")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


def _choice(value, choices):
    """A choice by value or by label, in any case, with spaces or underscores."""
    key = value.strip().casefold().replace(" ", "_").replace("-", "_")
    for choice_value, label in choices:
        if key in (choice_value, label.casefold().replace(" ", "_")):
            return choice_value
    return None


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header_key(value):
    return _text(value).casefold().replace(" ", "_").replace("-", "_")


def read_table(uploaded):
    """The rows of a CSV or .xlsx upload as lists of cells, or raise ValueError with a message."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data.strip():
        raise ValueError("The file is empty.")
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValueError("Old .xls files cannot be read: save the sheet as .xlsx or CSV.")
    return _read_csv(data)


def _read_csv(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ValueError("The file is not text in UTF-8: save it as “CSV UTF-8”.")
    if "\x00" in text:
        raise ValueError("The file is not a CSV file: save it as “CSV UTF-8” or .xlsx.")
    # The delimiter is whichever of , ; or tab the header line uses (spreadsheets in
    # some locales write semicolons).
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    delimiter = max(",;\t", key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValueError(f"The CSV file cannot be read ({exc}).") from None


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValueError(f"The spreadsheet cannot be read ({exc}); save it again as .xlsx.") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def parse_invitations(uploaded, *, conference):
    """Validate an upload; returns ``(rows, errors)``: rows are dicts ready for ``import_invitations``."""
    try:
        table = read_table(uploaded)
    except ValueError as exc:
        return [], [{"row": 0, "field": "file", "message": str(exc)}]
    # Skip blank lines before the header.
    while table and not any(_text(cell) for cell in table[0]):
        table.pop(0)
    if not table:
        return [], [{"row": 0, "field": "file", "message": "The file has no header row."}]
    header = [_header_key(cell) for cell in table[0]]
    errors = [
        {"row": 1, "field": column, "message": f"The header has no “{column}” column."}
        for column in REQUIRED
        if column not in header
    ]
    if errors:
        return [], errors
    index = {column: header.index(column) for column in COLUMNS if column in header}
    if len(table) - 1 > MAX_ROWS:
        return [], [{"row": 0, "field": "file", "message": f"The file has more than {MAX_ROWS} rows."}]

    existing = {
        email.casefold(): email
        for email in Invitation.objects.filter(conference=conference).values_list("email", flat=True)
    }
    seen = {}
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {column: _text(cells[i]) if i < len(cells) else "" for column, i in index.items()}
        if not any(values.values()):
            continue
        row_errors = []

        def error(field, message, number=number, row_errors=row_errors):
            row_errors.append({"row": number, "field": field, "message": message})

        for column in REQUIRED:
            if not values.get(column):
                error(column, f"{column.replace('_', ' ').capitalize()} is missing.")
        for column, limit in (("organisation", 200), ("contact_name", 200), ("email", 254)):
            if len(values.get(column, "")) > limit:
                error(column, f"Keep this to {limit} characters.")
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", f"“{email}” is not a valid e-mail address.")
            else:
                key = email.casefold()
                if key in seen:
                    error("email", f"{email} is also on row {seen[key]}.")
                elif key in existing:
                    error("email", f"{email} already has an invitation to {conference.name}.")
                else:
                    seen[key] = number
        category = None
        if values.get("category"):
            category = _choice(values["category"], Category.choices)
            if category is None:
                allowed = ", ".join(value for value, _ in Category.choices)
                error("category", f"“{values['category']}” is not a category; use one of {allowed}.")
        kind = ""
        if values.get("organisation_kind"):
            kind = _choice(values["organisation_kind"], Organisation.Kind.choices)
            if kind is None:
                allowed = ", ".join(value for value, _ in Organisation.Kind.choices)
                error("organisation_kind", f"“{values['organisation_kind']}” is not a kind; use one of {allowed}.")
        seats = None
        if values.get("seats"):
            try:
                as_float = float(values["seats"])
                if not as_float.is_integer():
                    raise ValueError
                seats = int(as_float)
                if seats < 1:
                    raise ValueError
            except ValueError:
                error("seats", f"Seats must be a whole number of at least 1, not “{values['seats']}”.")
            else:
                if seats > 1000:
                    error("seats", "Seats must be at most 1000.")
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            {
                "row": number,
                "organisation": values["organisation"],
                "organisation_kind": kind,
                "contact_name": values["contact_name"],
                "email": email,
                "category": category,
                "seats": seats,
            }
        )
    if not rows and not errors:
        errors.append({"row": 0, "field": "file", "message": "The file has a header but no invitations."})
    return rows, errors


def import_file(uploaded, *, conference):
    """Parse and import; returns the number created, or raises ``services.ImportInvalid``."""
    from . import services

    rows, errors = parse_invitations(uploaded, conference=conference)
    if errors:
        raise services.ImportInvalid(errors)
    return services.import_invitations(conference=conference, rows=rows)
