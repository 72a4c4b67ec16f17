"""Badge pages: the delegate's own badge, and the organiser's background print job with its download."""

import re

import pytest
from django.core.management import call_command

from badges import services
from badges.models import Badge, BadgePrintJob
from registration.models import Registration
from tests.badges.pdfcheck import page_count, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_delegate_downloads_own_badge_with_the_current_code(client):
    registration = RegistrationFactory()
    response = client.get(f"/my/{registration.token}/badge.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert qr_codes(response.content)[0][0] == services.current_badge(registration).code
    # Downloading is not printing by the organisers.
    assert services.current_badge(registration).printed_at is None


def test_delegate_badge_after_reissue_has_the_new_code(client):
    registration = RegistrationFactory()
    services.current_badge(registration)
    new = services.reissue_badge(registration)
    assert qr_codes(client.get(f"/my/{registration.token}/badge.pdf").content)[0][0] == new.code


def test_unknown_token_gets_a_friendly_404(client):
    response = client.get("/my/not-a-real-token/badge.pdf")
    assert response.status_code == 404
    assert "This link does not lead to a registration" in response.content.decode()


def test_waitlisted_delegate_gets_a_friendly_404(client):
    registration = RegistrationFactory(status=Registration.Status.WAITLISTED)
    response = client.get(f"/my/{registration.token}/badge.pdf")
    assert response.status_code == 404
    assert "waiting list" in response.content.decode()
    assert not Badge.objects.filter(registration=registration).exists()


def test_cancelled_delegate_gets_a_friendly_404(client):
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)
    response = client.get(f"/my/{registration.token}/badge.pdf")
    assert response.status_code == 404
    assert "cancelled" in response.content.decode()


# --- organiser print job ------------------------------------------------------


def make_delegates(conference, count, category="company"):
    invitation = InvitationFactory(conference=conference, category=category, seats=count)
    return [RegistrationFactory(invitation=invitation, last_name=f"Surname{i:03d}") for i in range(count)]


def test_print_page_is_for_organisers_only(client, door_staff):
    conference = ConferenceFactory()
    url = f"/organiser/{conference.slug}/badges/"
    assert client.get(url).status_code == 302
    client.force_login(door_staff)
    assert client.get(url).status_code == 403


