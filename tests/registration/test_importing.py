import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from conference.models import Organisation
from registration import importing, services
from registration.models import Invitation
from tests.factories import InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = "organisation,organisation_kind,contact_name,email,category,seats"


def csv_file(text, name="invitations.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="invitations.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_import_csv_creates_invitations_and_organisations(conference):
    text = "\n".join(
        [
            HEADER,
            "Aston University,university,Priya Shah,priya@aston.example,partner,3",
            "Moseley Robotics,company,Tom Baker,tom@moseley.example,company,1",
        ]
    )
    assert importing.import_file(csv_file(text), conference=conference) == 2
    priya = Invitation.objects.get(email="priya@aston.example")
    assert (priya.category, priya.seats, priya.status) == ("partner", 3, "draft")
    assert priya.organisation.kind == "university"
    assert Organisation.objects.get(name="Moseley Robotics").kind == "company"


def test_import_csv_forgives_bom_crlf_spaces_and_header_case(conference):
    text = (
        "\ufeff Organisation , Organisation Kind,CONTACT_NAME ,Email,Category , Seats\r\n"
        "  Aston University  , University ,  Priya   Shah , priya@aston.example ,Partner, 2 \r\n"
        "\r\n"
        "Zoë’s Café Ltd,company,Zoë Ångström,zoe@cafe.example,VIP,1\r\n"
    )
    assert importing.import_file(csv_file(text), conference=conference) == 2
    priya = Invitation.objects.get(email="priya@aston.example")
    assert priya.contact_name == "Priya Shah"
    assert priya.organisation.name == "Aston University"
    assert priya.category == "partner" and priya.seats == 2
    zoe = Invitation.objects.get(email="zoe@cafe.example")
    assert zoe.organisation.name == "Zoë’s Café Ltd" and zoe.category == "vip"


def test_import_csv_in_windows_1252_with_semicolons(conference):
    text = (
        "organisation;organisation_kind;contact_name;email;category;seats\r\n"
        "Café Ltd;company;José;jose@cafe.example;press;1\r\n"
    )
    assert importing.import_file(csv_file(text, encoding="cp1252"), conference=conference) == 1
    assert Invitation.objects.get().contact_name == "José"


def test_import_reuses_existing_organisation_in_any_case(conference):
    existing = OrganisationFactory(name="Aston University", kind="university")
    text = HEADER + "\nASTON UNIVERSITY,,Priya Shah,priya@aston.example,partner,1\n"
    importing.import_file(csv_file(text), conference=conference)
    assert Invitation.objects.get().organisation == existing
    assert Organisation.objects.filter(name__iexact="aston university").count() == 1


def test_import_xlsx(conference):
    upload = xlsx_file(
        [
            ["Organisation", "Organisation_kind", "Contact_name", "Email", "Category", "Seats"],
            ["Aston University", "university", "Priya Shah", "priya@aston.example", "partner", 2],
            ["Lichfield AI", None, "Wei Chen 陈伟", "wei@lichfield.example", "company", 1.0],
            [None, None, None, None, None, None],
        ]
    )
    assert importing.import_file(upload, conference=conference) == 2
    wei = Invitation.objects.get(email="wei@lichfield.example")
    assert wei.contact_name == "Wei Chen 陈伟" and wei.seats == 1


def test_import_xlsx_errors_are_reported_by_row(conference):
    upload = xlsx_file(
        [
            list(importing.COLUMNS),
            ["Aston University", "university", "Priya Shah", "priya@aston.example", "partner", 0],
            ["Aston University", "university", "Priya Shah", "priya@aston.example", "partner", 1],
        ]
    )
    rows, errors = importing.parse_invitations(upload, conference=conference)
    assert errors == [
        {"row": 2, "field": "seats", "message": "Seats must be a whole number of at least 1, not “0”."},
        {"row": 3, "field": "email", "message": "priya@aston.example is also on row 2."},
    ]


def test_import_reports_every_row_error_and_imports_nothing(conference):
    InvitationFactory(conference=conference, email="taken@example.org")
    text = "\n".join(
        [
            HEADER,
            "Good Ltd,company,Ann,ann@good.example,company,1",
            "Bad Ltd,company,Bob,bob-at-bad,company,1",
            "Bad Ltd,martian,Cy,cy@bad.example,alien,two",
            "Bad Ltd,company,Di,ANN@good.example,company,1",
            "Bad Ltd,company,Ed,Taken@Example.org,company,1",
            ",company,,fay@bad.example,company,",
            "Bad Ltd,company,Gus,gus@bad.example,company,1.5",
        ]
    )
    with pytest.raises(services.ImportInvalid) as raised:
        importing.import_file(csv_file(text), conference=conference)
    found = {(e["row"], e["field"]) for e in raised.value.errors}
    assert found == {
        (3, "email"),
        (4, "organisation_kind"),
        (4, "category"),
        (4, "seats"),
        (5, "email"),
        (6, "email"),
        (7, "organisation"),
        (7, "contact_name"),
        (7, "seats"),
        (8, "seats"),
    }
    assert all(set(e) == {"row", "field", "message"} and e["message"] for e in raised.value.errors)
    assert Invitation.objects.count() == 1  # only the one that was there before
    assert not Organisation.objects.filter(name__in=["Good Ltd", "Bad Ltd"]).exists()


def test_import_missing_column_is_a_header_error(conference):
    rows, errors = importing.parse_invitations(
        csv_file("organisation,contact_name,email\nA,B,c@example.org\n"), conference=conference
    )
    assert rows == []
    assert {(e["row"], e["field"]) for e in errors} == {(1, "category"), (1, "seats")}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("header-only.csv", (HEADER + "\r\n").encode(), "The file has a header but no invitations."),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "cannot be read"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Old .xls files"),
    ],
)
def test_import_unreadable_files_are_file_errors(conference, name, content, message):
    rows, errors = importing.parse_invitations(SimpleUploadedFile(name, content), conference=conference)
    assert rows == []
    assert errors[0]["row"] == 0 and errors[0]["field"] == "file"
    assert message in errors[0]["message"]


