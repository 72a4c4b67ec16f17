"""Reading invitation lists from CSV and .xlsx files, with every row validated.

The columns are the README's: ``organisation, organisation_kind,
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
from conference.plumbing.validators import validate_name_text

from .models import Category, Invitation

COLUMNS = ("organisation", "organisation_kind", "contact_name", "email", "category", "seats")
REQUIRED = ("organisation", "contact_name", "email", "category", "seats")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A spreadsheet is read within bounded memory whatever it declares: only the
# first MAX_COLUMNS columns are read, no part of the .xlsx may unpack to more
# than MAX_PART_BYTES (the shared strings and the sheet are the big ones), and
# no cell may hold more than MAX_CELL_CHARS characters. Past these limits the
# file is refused as too complex (code ``file_too_complex``).
MAX_COLUMNS = 50
MAX_PART_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_CELL_CHARS = 1000
TOO_COMPLEX = "file_too_complex"


class FileTooComplex(ValueError):
    """The file is within the upload limit but would take too much memory or time to read."""


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

    _check_unpacked_sizes(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValueError(f"The spreadsheet cannot be read ({exc}); save it again as .xlsx.") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        # Bounded rows and columns: a sheet that declares A1:XFD1048576 is read as
        # MAX_ROWS + 1 rows of MAX_COLUMNS cells at most, never padded to its declaration.
        for row in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True):
            for cell in row:
                if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                    raise FileTooComplex(
                        f"A cell holds more than {MAX_CELL_CHARS} characters: this is not an invitation list."
                    )
            rows.append(list(row))
        return rows
    finally:
        workbook.close()


def _check_unpacked_sizes(data):
    """Refuse an .xlsx whose parts unpack past the limits (a zip bomb, one huge shared string)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [info.file_size for info in archive.infolist()]
    except zipfile.BadZipFile as exc:
        raise ValueError(f"The spreadsheet cannot be read ({exc}); save it again as .xlsx.") from None
    if any(size > MAX_PART_BYTES for size in sizes) or sum(sizes) > MAX_UNPACKED_BYTES:
        raise FileTooComplex(
            f"The spreadsheet unpacks to more than {MAX_PART_BYTES // (1024 * 1024)} MB a part "
            f"({MAX_UNPACKED_BYTES // (1024 * 1024)} MB in all): save only the invitation list, as CSV or .xlsx."
        )


def parse_invitations(uploaded, *, conference):
    """Validate an upload; returns ``(rows, errors)``: rows are dicts ready for ``import_invitations``."""
    try:
        table = read_table(uploaded)
    except FileTooComplex as exc:
        return [], [{**_error(0, "file", str(exc)), "code": TOO_COMPLEX}]
    except ValueError as exc:
        return [], [_error(0, "file", str(exc))]
    index, errors = _header(table)
    if errors:
        return [], errors
    existing = {e.casefold() for e in Invitation.objects.filter(conference=conference).values_list("email", flat=True)}
    seen = {}
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {column: _text(cells[i]) if i < len(cells) else "" for column, i in index.items()}
        if not any(values.values()):
            continue
        row, row_errors = _parse_row(number, values, conference=conference, existing=existing, seen=seen)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    if not rows and not errors:
        errors.append(_error(0, "file", "The file has a header but no invitations."))
    return rows, errors


def _error(row, field, message):
    return {"row": row, "field": field, "message": message}


def _header(table):
    """``({column: cell index}, errors)`` from the header row; blank lines before it are dropped from ``table``."""
    while table and not any(_text(cell) for cell in table[0]):
        table.pop(0)
    if not table:
        return {}, [_error(0, "file", "The file has no header row.")]
    header = [_header_key(cell) for cell in table[0]]
    errors = [_error(1, column, f"The header has no “{column}” column.") for column in REQUIRED if column not in header]
    if errors:
        return {}, errors
    if len(table) - 1 > MAX_ROWS:
        return {}, [_error(0, "file", f"The file has more than {MAX_ROWS} rows.")]
    return {column: header.index(column) for column in COLUMNS if column in header}, []


def _parse_row(number, values, *, conference, existing, seen):
    """One row's invitation and its errors; ``seen`` (e-mail → row) gains the row's e-mail when it is new."""
    errors = []

    def error(field, message):
        errors.append(_error(number, field, message))

    for column in REQUIRED:
        if not values.get(column):
            error(column, f"{column.replace('_', ' ').capitalize()} is missing.")
    for column, limit in (("organisation", 200), ("contact_name", 200), ("email", 254)):
        if len(values.get(column, "")) > limit:
            error(column, f"Keep this to {limit} characters.")
    for column in ("organisation", "contact_name"):
        try:
            validate_name_text(values.get(column, ""))
        except ValidationError as exc:
            error(column, exc.messages[0])
    email = values.get("email", "")
    if email:
        _check_email(email, number, error, conference=conference, existing=existing, seen=seen)
    category = _parse_choice(values, "category", Category.choices, "category", error) or None
    kind = _parse_choice(values, "organisation_kind", Organisation.Kind.choices, "kind", error)
    seats = _parse_seats(values.get("seats", ""), error)
    row = {
        "row": number,
        "organisation": values["organisation"],
        "organisation_kind": kind,
        "contact_name": values["contact_name"],
        "email": email,
        "category": category,
        "seats": seats,
    }
    return row, errors


def _check_email(email, number, error, *, conference, existing, seen):
    try:
        validate_email(email)
    except ValidationError:
        error("email", f"“{email}” is not a valid e-mail address.")
        return
    key = email.casefold()
    if key in seen:
        error("email", f"{email} is also on row {seen[key]}.")
    elif key in existing:
        error("email", f"{email} already has an invitation to {conference.name}.")
    else:
        seen[key] = number


def _parse_choice(values, column, choices, noun, error):
    """The choice a column names (by value or label), "" when the cell is empty; an error when it names none."""
    if not values.get(column):
        return ""
    choice = _choice(values[column], choices)
    if choice is None:
        allowed = ", ".join(value for value, _ in choices)
        error(column, f"“{values[column]}” is not a {noun}; use one of {allowed}.")
        return ""
    return choice


def _parse_seats(value, error):
    """A whole number of seats from 1 to 1000 (``2.0`` is 2); None when empty or wrong."""
    if not value:
        return None
    try:
        as_float = float(value)
        if not as_float.is_integer() or as_float < 1:
            raise ValueError
    except ValueError:
        error("seats", f"Seats must be a whole number of at least 1, not “{value}”.")
        return None
    if as_float > 1000:
        error("seats", "Seats must be at most 1000.")
        return None
    return int(as_float)


def import_file(uploaded, *, conference):
    """Parse and import; returns the number created, or raises ``services.ImportInvalid``."""
    from . import services

    rows, errors = parse_invitations(uploaded, conference=conference)
    if errors:
        too_complex = any(error.get("code") == TOO_COMPLEX for error in errors)
        raise services.ImportInvalid(errors, code=TOO_COMPLEX if too_complex else None)
    return services.import_invitations(conference=conference, rows=rows)
