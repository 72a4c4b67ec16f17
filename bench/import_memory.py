"""Benchmark: peak memory and time of invitation imports, hostile spreadsheets included.

    .venv/bin/python bench/import_memory.py [--database-url postgres://...]

Each file is imported in a fresh Python process (so its peak resident memory,
``ru_maxrss``, is the import's own) through the same two calls as the page and
the API: ``registration.importing.parse_invitations`` then
``registration.services.import_invitations`` (all or nothing). The files:

- ``csv-5000``: 5,000 valid rows (target: imported in <= 5 s);
- ``csv-20000``, ``xlsx-20000``: 20,000 valid rows, the row limit;
- ``csv-10mb``: 20,000 rows padded to just under the 10 MB upload limit;
- ``xlsx-declared-huge``: 1.9 KB that declares ``A1:XFD20000``;
- ``xlsx-huge-shared-string``: one 200 MB shared string, compressed under the limit.

Target: peak memory of any import of a file under the upload limit <= 300 MB.
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["organisation", "organisation_kind", "contact_name", "email", "category", "seats"]


def _rows(count):
    for i in range(count):
        yield [f"Organisation {i}", "company", f"Contact {i}", f"contact{i}@import.example", "company", "2"]


def csv_file(count, pad_to=0):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in _rows(count):
        writer.writerow(row)
    data = out.getvalue().encode()
    if pad_to:
        # Pad every organisation name so the whole file is just under ``pad_to`` bytes.
        per_row = (pad_to - len(data)) // count - 1
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in _rows(count):
            row[0] = (row[0] + " " + "x" * per_row)[:200]
            row[2] = (row[2] + " " + "y" * max(per_row - 190, 0))[:200]
            writer.writerow(row)
        data = out.getvalue().encode()
    return data


def xlsx_file(count):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in _rows(count):
        sheet.append(row[:5] + [2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def child(path, database_url):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registration import importing, services
    from registration.models import Invitation
    from tests.factories import ConferenceFactory

    conference = ConferenceFactory(slug=Path(path).stem, name=Path(path).stem)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    data = Path(path).read_bytes()
    rows, errors = importing.parse_invitations(SimpleUploadedFile(Path(path).name, data), conference=conference)
    if not errors:
        services.import_invitations(conference=conference, rows=rows)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    created = Invitation.objects.filter(conference=conference).count()
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 2),
                "peak_mb": round(peak / 1024, 1),
                "before_mb": round(before / 1024, 1),
                "created": created,
                "errors": [e.get("code") or e["message"][:80] for e in errors[:2]],
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "DATABASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from tests.registration import xlsx_bombs

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = dict(os.environ, VAR_DIR=str(workdir), DATABASE_URL=database_url, DEBUG="0", LOG_LEVEL="ERROR")
    env.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    files = {
        "csv-5000.csv": csv_file(5000),
        "csv-20000.csv": csv_file(20000),
        "xlsx-20000.xlsx": xlsx_file(20000),
        "csv-10mb.csv": csv_file(20000, pad_to=10 * 1024 * 1024 - 4096),
        "xlsx-declared-huge.xlsx": xlsx_bombs.declared_huge(),
        "xlsx-huge-shared-string.xlsx": xlsx_bombs.huge_shared_string(),
    }
    print(f"{'file':32} {'size':>10} {'seconds':>8} {'peak MB':>8} {'created':>8}  errors")
    for name, data in files.items():
        path = workdir / name
        path.write_bytes(data)
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path), database_url],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{name:32} {len(data):>10,} {figures['seconds']:>8} {figures['peak_mb']:>8} {figures['created']:>8}"
            f"  {figures['errors'] or ''} (before the import: {figures['before_mb']} MB)"
        )


if __name__ == "__main__":
    main()