def test_import_race_against_existing_invitation_imports_nothing(conference):
    """The duplicate check is repeated inside the import's transaction."""
    rows, errors = importing.parse_invitations(
        csv_file(HEADER + "\nA Ltd,company,Ann,ann@a.example,company,1\nB Ltd,company,Bo,bo@b.example,company,1\n"),
        conference=conference,
    )
    assert errors == []
    InvitationFactory(conference=conference, email="bo@b.example")
    with pytest.raises(services.ImportInvalid) as raised:
        services.import_invitations(conference=conference, rows=rows)
    assert raised.value.errors == [{"row": 3, "field": "email", "message": "bo@b.example already has an invitation."}]
    assert Invitation.objects.filter(conference=conference).count() == 1


def _many(count, start=0):
    numbers = range(start, start + count)
    rows = (f"Organisation {i},company,Contact {i},contact{i}@import.example,company,1" for i in numbers)
    return HEADER + "\n" + "\n".join(rows)


def test_import_finds_and_creates_organisations_in_a_few_queries_not_two_a_row(
    conference, django_assert_max_num_queries
):
    OrganisationFactory(name="organisation 3", kind="university")  # an existing one, in another case
    with django_assert_max_num_queries(20):
        importing.import_file(csv_file(_many(10)), conference=conference)
    # Inserts go in batches (SQLite bounds a statement's parameters), never a look-up per organisation.
    with django_assert_max_num_queries(30):
        importing.import_file(csv_file(_many(300, start=10)), conference=conference)
    assert Invitation.objects.filter(conference=conference).count() == 310
    assert Invitation.objects.get(email="contact3@import.example").organisation.kind == "university"
    assert Organisation.objects.count() == 310  # nine new ones, 300 more, and the existing one reused
    assert not Organisation.objects.filter(name="Organisation 3").exists()