def test_print_page_has_labelled_fields(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    body = client.get(f"/organiser/{conference.slug}/badges/").content.decode()
    assert '<label for="id_layout">Layout</label>' in body
    assert '<label for="id_category">Category</label>' in body
    assert re.search(r'<label class="check" for="id_not_printed">.*Only badges not yet printed</label>', body)
    assert "Print badges</button>" in body


def test_print_job_renders_in_the_background_and_offers_the_download(
    client, organiser, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    delegates = make_delegates(conference, 6)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organiser/{conference.slug}/badges/", {"layout": "a4", "category": ""})
    job = BadgePrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/organiser/{conference.slug}/badges/jobs/{job.pk}/"
    assert (job.status, job.total, job.done, job.pages, job.created_by) == ("done", 6, 6, 4, organiser)
    page = client.get(response["Location"]).content.decode()
    assert "Done: 6 badges on 4 pages" in page
    assert "Download the badges (PDF)" in page
    assert "print-job.js" not in page  # a finished job's page no longer updates itself
    download = client.get(f"/organiser/{conference.slug}/badges/jobs/{job.pk}/badges.pdf")
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert page_count(pdf) == 4
    assert {code for page in range(4) for code, _ in qr_codes(pdf, page)} == {
        services.current_badge(r).code for r in delegates
    }
    assert not Badge.objects.filter(registration__conference=conference, printed_at__isnull=True).exists()


def test_print_job_uses_the_process_pool_for_several_batches():
    conference = ConferenceFactory()
    make_delegates(conference, 10)
    job = BadgePrintJob.objects.create(conference=conference, layout="a6")
    services.run_print_job(job, processes=2, batch_size=4)
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.pages) == ("done", 10, 10, 20)
    with job.file.open("rb") as f:
        pdf = f.read()
    assert page_count(pdf) == 20
    expected = [b.code for b in services.badges_to_print(conference) for _side in (0, 1)]
    assert [qr_codes(pdf, page)[0][0] for page in range(20)] == expected


def test_print_job_of_only_unprinted_badges_fails_clearly_when_none_are_left(
    client, organiser, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    make_delegates(conference, 2)
    services.mark_printed(services.badges_to_print(conference))
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organiser/{conference.slug}/badges/", {"layout": "a6", "not_printed": "on"})
    job = BadgePrintJob.objects.get()
    assert job.status == "failed"
    page = client.get(response["Location"]).content.decode()
    assert "No confirmed delegate&#x27;s badge matches these filters." in page
    assert client.get(f"/organiser/{conference.slug}/badges/jobs/{job.pk}/badges.pdf").status_code == 404


def test_print_form_refuses_an_unknown_layout(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    response = client.post(f"/organiser/{conference.slug}/badges/", {"layout": "a3"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not BadgePrintJob.objects.exists()


def test_unfinished_job_page_refreshes_itself(client, organiser):
    conference = ConferenceFactory()
    job = BadgePrintJob.objects.create(conference=conference, total=10, done=4)
    client.force_login(organiser)
    page = client.get(f"/organiser/{conference.slug}/badges/jobs/{job.pk}/").content.decode()
    assert 'data-finished="false"' in page and "js/badges/print-job.js" in page  # it updates itself
    assert "4 of 10 badges" in page
    assert 'value="40"' in page


def test_job_pages_are_for_organisers_only(client, door_staff):
    conference = ConferenceFactory()
    job = BadgePrintJob.objects.create(conference=conference)
    assert client.get(f"/organiser/{conference.slug}/badges/jobs/{job.pk}/").status_code == 302
    client.force_login(door_staff)
    assert client.get(f"/organiser/{conference.slug}/badges/jobs/{job.pk}/").status_code == 403
    assert client.get(f"/organiser/{conference.slug}/badges/jobs/{job.pk}/badges.pdf").status_code == 403


def test_job_addresses_of_earlier_releases_redirect(client, organiser):
    conference = ConferenceFactory()
    job = BadgePrintJob.objects.create(conference=conference)
    client.force_login(organiser)
    response = client.get(f"/organiser/badges/jobs/{job.pk}/")
    assert response.status_code == 301 and response["Location"] == f"/organiser/{conference.slug}/badges/jobs/{job.pk}/"
    response = client.get(f"/organiser/badges/jobs/{job.pk}/badges.pdf")
    assert response["Location"] == f"/organiser/{conference.slug}/badges/jobs/{job.pk}/badges.pdf"
    other = ConferenceFactory()
    assert client.get(f"/organiser/{other.slug}/badges/jobs/{job.pk}/").status_code == 404


# --- the management command ----------------------------------------------------


def test_render_badges_command_writes_the_pdf_with_progress(tmp_path, capsys):
    conference = ConferenceFactory()
    make_delegates(conference, 5, category="speaker")
    make_delegates(conference, 2, category="press")
    output = tmp_path / "badges.pdf"
    call_command("render_badges", conference.slug, "--layout", "a4", "--output", str(output))
    captured = capsys.readouterr()
    assert "Wrote 7 badges on 4 pages" in captured.out  # two sheets of fronts, each with its sheet of backs
    assert "7/7 badges" in captured.err
    assert page_count(output.read_bytes()) == 4


def test_render_badges_command_filters(tmp_path):
    conference = ConferenceFactory()
    make_delegates(conference, 3, category="speaker")
    make_delegates(conference, 2, category="press")
    output = tmp_path / "press.pdf"
    call_command("render_badges", conference.slug, "--output", str(output), "--category", "press")
    assert page_count(output.read_bytes()) == 4
    make_delegates(conference, 1, category="press")
    call_command("render_badges", conference.slug, "--output", str(output), "--not-printed", "--category", "press")
    assert page_count(output.read_bytes()) == 2


def test_render_badges_command_errors_are_clear(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No conference has the slug"):
        call_command("render_badges", "nope", "--output", str(tmp_path / "x.pdf"))
    conference = ConferenceFactory()
    with pytest.raises(CommandError, match="No confirmed delegate"):
        call_command("render_badges", conference.slug, "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


# --- the demo ---------------------------------------------------------------


def test_demo_gives_every_confirmed_delegate_one_badge_idempotently():
    from conference.models import Conference

    call_command("demo")
    conference = Conference.objects.get(slug="cog-2027")
    make_delegates(conference, 3)
    RegistrationFactory(invitation__conference=conference, first_name="王", last_name="小明")
    RegistrationFactory(invitation__conference=conference, status=Registration.Status.WAITLISTED)
    call_command("demo")
    confirmed = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    counts = Badge.objects.count(), Badge.objects.filter(revoked_at__isnull=True).count()
    assert counts[1] == confirmed.count()
    assert counts[0] == counts[1] + 1  # the demo shows one reissued badge
    call_command("demo")
    assert (Badge.objects.count(), Badge.objects.filter(revoked_at__isnull=True).count()) == counts
