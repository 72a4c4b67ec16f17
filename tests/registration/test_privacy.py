"""Privacy: retention, a delegate's data and its erasure, the audit log (registration.privacy)."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from badges import services as badge_services
from badges.checkin import services as checkin_services
from badges.models import CheckIn, Scan
from conference.models import Conference, default_retain_until
from registration import exports, privacy, services
from registration.models import AuditEntry, Invitation, OutboxMessage, Registration, RsvpAnswer
from registration.tasks import apply_retention as retention_task
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganisationFactory,
    OrganiserFactory,
    WorkshopFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db

PERSONAL = ["Ayşe", "Yılmaz", "ayse@example.org", "Chief Robot Officer", "Wheelchair user", "Coeliac", "Ravi Menon"]


@pytest.fixture
def delegates(django_capture_on_commit_callbacks):
    """A conference with two invitations, three delegates (one checked in, one with a scan), e-mails sent."""
    conference = ConferenceFactory(capacity=2, contact_email="events@example.org")
    workshop = WorkshopFactory(conference=conference, title="Cloud clinic", capacity=10)
    acme = InvitationFactory(
        conference=conference,
        organisation=OrganisationFactory(name="Acme Robotics"),
        contact_name="Ravi Menon",
        email="ravi@example.org",
        category="partner",
        seats=3,
    )
    other = InvitationFactory(conference=conference, organisation=OrganisationFactory(name="Brum Data"), seats=2)
    with django_capture_on_commit_callbacks(execute=True):  # the invitations' e-mails are prepared after the send
        services.send_invitations(conference=conference, ids=[acme.pk, other.pk], remind=False)
    acme.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        ayse, ravi = services.accept_invitation(
            invitation=acme,
            delegates=[
                delegate_data(
                    first_name="Ayşe",
                    last_name="Yılmaz",
                    email="ayse@example.org",
                    badge_name="Ayşe",
                    job_title="Chief Robot Officer",
                    dietary="Coeliac",
                    accessibility="Wheelchair user",
                    workshops=[workshop.pk],
                ),
                delegate_data(first_name="Ravi", last_name="Menon", email="ravi@example.org"),
            ],
        )
        (waiting,) = services.accept_invitation(
            invitation=other, delegates=[delegate_data(first_name="Wendy", last_name="Wait", email="w@example.org")]
        )
    assert waiting.status == Registration.Status.WAITLISTED
    ayse.starred.add(workshop)
    code = badge_services.current_badge(ayse).code
    checkin_services.scan_badge(conference=conference, code=code, gate="Main", nonce="n-1")
    return {
        "conference": conference,
        "workshop": workshop,
        "acme": acme,
        "other": other,
        "ayse": ayse,
        "ravi": ravi,
        "waiting": waiting,
        "code": code,
    }


def _personal_anywhere(conference):
    """Every personal string still stored for the conference: registrations, invitations, outbox, scans, exports."""
    texts = []
    for r in Registration.objects.filter(conference=conference):
        texts += [r.first_name, r.last_name, r.email, r.badge_name, r.job_title, r.dietary, r.accessibility]
    for i in Invitation.objects.filter(conference=conference):
        texts += [i.contact_name, i.email]
    for m in OutboxMessage.objects.filter(invitation__conference=conference):
        texts += [m.to, m.subject, m.body_text, m.body_html, json.dumps(m.attachments), m.last_error]
    texts += [json.dumps(s.response, ensure_ascii=False) for s in Scan.objects.filter(conference=conference)]
    answers = RsvpAnswer.objects.filter(invitation__conference=conference)
    texts += [json.dumps(a.body, ensure_ascii=False) for a in answers]
    for table in exports.TABLES:
        _title, _header, rows = exports.TABLES[table](conference)
        texts += [str(cell) for row in rows for cell in row]
    texts += [e.detail for e in AuditEntry.objects.filter(conference=conference)]
    blob = "\n".join(texts)
    return [word for word in PERSONAL if word in blob]


def _counts(conference):
    registrations = Registration.objects.filter(conference=conference)
    return {
        "by_organisation": sorted(registrations.values_list("invitation__organisation__name", flat=True)),
        "by_category": sorted(registrations.values_list("invitation__category", flat=True)),
        "by_status": sorted(registrations.values_list("status", flat=True)),
        "checked_in": registrations.with_checked_in_at().filter(checked_in_at__isnull=False).count(),
        "checkins": CheckIn.objects.filter(conference=conference).count(),
        "workshop": registrations.filter(workshops__isnull=False).count(),
        "invitations": sorted(Invitation.objects.filter(conference=conference).values_list("status", flat=True)),
    }


# retain_until


def test_retain_until_defaults_to_a_year_after_the_end():
    conference = ConferenceFactory(starts_on=dt.date(2027, 6, 9), ends_on=dt.date(2027, 6, 10))
    assert conference.retain_until == dt.date(2028, 6, 10)
    assert default_retain_until(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_retain_until_in_the_api_default_chosen_and_refused_before_the_end(organiser_api):
    body = {
        "name": "COG 2027",
        "slug": "cog-2027",
        "starts_on": "2027-06-09",
        "ends_on": "2027-06-10",
        "timezone": "Europe/London",
        "capacity": 100,
    }
    created = organiser_api.post("/api/conferences/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["retain_until"] == "2028-06-10"
    # Moving the end moves the default with it.
    moved = organiser_api.patch("/api/conferences/cog-2027/", {"ends_on": "2027-06-11"}, format="json")
    assert moved.json()["retain_until"] == "2028-06-11"
    chosen = organiser_api.patch("/api/conferences/cog-2027/", {"retain_until": "2027-12-31"}, format="json")
    assert chosen.json()["retain_until"] == "2027-12-31"
    refused = organiser_api.patch("/api/conferences/cog-2027/", {"retain_until": "2027-06-01"}, format="json")
    assert refused.status_code == 400
    assert "retain_until" in refused.json()
    assert Conference.objects.get(slug="cog-2027").retain_until == dt.date(2027, 12, 31)


def test_privacy_notice_reads_retain_until(client):
    conference = ConferenceFactory(starts_on=dt.date(2027, 6, 9), ends_on=dt.date(2027, 6, 10))
    Conference.objects.filter(pk=conference.pk).update(starts_on=dt.date(2099, 6, 9), ends_on=dt.date(2099, 6, 10))
    invitation = InvitationFactory(conference=conference)
    html = client.get(f"/rsvp/{invitation.token}/").content.decode()
    assert "erase them after 10 June 2028" in html
    assert "needs are erased 30 days after the conference" in html


# Retention


def test_retention_anonymises_everything_personal_and_keeps_the_counts(delegates):
    conference = delegates["conference"]
    before = _counts(conference)
    assert _personal_anywhere(conference) == PERSONAL  # the fixture holds every one of them, somewhere

    # The day of retain_until itself: only the needs (long past their 30 days) go.
    early = privacy.apply_retention(today=conference.retain_until)
    assert early == {"conferences": 1, "registrations": 0, "invitations": 0, "needs": 3}
    done = privacy.apply_retention(today=conference.retain_until + dt.timedelta(days=1))

    assert done == {"conferences": 1, "registrations": 3, "invitations": 2, "needs": 0}
    assert _personal_anywhere(conference) == []
    assert _counts(conference) == before
    assert not delegates["ayse"].starred.exists()
    scan = Scan.objects.get(conference=conference)
    assert scan.response == {"result": "admitted"}
    # The outbox keeps that messages were sent, not what they said or to whom.
    sent = OutboxMessage.objects.filter(invitation__conference=conference)
    assert sent.count() == 5 and set(sent.values_list("state", flat=True)) == {"sent"}
    assert set(sent.values_list("body_text", flat=True)) == {""}
    entry = AuditEntry.objects.filter(conference=conference, action="retention").first()
    assert entry.actor == "scheduled retention" and "3 registrations and 2 invitations" in entry.detail


def test_retention_is_idempotent_and_leaves_later_conferences_alone(delegates):
    conference = delegates["conference"]
    later = ConferenceFactory(starts_on=conference.starts_on + dt.timedelta(days=400))
    keep = InvitationFactory(conference=later, contact_name="Kept Person")
    after = conference.retain_until + dt.timedelta(days=1)
    privacy.apply_retention(today=after)
    snapshot = list(Registration.objects.values())
    again = privacy.apply_retention(today=after)
    assert again == {"conferences": 0, "registrations": 0, "invitations": 0, "needs": 0}
    assert list(Registration.objects.values()) == snapshot
    assert AuditEntry.objects.filter(action="retention").count() == 1  # the first run did it all
    keep.refresh_from_db()
    assert keep.contact_name == "Kept Person"


def test_anonymised_links_stop_working(client, delegates):
    conference = delegates["conference"]
    ayse_token, acme_token = delegates["ayse"].token, delegates["acme"].token
    privacy.apply_retention(today=conference.retain_until + dt.timedelta(days=1))
    assert client.get(f"/my/{ayse_token}/").status_code == 404
    assert client.get(f"/rsvp/{acme_token}/").status_code == 404
    assert client.get(f"/my/{ayse_token}/data.json").status_code == 404
    ayse = Registration.objects.get(pk=delegates["ayse"].pk)
    assert client.get(f"/my/{ayse.token}/").status_code == 404  # not even by its new token


def test_needs_go_sooner_than_the_rest(delegates, settings):
    from tests.factories import QuestionFactory

    conference = delegates["conference"]
    ayse = delegates["ayse"]
    diet = QuestionFactory(conference=conference, label="Diet", kind="choice", choices=["none", "halal"])
    Registration.objects.filter(pk=ayse.pk).update(answers={str(diet.pk): "halal"})
    privacy.apply_retention(today=conference.ends_on + dt.timedelta(days=30))
    ayse.refresh_from_db()
    assert ayse.accessibility == "Wheelchair user" and ayse.answers == {str(diet.pk): "halal"}

    done = privacy.apply_retention(today=conference.ends_on + dt.timedelta(days=31))
    assert done["needs"] == 3 and done["registrations"] == 0
    ayse.refresh_from_db()
    assert (ayse.dietary, ayse.accessibility, ayse.answers) == ("", "", {})
    assert ayse.first_name == "Ayşe"  # the rest stays until retain_until

    settings.NEEDS_RETENTION_DAYS = 3
    other = ConferenceFactory(starts_on=conference.starts_on, ends_on=conference.ends_on)
    needy = InvitationFactory(conference=other)
    (person,) = services.accept_invitation(invitation=needy, delegates=[delegate_data(dietary="Vegan")])
    assert privacy.apply_retention(today=other.ends_on + dt.timedelta(days=4))["needs"] == 1


def test_apply_retention_command_and_task(delegates, capsys):
    conference = delegates["conference"]
    Conference.objects.filter(pk=conference.pk).update(retain_until=dt.date.today() - dt.timedelta(days=1))
    call_command("apply_retention")
    assert "3 registrations and 2 invitations anonymised" in capsys.readouterr().out
    assert _personal_anywhere(conference) == []
    assert retention_task.delay().get() == {"conferences": 0, "registrations": 0, "invitations": 0, "needs": 0}


def test_retention_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "registration.apply_retention" in tasks


# A delegate's data


def test_data_json_holds_everything_about_the_delegate(client, delegates):
    ayse, ravi = delegates["ayse"], delegates["ravi"]
    response = client.get(reverse("my-data", args=[ayse.token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    assert data["registration"]["first_name"] == "Ayşe"
    assert data["registration"]["accessibility"] == "Wheelchair user"
    assert data["invitation"] == {
        "organisation": "Acme Robotics",
        "organisation_kind": "company",
        "category": "partner",
        "status": "accepted",
        "you_are_the_contact": False,
    }
    assert [w["title"] for w in data["workshops"]] == ["Cloud clinic"]
    assert [w["title"] for w in data["starred"]] == ["Cloud clinic"]
    assert data["badges"][0]["code"] == delegates["code"]
    assert [(c["gate"], c["day"]) for c in data["check_ins"]] == [("Main", 1)]
    assert [e["kind"] for e in data["emails"]] == ["confirmation"]
    assert "Ayşe" in data["emails"][0]["body"]
    # Ravi is the invitation's contact: the invitation's name, e-mail and its e-mails are his too.
    his = client.get(reverse("my-data", args=[ravi.token])).json()
    assert his["invitation"]["contact_name"] == "Ravi Menon" and his["invitation"]["email"] == "ravi@example.org"
    assert sorted(e["kind"] for e in his["emails"]) == ["confirmation", "invitation"]
    assert client.get("/my/not-a-real-token-at-all-0000000000000/data.json").status_code == 404


# Erasure


def test_delegate_erases_their_data_the_place_goes_on(client, delegates):
    ayse, waiting = delegates["ayse"], delegates["waiting"]
    page = client.get(reverse("my", args=[ayse.token])).content.decode()
    assert reverse("my-erase", args=[ayse.token]) in page and reverse("my-data", args=[ayse.token]) in page
    confirm = client.get(reverse("my-erase", args=[ayse.token]))
    assert "Yes, erase my data" in confirm.content.decode()
    assert Registration.objects.get(pk=ayse.pk).first_name == "Ayşe"  # asking is not erasing

    done = client.post(reverse("my-erase", args=[ayse.token]))
    assert done.status_code == 200 and "Your data is erased" in done.content.decode()
    ayse_now = Registration.objects.get(pk=ayse.pk)
    assert ayse_now.status == Registration.Status.CANCELLED and ayse_now.anonymised_at is not None
    assert (ayse_now.first_name, ayse_now.email, ayse_now.job_title, ayse_now.accessibility) == (
        "Anonymised",
        f"registration-{ayse.pk}@anonymised.invalid",
        "",
        "",
    )
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED  # the place went on
    assert Scan.objects.get().response == {"result": "admitted"}
    assert not OutboxMessage.objects.filter(body_text__contains="Ayşe").exists()
    assert not OutboxMessage.objects.filter(to="ayse@example.org").exists()
    assert CheckIn.objects.filter(registration=ayse).count() == 1  # the count of arrivals stays
    # The link is gone, a second POST too.
    not_found = client.get(reverse("my", args=[ayse.token]))
    assert not_found.status_code == 404 and "We cannot find this link" in not_found.content.decode()
    assert client.post(reverse("my-erase", args=[ayse.token])).status_code == 404
    entry = AuditEntry.objects.get(action="erase")
    assert (entry.actor, entry.user, entry.registration_id) == ("delegate themself", None, ayse.pk)
    assert "Ayşe" not in entry.detail
    # The contact's invitation link still works for the rest of the organisation.
    assert client.get(reverse("rsvp", args=[delegates["acme"].token])).status_code == 200


def test_erasing_the_contact_erases_the_invitations_name_and_messages(delegates):
    ravi, acme = delegates["ravi"], delegates["acme"]
    privacy.erase_registration(registration=ravi, user=OrganiserFactory())
    acme.refresh_from_db()
    assert acme.contact_name == "Anonymised contact" and acme.email == f"invitation-{acme.pk}@anonymised.invalid"
    assert not OutboxMessage.objects.filter(to="ravi@example.org").exists()
    assert not OutboxMessage.objects.filter(body_text__contains="Ravi").exists()
    assert Registration.objects.get(pk=delegates["ayse"].pk).first_name == "Ayşe"  # a colleague is untouched


def test_erasing_a_cancelled_delegate_only_anonymises_and_twice_is_no_change(delegates):
    ayse = delegates["ayse"]
    services.cancel_registration(registration=ayse)
    first = privacy.erase_registration(registration=ayse)
    second = privacy.erase_registration(registration=first)
    assert second.anonymised_at == first.anonymised_at
    assert AuditEntry.objects.filter(action="erase").count() == 1


def test_api_erase_by_an_organiser(organiser_api, organiser, delegates):
    conference, ayse = delegates["conference"], delegates["ayse"]
    url = f"/api/conferences/{conference.slug}/registrations/{ayse.pk}/erase/"
    response = organiser_api.post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["first_name"] == "Anonymised" and body["accessibility"] == ""
    assert organiser_api.post(url).status_code == 200
    entry = AuditEntry.objects.get(action="erase")
    assert entry.user == organiser and entry.actor == organiser.username


def test_api_erase_is_for_organisers_only(door_api, anon_api, delegates):
    conference, ayse = delegates["conference"], delegates["ayse"]
    url = f"/api/conferences/{conference.slug}/registrations/{ayse.pk}/erase/"
    assert door_api.post(url).status_code == 403
    assert anon_api.post(url).status_code in (401, 403)
    assert Registration.objects.get(pk=ayse.pk).anonymised_at is None


def test_organiser_erase_action_on_the_delegates_page(client, organiser, delegates):
    conference, ayse = delegates["conference"], delegates["ayse"]
    client.force_login(organiser)
    url = reverse("organiser-delegate-action", args=[conference.slug, ayse.pk, "erase"])
    listing = client.get(reverse("organiser-delegates", args=[conference.slug])).content.decode()
    assert url in listing
    assert "Erase Ayşe Yılmaz&#x27;s data?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "Ayşe Yılmaz&#x27;s data is erased." in response.content.decode()
    assert Registration.objects.get(pk=ayse.pk).anonymised_at is not None
    assert AuditEntry.objects.get(action="erase").user == organiser


# The audit log


def test_exports_are_audited_and_the_log_is_readable_by_organisers(client, organiser, organiser_api, delegates):
    conference = delegates["conference"]
    client.force_login(organiser)
    assert client.get(reverse("organiser-export", args=[conference.slug, "delegates", "csv"])).status_code == 200
    privacy.erase_registration(registration=delegates["ayse"], user=organiser)
    privacy.apply_retention(today=conference.retain_until + dt.timedelta(days=1))

    page = client.get(reverse("organiser-audit", args=[conference.slug]))
    html = page.content.decode()
    assert page.status_code == 200 and "3 entries" in html
    assert "delegates.csv" in html and "Retention run" in html and organiser.username in html

    api = organiser_api.get(f"/api/conferences/{conference.slug}/audit/").json()
    assert [e["action"] for e in api["results"]] == ["retention", "erase", "export"]
    assert api["results"][2]["user"] == organiser.username and api["results"][2]["detail"] == "delegates.csv"
    assert organiser_api.post(f"/api/conferences/{conference.slug}/audit/", {}).status_code == 405
    filtered = organiser_api.get(f"/api/conferences/{conference.slug}/audit/?action=erase").json()
    assert filtered["count"] == 1


def test_audit_log_is_for_organisers_only(client, door_staff, door_api, conference):
    assert door_api.get(f"/api/conferences/{conference.slug}/audit/").status_code == 403
    client.force_login(door_staff)
    assert client.get(reverse("organiser-audit", args=[conference.slug])).status_code in (302, 403)


def test_admin_export_is_audited(client, delegates):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-correct-horse")
    client.force_login(admin)
    response = client.post(
        "/admin/registration/registration/",
        {"action": "export_csv", "_selected_action": [delegates["ayse"].pk, delegates["ravi"].pk]},
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert entry.user == admin and entry.detail == "delegates (admin).csv, 2 rows"


def test_retention_deletes_printed_badge_files(delegates, settings, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from badges.models import BadgePrintJob

    settings.MEDIA_ROOT = tmp_path
    conference = delegates["conference"]
    job = BadgePrintJob.objects.create(conference=conference, status="done", total=2, done=2, pages=2)
    job.file.save("badges.pdf", ContentFile(b"%PDF-1.7 Ay\xc5\x9fe Y\xc4\xb1lmaz"))
    path = tmp_path / job.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.apply_retention(today=conference.retain_until)
    assert path.exists()  # needs only: the badges stay until retain_until
    with django_capture_on_commit_callbacks(execute=True):
        privacy.apply_retention(today=conference.retain_until + dt.timedelta(days=1))
    job.refresh_from_db()
    assert not path.exists() and job.file.name == "" and job.total == 2


def test_answers_to_questions_are_in_data_json_and_erased_with_the_rest(client, delegates):
    from tests.factories import QuestionFactory

    ayse = delegates["ayse"]
    diet = QuestionFactory(conference=ayse.conference, label="Diet", kind="choice", choices=["none", "halal"])
    Registration.objects.filter(pk=ayse.pk).update(answers={str(diet.pk): "halal"})
    data = client.get(reverse("my-data", args=[ayse.token])).json()
    assert data["registration"]["answers"] == {"Diet": "halal"}
    privacy.erase_registration(registration=ayse, by_delegate=True)
    assert Registration.objects.get(pk=ayse.pk).answers == {}
