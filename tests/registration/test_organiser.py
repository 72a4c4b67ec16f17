import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from registration import services
from registration.models import Invitation, OutboxMessage, Registration
from tests.factories import (
    ConferenceFactory,
    DraftInvitationFactory,
    InvitationFactory,
    RegistrationFactory,
    WorkshopFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_organiser_page_shows_figures_and_export_links(organiser_client):
    conference = ConferenceFactory(capacity=1)
    InvitationFactory(conference=conference, status="declined")
    services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=2), delegates=[delegate_data(), delegate_data()]
    )
    html = organiser_client.get(f"/organiser/{conference.slug}/registration/").content.decode()
    assert "<strong>2</strong> invited" in html
    assert "<strong>1</strong> waiting" in html
    for table in ("invitations", "delegates", "needs", "workshops"):
        assert f"/organiser/{conference.slug}/exports/{table}.csv" in html
        assert f"/organiser/{conference.slug}/exports/{table}.xlsx" in html
    assert f"/organiser/{conference.slug}/registration/" in organiser_client.get("/organiser/").content.decode()


def test_addresses_of_earlier_releases_redirect(organiser_client):
    conference = ConferenceFactory()
    response = organiser_client.get(f"/organiser/registration/{conference.slug}/")
    assert response.status_code == 301 and response["Location"] == f"/organiser/{conference.slug}/registration/"
    response = organiser_client.get(f"/organiser/registration/{conference.slug}/needs.xlsx")
    assert response.status_code == 301 and response["Location"] == f"/organiser/{conference.slug}/exports/needs.xlsx"


def test_exports_are_for_organisers_only(client, door_staff):
    conference = ConferenceFactory()
    assert client.get(f"/organiser/{conference.slug}/exports/invitations.csv").status_code == 302
    client.force_login(door_staff)
    assert client.get(f"/organiser/{conference.slug}/exports/invitations.csv").status_code == 403


def test_invitations_export_csv_and_xlsx_with_states(organiser_client):
    conference = ConferenceFactory()
    for status in ("draft", "sent", "opened", "accepted", "declined", "expired"):
        InvitationFactory(conference=conference, status=status, contact_name=f"Contact {status}")
    for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        response = organiser_client.get(f"/organiser/{conference.slug}/exports/invitations.{fmt}")
        assert response.status_code == 200
        assert f"{conference.slug}-invitations.{fmt}" in response["Content-Disposition"]
        rows = read(response)
        assert sorted(r["status"] for r in rows) == sorted(
            ["draft", "sent", "opened", "accepted", "declined", "expired"]
        )


def test_delegates_export_has_organisation_category_and_needs(organiser_client):
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, title="Robotics lab")
    invitation = InvitationFactory(conference=conference, category="sponsor")
    services.accept_invitation(
        invitation=invitation,
        delegates=[
            delegate_data(
                first_name="Мария",
                last_name="Иванова",
                dietary="Vegan",
                accessibility="Wheelchair user",
                job_title="=HYPERLINK(1)",
                workshops=[workshop.pk],
            )
        ],
    )
    (row,) = read_xlsx(organiser_client.get(f"/organiser/{conference.slug}/exports/delegates.xlsx"))
    assert (row["first_name"], row["last_name"]) == ("Мария", "Иванова")
    assert row["organisation"] == invitation.organisation.name and row["category"] == "sponsor"
    assert (row["dietary"], row["accessibility"], row["workshops"]) == ("Vegan", "Wheelchair user", "Robotics lab")
    assert row["job_title"] == "'=HYPERLINK(1)"  # never a formula
    (csv_row,) = read_csv(organiser_client.get(f"/organiser/{conference.slug}/exports/delegates.csv"))
    assert csv_row["first_name"] == "Мария" and csv_row["job_title"] == "'=HYPERLINK(1)"


def test_needs_and_workshop_exports(organiser_client):
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, title="Robotics lab", capacity=5)
    services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=2),
        delegates=[
            delegate_data(first_name="Needs", dietary="Gluten free", workshops=[workshop.pk]),
            delegate_data(first_name="Plain", dietary="", accessibility=""),
        ],
    )
    needs = read_csv(organiser_client.get(f"/organiser/{conference.slug}/exports/needs.csv"))
    assert [r["first_name"] for r in needs] == ["Needs"]
    workshops = read_csv(organiser_client.get(f"/organiser/{conference.slug}/exports/workshops.csv"))
    assert [(r["workshop"], r["first_name"], r["capacity"]) for r in workshops] == [("Robotics lab", "Needs", "5")]
    assert organiser_client.get(f"/organiser/{conference.slug}/exports/secrets.csv").status_code == 404


