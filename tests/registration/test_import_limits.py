"""Import files are read within bounded memory whatever they declare, and over-large ones are refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registration import importing
from registration.models import Invitation
from tests.registration import xlsx_bombs

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Reads the file named on the command line with the one reader, and prints its peak memory (MB).
CHILD = """
import json, os, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from registration import importing
with open(sys.argv[1], "rb") as handle:
    upload = SimpleUploadedFile("invitations.xlsx", handle.read())
try:
    rows = importing.read_table(upload)
    outcome = {"rows": len(rows), "columns": max(len(row) for row in rows)}
except importing.FileTooComplex as exc:
    outcome = {"too_complex": str(exc)}
# The peak resident memory of this program: VmHWM belongs to the address space that exec() made (getrusage's
# ru_maxrss would also count the pytest process this child was forked from).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
outcome["maxrss_mb"] = max(peak_kb, 0) // 1024
print(json.dumps(outcome))
"""


def url(conference):
    return f"/api/conferences/{conference.slug}/invitations/import/"


def peak_memory_of_reading(tmp_path, data):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "conference.settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sheet_declaring_a1_to_xfd20000_is_read_in_bounded_memory(tmp_path):
    data = xlsx_bombs.declared_huge()
    assert len(data) < 4096
    outcome = peak_memory_of_reading(tmp_path, data)
    assert outcome["columns"] == importing.MAX_COLUMNS  # never padded to the 16,384 it declares
    assert outcome["maxrss_mb"] < 300, outcome


def test_huge_shared_string_is_refused_in_bounded_memory(tmp_path):
    data = xlsx_bombs.huge_shared_string(megabytes=200)
    assert len(data) < 1024 * 1024
    outcome = peak_memory_of_reading(tmp_path, data)
    assert "unpacks to more than" in outcome["too_complex"]
    assert outcome["maxrss_mb"] < 300, outcome


def test_huge_shared_string_through_the_api_is_400_file_too_complex(organiser_api, conference):
    upload = SimpleUploadedFile("list.xlsx", xlsx_bombs.huge_shared_string(megabytes=30))
    response = organiser_api.post(url(conference), {"file": upload}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_too_complex"
    assert body["errors"][0]["row"] == 0 and body["errors"][0]["field"] == "file"
    assert not Invitation.objects.exists()


def test_a_cell_longer_than_the_limit_is_file_too_complex(organiser_api, conference):
    data = xlsx_bombs.huge_shared_string(megabytes=1)  # one string of 1 MB: under the unpacked limits
    response = organiser_api.post(url(conference), {"file": SimpleUploadedFile("list.xlsx", data)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_complex"
    assert f"more than {importing.MAX_CELL_CHARS} characters" in response.json()["detail"]


def test_declared_dimensions_do_not_stop_a_real_invitation_list(organiser_api, conference):
    """The bounded reader still imports what the sheet really holds (the stray cell at XFD20000 is ignored)."""
    upload = SimpleUploadedFile("list.xlsx", xlsx_bombs.declared_huge())
    response = organiser_api.post(url(conference), {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert Invitation.objects.get().email == "priya@aston.example"


def test_file_over_10_mb_is_refused(organiser_api, conference):
    data = b"organisation,contact_name,email,category,seats\r\n" + b"x" * (11 * 1024 * 1024)
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    response = organiser_api.post(url(conference), {"file": upload}, format="multipart")
    assert response.status_code == 413, response.json()
    assert response.json()["code"] == "file_too_large"
    assert not Invitation.objects.exists()


def test_file_just_over_10_mb_is_400(organiser_api, conference):
    """The reader's own limit (the admin's import form reaches it too)."""
    upload = SimpleUploadedFile("list.csv", b"x" * (importing.MAX_BYTES + 1), content_type="text/csv")
    response = organiser_api.post(url(conference), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 0, "field": "file", "message": "The file is larger than 10 MB."}]
