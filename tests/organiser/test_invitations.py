"""The organiser's invitations page: list, filters, fixed queries; import with a preview; send; an organisation."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conference.models import Organisation
from registration import services
from registration.models import Invitation, OutboxMessage
from tests.factories import (
    ConferenceFactory,
    DraftInvitationFactory,
    InvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db

HEADER = "organisation,organisation_kind,contact_name,email,category,seats\r\n"


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def invited():
    """Acme (company, accepted, 1 of 2 named), the Council (public body, VIP draft), Press (opened)."""
    conference = ConferenceFactory(capacity=10)
    acme = InvitationFactory(
        conference=conference,
        organisation=OrganisationFactory(name="Acme Robotics Ltd"),
        contact_name="Priya Shah",
        email="priya@acme.example",
        seats=2,
    )
    services.accept_invitation(invitation=acme, delegates=[delegate_data(first_name="Ada")])
    council = DraftInvitationFactory(
        conference=conference,
        organisation=OrganisationFactory(name="Birmingham City Council", kind=Organisation.Kind.PUBLIC_BODY),
        contact_name="Tom Reid",
        email="tom@council.example",
        category="vip",
        seats=1,
    )
    press = InvitationFactory(
        conference=conference,
        organisation=OrganisationFactory(name="Midlands Tech News"),
        contact_name="Ana Costa",
        email="ana@mtn.example",
        category="press",
        status=Invitation.Status.OPENED,
    )
    return conference, {"acme": acme, "council": council, "press": press}


def page_of(client, conference, query=""):
    response = client.get(reverse("organiser-invitations", args=[conference.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def upload(client, conference, text, name="list.csv"):
    url = reverse("organiser-invitation-import", args=[conference.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")})


def test_invitations_page_lists_with_counts_and_the_send_buttons(organiser_client, invited):
    conference, made = invited
    html = page_of(organiser_client, conference)
    assert "3 invitations" in html
    row = html[html.index(f'id="invitation-{made["acme"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Acme Robotics Ltd" in row and "Accepted" in row and "priya@acme.example" in row
    assert '<td data-label="Seats" class="n">2</td>' in row and '<td data-label="Named" class="n">1</td>' in row
    assert '<td data-label="Confirmed" class="n">1</td>' in row
    assert "Send 1 draft invitation" in html and "Remind 1 who has not answered" in html
    assert reverse("organiser-organisation", args=[conference.slug, made["acme"].organisation_id]) in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?status=draft", ["Tom Reid"], ["Priya Shah", "Ana Costa"]),
        ("?status=invited", ["Priya Shah", "Ana Costa"], ["Tom Reid"]),
        ("?status=unanswered", ["Ana Costa"], ["Priya Shah", "Tom Reid"]),
        ("?category=vip", ["Tom Reid"], ["Priya Shah", "Ana Costa"]),
        ("?kind=public_body", ["Tom Reid"], ["Priya Shah", "Ana Costa"]),
        ("?q=acme", ["Priya Shah"], ["Tom Reid", "Ana Costa"]),
        ("?q=ana%40mtn", ["Ana Costa"], ["Priya Shah", "Tom Reid"]),
        ("?q=tom+council", ["Tom Reid"], ["Priya Shah", "Ana Costa"]),
    ],
)
def test_invitations_page_filters_and_searches(organiser_client, invited, query, shown, hidden):
    conference, _ = invited
    html = page_of(organiser_client, conference, query)
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


def test_a_bad_filter_value_is_ignored_not_a_500(organiser_client, invited):
    conference, _ = invited
    assert "3 invitations" in page_of(organiser_client, conference, "?status=nonsense&page=zz")


def test_every_overview_tile_counts_the_list_it_links_to(organiser_client, invited):
    conference, _ = invited
    html = organiser_client.get(reverse("organiser-conference", args=[conference.slug])).content.decode()
    base = reverse("organiser-invitations", args=[conference.slug])
    tiles = html.split(f'<a href="{base}?status=')[1:]
    assert len(tiles) == 8
    for tile in tiles:
        status = tile[: tile.index('"')]
        count = int(tile[tile.index("<strong>") + 8 : tile.index("</strong>")])
        listed = page_of(organiser_client, conference, f"?status={status}")
        assert f"{count} invitation{'s' if count != 1 else ''}" in listed, status
    delegates = reverse("organiser-delegates", args=[conference.slug])
    assert f'<a href="{delegates}?status=confirmed"><span>Confirmed</span><strong>1</strong>' in html
    send = reverse("organiser-invitation-send", args=[conference.slug])
    assert f'<a href="{send}">1 invitation not sent yet' in html


def test_invitations_page_uses_a_fixed_number_of_queries(organiser_client, django_assert_max_num_queries):
    conference = ConferenceFactory()
    InvitationFactory(conference=conference)
    with django_assert_max_num_queries(11) as few:  # 11: one is the e-mails still being prepared
        page_of(organiser_client, conference)
    for invitation in InvitationFactory.create_batch(60, conference=conference):
        RegistrationFactory(invitation=invitation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page_of(organiser_client, conference, "?page=1")
    assert "61 invitations" in html and "Next page" in html


def test_the_sample_csv_has_the_import_header_and_imports_as_it_is(organiser_client, conference):
    response = organiser_client.get(reverse("organiser-invitation-sample", args=[conference.slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["organisation", "organisation_kind", "contact_name", "email", "category", "seats"]
    assert len(rows) == 4
    assert "Preview the import" in upload(organiser_client, conference, text).content.decode()


def test_import_shows_a_preview_then_creates_on_confirm(organiser_client, conference):
    OrganisationFactory(name="Acme Robotics Ltd")
    text = HEADER + (
        "ACME robotics ltd,company,Priya Shah,priya@acme.example,company,2\r\n"
        "Birmingham City Council,public_body,Tom Reid,tom@council.example,vip,1\r\n"
        "Midlands Tech News,,Ana Costa,ana@mtn.example,press,1\r\n"
        "Aston University,university,Li Wei,li@aston.example,partner,3\r\n"
    )
    response = upload(organiser_client, conference, text)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>4 invitations</strong> for 7 seats, 4 organisations (3 new)" in html
    assert '<th scope="row">VIP</th><td>1</td>' in html and '<th scope="row">Company</th><td>1</td>' in html
    assert "Import 4 invitations" in html and "Tom Reid" in html
    assert not Invitation.objects.filter(conference=conference).exists()

    import_id = html.split('name="import_id" value="')[1].split('"')[0]
    url = reverse("organiser-invitation-import", args=[conference.slug])
    response = organiser_client.post(url, {"import_id": import_id}, follow=True)
    assert "Imported 4 invitations as drafts" in response.content.decode()
    assert set(Invitation.objects.filter(conference=conference).values_list("status", flat=True)) == {"draft"}
    assert Invitation.objects.get(email="priya@acme.example").organisation.name == "Acme Robotics Ltd"
    # The same preview cannot be confirmed twice.
    response = organiser_client.post(url, {"import_id": import_id}, follow=True)
    assert "upload it again" in response.content.decode()
    assert Invitation.objects.filter(conference=conference).count() == 4


def test_an_import_id_of_another_preview_or_conference_imports_nothing(organiser_client, conference):
    html = upload(organiser_client, conference, HEADER + "Acme,company,Priya Shah,p@acme.example,company,1\r\n")
    import_id = html.content.decode().split('name="import_id" value="')[1].split('"')[0]
    other = ConferenceFactory()
    organiser_client.post(reverse("organiser-invitation-import", args=[other.slug]), {"import_id": import_id})
    organiser_client.post(reverse("organiser-invitation-import", args=[conference.slug]), {"import_id": "guess"})
    assert not Invitation.objects.exists()


def test_a_bad_file_shows_the_errors_row_by_row_and_imports_nothing(organiser_client, conference):
    InvitationFactory(conference=conference, email="taken@example.org")
    text = HEADER + (
        "Acme,company,Priya Shah,not-an-address,company,2\r\n"
        "Council,public_body,Tom Reid,taken@example.org,royalty,0\r\n"
    )
    response = upload(organiser_client, conference, text)
    html = response.content.decode()
    assert response.status_code == 400
    assert "nothing was imported" in html
    assert "“not-an-address” is not a valid e-mail address." in html
    assert "taken@example.org already has an invitation" in html and "is not a category" in html
    assert '<td data-label="Row">3</td><td data-label="Column">seats</td>' in html
    assert Invitation.objects.filter(conference=conference).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The submitted file is empty."),
        ("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Old .xls files cannot be read"),
        ("list.csv", b"name,email\r\nx,y\r\n", "The header has no “organisation” column."),
        ("list.xlsx", b"PK\x03\x04 broken", "The spreadsheet cannot be read"),
    ],
)
def test_unreadable_uploads_are_explained(organiser_client, conference, name, content, message):
    url = reverse("organiser-invitation-import", args=[conference.slug])
    response = organiser_client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_import_without_a_file_is_400(organiser_client, conference):
    response = organiser_client.post(reverse("organiser-invitation-import", args=[conference.slug]), {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_send_shows_the_email_and_count_then_sends_the_drafts(
    organiser_client, invited, django_capture_on_commit_callbacks
):
    conference, made = invited
    url = reverse("organiser-invitation-send", args=[conference.slug])
    html = organiser_client.get(url).content.decode()
    assert "Send 1 invitation?" in html and "This e-mails <strong>1 person</strong>" in html
    assert "as tom@council.example gets it" in html and f"/rsvp/{made['council'].token}/" in html
    assert not OutboxMessage.objects.filter(purpose="invitation").exists()
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        response = organiser_client.post(url)
    # The request decided and recorded the send; the e-mail is not written yet, and the page says so.
    assert Invitation.objects.get(pk=made["council"].pk).status == "sent"
    assert not OutboxMessage.objects.filter(purpose="invitation").exists()
    html = organiser_client.get(response["Location"]).content.decode()
    assert "1 invitation queued" in html and "The e-mails are being prepared: 1 to go." in html
    emails_page = organiser_client.get(reverse("organiser-emails", args=[conference.slug])).content.decode()
    assert "Invitation e-mails are being prepared: 1 to go." in emails_page
    with django_capture_on_commit_callbacks(execute=True):
        for callback in handed_over:
            callback()
    assert "being prepared" not in page_of(organiser_client, conference)
    assert list(OutboxMessage.objects.filter(purpose="invitation").values_list("to", flat=True)) == [
        "tom@council.example"
    ]


def test_remind_goes_to_those_who_have_not_answered(organiser_client, invited, django_capture_on_commit_callbacks):
    conference, made = invited
    url = reverse("organiser-invitation-send", args=[conference.slug]) + "?remind=1"
    html = organiser_client.get(url).content.decode()
    assert "Remind 1 who has not answered?" in html and "ana@mtn.example" in html
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url.split("?")[0], {"remind": "1"})
    assert list(OutboxMessage.objects.exclude(purpose="confirmation").values_list("to", "purpose")) == [
        ("ana@mtn.example", "reminder")
    ]


def test_send_chosen_ids_leaves_out_the_answered(organiser_client, invited, django_capture_on_commit_callbacks):
    conference, made = invited
    url = reverse("organiser-invitation-send", args=[conference.slug])
    query = f"?ids={made['acme'].pk}&ids={made['council'].pk}"
    html = organiser_client.get(url + query).content.decode()
    assert "Send 1 invitation?" in html and "1 of those you chose is left out" in html
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {"ids": [made["acme"].pk, made["council"].pk]})
    assert list(OutboxMessage.objects.filter(purpose="invitation").values_list("to", flat=True)) == [
        "tom@council.example"
    ]
    assert organiser_client.get(url + "?ids=x").status_code == 400


def test_nothing_to_send_says_so(organiser_client, conference):
    html = organiser_client.get(reverse("organiser-invitation-send", args=[conference.slug])).content.decode()
    assert "Nothing to send" in html


def test_organisation_page_shows_its_invitations_delegates_and_emails(organiser_client, invited):
    conference, made = invited
    acme = made["acme"].organisation
    other_year = ConferenceFactory()
    InvitationFactory(conference=other_year, organisation=acme, contact_name="Somebody Else")
    url = reverse("organiser-organisation", args=[conference.slug, acme.pk])
    html = organiser_client.get(url).content.decode()
    assert "<h1>Acme Robotics Ltd</h1>" in html
    assert "Priya Shah" in html and "Somebody Else" not in html
    assert "2 seats, 1 named, 1 confirmed" in html
    assert "Ada" in html and "Confirmed" in html
    assert "E-mails sent to them (1)" in html  # Ada's confirmation
    assert organiser_client.get(reverse("organiser-organisation", args=[conference.slug, 999999])).status_code == 404


@pytest.mark.parametrize(
    "name_args",
    [
        ("organiser-invitations", []),
        ("organiser-invitation-import", []),
        ("organiser-invitation-sample", []),
        ("organiser-invitation-send", []),
        ("organiser-organisation", [1]),
    ],
)
def test_invitation_pages_are_for_organisers(client, door_staff, conference, name_args):
    name, args = name_args
    url = reverse(name, args=[conference.slug, *args])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(door_staff)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def test_door_staff_cannot_send(client, door_staff, invited):
    conference, made = invited
    client.force_login(door_staff)
    assert client.post(reverse("organiser-invitation-send", args=[conference.slug])).status_code == 403
    assert Invitation.objects.get(pk=made["council"].pk).status == "draft"


def test_a_file_over_the_limit_is_refused_and_nothing_waits(organiser_client, conference):
    big = HEADER + "Acme,company,Priya Shah,p@acme.example,company,1\r\n" + "#" * (10 * 1024 * 1024)
    response = upload(organiser_client, conference, big)
    assert response.status_code == 400 and "The file is larger than 10 MB." in response.content.decode()
    assert "organiser-invitation-import" not in organiser_client.session


def test_an_xlsx_list_is_previewed_like_a_csv(organiser_client, conference):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Organisation", "Organisation kind", "Contact name", "Email", "Category", "Seats"])
    sheet.append(["Aston University", "university", "Li Wei", "li@aston.example", "partner", 3])
    data = io.BytesIO()
    workbook.save(data)
    url = reverse("organiser-invitation-import", args=[conference.slug])
    response = organiser_client.post(url, {"file": SimpleUploadedFile("list.xlsx", data.getvalue())})
    html = response.content.decode()
    assert response.status_code == 200 and "Import 1 invitation" in html and "Li Wei" in html


def test_the_api_gives_the_overviews_figures(organiser_api, anon_api, door_api, invited):
    from registration.figures import invitation_figures

    conference, _ = invited
    url = reverse("api-invitation-figures", args=[conference.slug])
    answer = organiser_api.get(url).json()
    assert answer == invitation_figures(conference)
    assert answer["organisations"] == 3 and answer["drafts"] == 1 and answer["registered"] == 1
    assert anon_api.get(url).status_code in (401, 403) and door_api.get(url).status_code == 403