def test_exports_use_a_fixed_number_of_queries(organiser_client, django_assert_max_num_queries):
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference)
    for _ in range(20):
        RegistrationFactory(invitation=InvitationFactory(conference=conference), dietary="Vegan").workshops.add(
            workshop
        )
    for table in ("invitations", "delegates", "needs", "workshops"):
        with django_assert_max_num_queries(8):
            organiser_client.get(f"/organiser/{conference.slug}/exports/{table}.csv")


# The admin.


def test_admin_invitation_list_and_search(organiser_client):
    invitation = InvitationFactory(contact_name="Oluwaseun Adeyemi")
    response = organiser_client.get("/admin/registration/invitation/?q=Adeyemi")
    assert response.status_code == 200
    assert "Oluwaseun Adeyemi" in response.content.decode()
    assert organiser_client.get(f"/admin/registration/invitation/{invitation.pk}/change/").status_code == 200
    assert organiser_client.get("/admin/registration/registration/").status_code == 200
    assert organiser_client.get("/admin/registration/outboxmessage/").status_code == 200


def test_admin_import_shows_errors_and_imports_nothing(organiser_client):
    conference = ConferenceFactory()
    data = b"organisation,organisation_kind,contact_name,email,category,seats\nA Ltd,company,Ann,bad,company,1\n"
    response = organiser_client.post(
        "/admin/registration/invitation/import/",
        {"conference": conference.pk, "file": SimpleUploadedFile("x.csv", data)},
    )
    assert response.status_code == 200
    assert "“bad” is not a valid e-mail address." in response.content.decode()
    assert not Invitation.objects.exists()
    good = data.replace(b"bad", b"ann@a.example")
    response = organiser_client.post(
        "/admin/registration/invitation/import/",
        {"conference": conference.pk, "file": SimpleUploadedFile("x.csv", good)},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "ann@a.example"


def test_admin_actions_send_remind_and_export(organiser_client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    draft = DraftInvitationFactory(conference=conference)
    opened = InvitationFactory(conference=conference, status="opened")
    changelist = "/admin/registration/invitation/"
    organiser_client.post(changelist, {"action": "send_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "sent"
    with django_capture_on_commit_callbacks(execute=True):  # the reminders are prepared after the action commits
        organiser_client.post(changelist, {"action": "remind_selected", "_selected_action": [draft.pk, opened.pk]})
    assert OutboxMessage.objects.filter(purpose="reminder").count() == 2
    response = organiser_client.post(changelist, {"action": "export_csv", "_selected_action": [opened.pk]})
    assert [r["email"] for r in read_csv(response)] == [opened.email]
    response = organiser_client.post(changelist, {"action": "export_xlsx", "_selected_action": [opened.pk]})
    assert [r["email"] for r in read_xlsx(response)] == [opened.email]


def test_admin_exports_the_selected_delegates(organiser_client):
    conference = ConferenceFactory()
    first, second = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(), delegate_data()]
    )
    changelist = "/admin/registration/registration/"
    page = organiser_client.get(changelist).content.decode()
    assert "Export the selected registrations (CSV)" in page
    response = organiser_client.post(changelist, {"action": "export_csv", "_selected_action": [second.pk]})
    assert [r["email"] for r in read_csv(response)] == [second.email]
    response = organiser_client.post(changelist, {"action": "export_xlsx", "_selected_action": [first.pk, second.pk]})
    assert sorted(r["email"] for r in read_xlsx(response)) == sorted([first.email, second.email])


def test_admin_cannot_move_a_delegate_to_another_invitation(organiser_client):
    conference = ConferenceFactory()
    (delegate,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    other = InvitationFactory(conference=ConferenceFactory())
    url = f"/admin/registration/registration/{delegate.pk}/change/"
    form = organiser_client.get(url).content.decode()
    assert 'name="invitation"' not in form and 'name="conference"' not in form
    data = {field: getattr(delegate, field) for field in ("first_name", "last_name", "email", "badge_name")}
    response = organiser_client.post(url, {**data, "invitation": other.pk, "conference": other.conference.pk})
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.invitation_id != other.pk and delegate.conference_id == conference.pk


def test_admin_cancel_action_promotes_waiting_list(organiser_client):
    conference = ConferenceFactory(capacity=1)
    (first,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    (second,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    organiser_client.post(
        "/admin/registration/registration/", {"action": "cancel_selected", "_selected_action": [first.pk]}
    )
    assert Registration.objects.get(pk=second.pk).status == "confirmed"
    assert Registration.objects.get(pk=first.pk).status == "cancelled"


def test_admin_refuses_to_delete_an_invitation_with_delegates(organiser_client):
    conference = ConferenceFactory(capacity=1)
    invitation = InvitationFactory(conference=conference)
    (named,) = services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    (waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    path = f"/admin/registration/invitation/{invitation.pk}/delete/"
    page = organiser_client.get(path).content.decode()
    assert "This invitation has delegates; cancel them instead of deleting it." in page
    response = organiser_client.post(path, {"post": "yes"})
    assert response.status_code == 200
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert Registration.objects.get(pk=named.pk).status == "confirmed"
    assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"


def test_admin_bulk_delete_refuses_invitations_with_delegates(organiser_client):
    conference = ConferenceFactory()
    with_delegates = InvitationFactory(conference=conference)
    services.accept_invitation(invitation=with_delegates, delegates=[delegate_data()])
    cancelled_only = InvitationFactory(conference=conference)
    (gone,) = services.accept_invitation(invitation=cancelled_only, delegates=[delegate_data()])
    services.cancel_registration(registration=gone)
    empty = InvitationFactory(conference=conference)
    changelist = "/admin/registration/invitation/"
    selected = {"action": "delete_selected", "_selected_action": [with_delegates.pk, cancelled_only.pk, empty.pk]}
    page = organiser_client.post(changelist, selected).content.decode()
    assert f"{with_delegates}: This invitation has delegates" in page
    organiser_client.post(changelist, {**selected, "post": "yes"})
    assert Invitation.objects.filter(conference=conference).count() == 3
    assert Registration.objects.filter(conference=conference).count() == 2

    organiser_client.post(changelist, {"action": "delete_selected", "_selected_action": [empty.pk], "post": "yes"})
    assert not Invitation.objects.filter(pk=empty.pk).exists()


def test_admin_deletes_an_invitation_without_delegates(organiser_client):
    invitation = InvitationFactory()
    response = organiser_client.post(f"/admin/registration/invitation/{invitation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def admin_invitation_form(invitation, **changes):
    data = {
        "conference": invitation.conference_id,
        "organisation": invitation.organisation_id,
        "contact_name": invitation.contact_name,
        "email": invitation.email,
        "category": invitation.category,
        "seats": invitation.seats,
    }
    return {**data, **changes}


def test_admin_seats_cannot_go_below_the_delegates_named(organiser_client):
    invitation = InvitationFactory(seats=3)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(), delegate_data()])
    path = f"/admin/registration/invitation/{invitation.pk}/change/"
    response = organiser_client.post(path, admin_invitation_form(invitation, seats=1))
    assert response.status_code == 200
    assert "2 delegates are already named on this invitation; cancel some first." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.seats == 3
    assert organiser_client.post(path, admin_invitation_form(invitation, seats=2)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.seats == 2


def test_admin_registration_form_has_the_rsvp_fields_rules(organiser_client):
    registration = RegistrationFactory()
    path = f"/admin/registration/registration/{registration.pk}/change/"
    page = organiser_client.get(path).content.decode()
    for label in ("First name", "Last name", "E-mail", "Badge name", "Job title", "Dietary needs"):
        assert f">{label}:</label>" in page
    data = {
        "conference": registration.conference_id,
        "invitation": registration.invitation_id,
        "first_name": "",
        "last_name": "Okafor",
        "email": "not-an-email",
        "badge_name": "x" * 101,
    }
    html = organiser_client.post(path, data).content.decode()
    assert "Give the delegate&#x27;s first name." in html
    assert "Give a valid e-mail address, such as name@example.org." in html
    assert "Keep this to 100 characters." in html
    registration.refresh_from_db()
    assert registration.last_name != "Okafor"
    data.update(first_name="Ngozi", email="ngozi@example.org", badge_name="Ngozi")
    assert organiser_client.post(path, data).status_code == 302
    registration.refresh_from_db()
    assert (registration.first_name, registration.last_name) == ("Ngozi", "Okafor")


def test_admin_retry_makes_failed_messages_due_and_hands_them_to_the_sender(
    organiser_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from registration import emails

    message = emails.invitation_email(InvitationFactory(), dispatch=False)
    OutboxMessage.objects.filter(pk=message.pk).update(state="failed", attempts=12, last_error="timed out")
    with django_capture_on_commit_callbacks() as callbacks:
        answer = organiser_client.post(
            "/admin/registration/outboxmessage/",
            {"action": "retry_now", "_selected_action": [message.pk]},
            follow=True,
        )
    assert "1 message(s) will be sent again in the background." in answer.content.decode()
    assert mail.outbox == [] and len(callbacks) == 1  # nothing sent inside the request
    message.refresh_from_db()
    assert message.state == "pending"
