"""The rules of networking: the directory, meetings, tables, the daily limit, contacts."""

import datetime as dt

import pytest
from django.utils import timezone

from conference.models import Session
from registration.models import Meeting, OutboxMessage, Registration
from registration.networking import services
from tests.factories import RegistrationFactory, SessionFactory, at, published_agenda

from .conftest import listed

pytestmark = pytest.mark.django_db


def test_directory_lists_opted_in_confirmed_delegates_of_the_conference_without_emails(conference, ada, bob):
    RegistrationFactory(invitation__conference=conference)  # did not opt in
    listed(conference, status=Registration.Status.WAITLISTED)
    listed(conference, status=Registration.Status.CANCELLED)
    other_conference = RegistrationFactory(directory_opt_in=True)

    rows = services.directory(registration=ada)

    assert [r["name"] for r in rows] == ["Bob Stone"]
    assert rows[0]["interests"] == ["Cyber security", "Funding bids"]
    assert not any("@" in str(value) for row in rows for value in row.values())
    assert other_conference.pk not in {r["id"] for r in rows}


def test_directory_refuses_a_delegate_who_did_not_opt_in(conference, ada):
    outsider = RegistrationFactory(invitation__conference=conference)
    with pytest.raises(services.NotInDirectory) as refused:
        services.directory(registration=outsider)
    assert refused.value.code == "not_in_directory"
    assert refused.value.status_code == 403
    waiting = listed(conference, status=Registration.Status.WAITLISTED)
    with pytest.raises(services.NotInDirectory):
        services.directory(registration=waiting)


def test_directory_search_ignores_case_and_accents(conference, ada, bob):
    assert [r["name"] for r in services.directory(registration=bob, q="lukasiewicz")] == ["Ada Łukasiewicz"]
    assert [r["name"] for r in services.directory(registration=bob, q="KTP company")] == ["Ada Łukasiewicz"]
    assert list(services.directory(registration=bob, q="ktp nobody")) == []


def test_directory_filters_by_interest_and_organisation_kind(conference, topics, ada, bob):
    carol = listed(conference, first_name="Carol", last_name="King", interests=[topics["Skills"]])
    assert [r["name"] for r in services.directory(registration=carol, interest=topics["Funding bids"].pk)] == [
        "Ada Łukasiewicz",
        "Bob Stone",
    ]
    assert [r["name"] for r in services.directory(registration=carol, interest="cyber security")] == ["Bob Stone"]
    assert list(services.directory(registration=carol, interest="no such topic")) == []
    assert [r["name"] for r in services.directory(registration=carol, kind="university")] == ["Ada Łukasiewicz"]


def test_directory_takes_a_fixed_number_of_queries(conference, topics, ada, django_assert_max_num_queries):
    for n in range(30):
        listed(conference, first_name=f"P{n}", interests=[topics["Skills"], topics["Health tech"]])
    with django_assert_max_num_queries(4):
        rows = services.directory(registration=ada)
    assert len(rows) == 30


def test_organisations_coming_counts_the_directorys_delegates(conference, ada, bob):
    RegistrationFactory(invitation__conference=conference)
    coming = services.organisations_coming(conference)
    assert [(g["kind"], g["organisations"], g["delegates"]) for g in coming] == [
        ("company", [bob.organisation.name], 1),
        ("university", [ada.organisation.name], 1),
    ]


def test_networking_off_closes_the_directory(conference, ada):
    services.set_networking(conference=conference, enabled=False)
    with pytest.raises(services.NetworkingOff):
        services.directory(registration=ada)


# Meetings.


def test_request_then_accept_gives_a_table_and_emails_both(conference, slot, ada, bob):
    meeting = services.request_meeting(
        registration=ada, with_id=bob.pk, slot_id=slot.pk, message="Shall we talk funding?", share_contact=True
    )
    assert meeting.status == "requested"
    asked = OutboxMessage.objects.get(purpose="meeting_requested")
    assert asked.to == bob.email
    assert "Ada Łukasiewicz" in asked.subject
    assert f"/my/{bob.token}/meetings/{meeting.pk}/accept/" in asked.body_text
    assert f"/my/{bob.token}/meetings/{meeting.pk}/decline/" in asked.body_text
    assert ada.email not in asked.body_text

    accepted = services.accept_meeting(registration=bob, meeting_id=meeting.pk, share_contact=True)
    assert (accepted.status, accepted.table) == ("accepted", "Table 1")
    told = OutboxMessage.objects.get(purpose="meeting_accepted")
    assert told.to == ada.email
    assert "Table 1" in told.body_text


def test_only_the_one_asked_answers(conference, slot, ada, bob):
    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    with pytest.raises(services.NotYourAnswer):
        services.accept_meeting(registration=ada, meeting_id=meeting.pk)
    outsider = listed(conference)
    with pytest.raises(services.MeetingNotFound):
        services.accept_meeting(registration=outsider, meeting_id=meeting.pk)
    services.decline_meeting(registration=bob, meeting_id=meeting.pk)
    with pytest.raises(services.MeetingClosed):
        services.accept_meeting(registration=bob, meeting_id=meeting.pk)


def test_a_delegate_is_never_in_two_accepted_meetings_of_a_slot(conference, slot, ada, bob):
    carol = listed(conference, first_name="Carol")
    first = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    second = services.request_meeting(registration=carol, with_id=bob.pk, slot_id=slot.pk)
    services.accept_meeting(registration=bob, meeting_id=first.pk)
    # The other open request of Bob in this slot was declined with it.
    assert Meeting.objects.get(pk=second.pk).status == "declined"
    with pytest.raises(services.SlotTaken) as taken:
        services.request_meeting(registration=carol, with_id=bob.pk, slot_id=slot.pk)
    assert (taken.value.code, taken.value.status_code) == ("slot_taken", 409)
    with pytest.raises(services.SlotTaken):
        services.request_meeting(registration=ada, with_id=carol.pk, slot_id=slot.pk)


def test_the_requester_must_be_in_the_directory_and_the_other_too(conference, slot, ada, bob):
    outsider = RegistrationFactory(invitation__conference=conference)
    with pytest.raises(services.NotInDirectory):
        services.request_meeting(registration=outsider, with_id=bob.pk, slot_id=slot.pk)
    with pytest.raises(services.UnknownDelegate):
        services.request_meeting(registration=ada, with_id=outsider.pk, slot_id=slot.pk)
    with pytest.raises(services.UnknownDelegate):
        services.request_meeting(registration=ada, with_id=ada.pk, slot_id=slot.pk)
    assert not Meeting.objects.exists()


def test_a_slot_must_be_a_published_live_networking_session(conference, slot, ada, bob):
    talk = SessionFactory(conference=conference, title="A talk", starts_at=at(conference, 15))
    draft = SessionFactory(conference=conference, kind=Session.Kind.NETWORKING, starts_at=at(conference, 16))
    for slot_id in (talk.pk, draft.pk, 999999, "x", None):
        with pytest.raises(services.NotANetworkingSlot) as refused:
            services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot_id)
        assert (refused.value.code, refused.value.status_code) == ("not_a_networking_slot", 400)
    published_agenda(conference)
    later = timezone.now() + dt.timedelta(days=400)
    with pytest.raises(services.NotANetworkingSlot):
        services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk, now=later)


def test_more_than_twenty_requests_a_day_are_refused(conference, slot, ada):
    others = [listed(conference) for _ in range(21)]
    now = timezone.now()
    for other in others[:20]:
        services.request_meeting(registration=ada, with_id=other.pk, slot_id=slot.pk, now=now)
    with pytest.raises(services.TooManyRequests) as refused:
        services.request_meeting(registration=ada, with_id=others[20].pk, slot_id=slot.pk, now=now)
    assert (refused.value.code, refused.value.status_code) == ("too_many_requests", 429)
    # A day later, the limit starts again.
    services.request_meeting(
        registration=ada, with_id=others[20].pk, slot_id=slot.pk, now=now + dt.timedelta(days=1, seconds=1)
    )


def test_tables_are_given_in_order_and_run_out(conference, slot, ada, bob):
    services.set_tables(session=slot, names=services.parse_tables("Oak, Ash"))
    pairs = [(listed(conference), listed(conference)) for _ in range(3)]
    tables = []
    for asker, asked in pairs[:2]:
        meeting = services.request_meeting(registration=asker, with_id=asked.pk, slot_id=slot.pk)
        tables.append(services.accept_meeting(registration=asked, meeting_id=meeting.pk).table)
    assert tables == ["Oak", "Ash"]
    asker, asked = pairs[2]
    meeting = services.request_meeting(registration=asker, with_id=asked.pk, slot_id=slot.pk)
    with pytest.raises(services.NoTableFree):
        services.accept_meeting(registration=asked, meeting_id=meeting.pk)
    # A table in use cannot be removed.
    with pytest.raises(services.ServiceError) as in_use:
        services.set_tables(session=slot, names=["Oak"])
    assert in_use.value.code == "table_in_use"
    assert services.tables_of(Session.objects.get(pk=slot.pk)) == ["Oak", "Ash"]


def test_parse_tables_takes_a_number_or_names():
    assert services.parse_tables("3") == ["Table 1", "Table 2", "Table 3"]
    assert services.parse_tables("Oak,\nAsh, oak, ") == ["Oak", "Ash"]
    assert services.parse_tables("") == []
    with pytest.raises(services.ServiceError):
        services.parse_tables("0")


def test_cancel_by_either_frees_the_table_and_tells_the_other(conference, slot, ada, bob):
    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    services.accept_meeting(registration=bob, meeting_id=meeting.pk)
    cancelled = services.cancel_meeting(registration=bob, meeting_id=meeting.pk)
    assert (cancelled.status, cancelled.table, cancelled.cancelled_by_id) == ("cancelled", "", bob.pk)
    assert OutboxMessage.objects.get(purpose="meeting_cancelled").to == ada.email
    with pytest.raises(services.MeetingClosed):
        services.cancel_meeting(registration=ada, meeting_id=meeting.pk)
    # Both are free again in the slot.
    again = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    assert services.accept_meeting(registration=bob, meeting_id=again.pk).table == "Table 1"


def test_contacts_need_both_sides_consent(conference, slot, ada, bob):
    carol = listed(conference, first_name="Carol")
    shared = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk, share_contact=True)
    services.accept_meeting(registration=bob, meeting_id=shared.pk, share_contact=True)
    later = SessionFactory(conference=conference, kind=Session.Kind.NETWORKING, room=None, starts_at=at(conference, 16))
    published_agenda(conference)
    one_sided = services.request_meeting(registration=ada, with_id=carol.pk, slot_id=later.pk, share_contact=True)
    services.accept_meeting(registration=carol, meeting_id=one_sided.pk, share_contact=False)

    assert services.contacts(ada) == [bob]
    assert services.contacts(bob) == [ada]
    assert services.contacts(carol) == []


def test_accepted_meetings_are_in_both_agendas(conference, slot, ada, bob):
    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    assert services.accepted_meetings(ada) == []
    services.accept_meeting(registration=bob, meeting_id=meeting.pk)
    assert [m.pk for m in services.accepted_meetings(ada)] == [meeting.pk]
    assert [m.pk for m in services.accepted_meetings(bob)] == [meeting.pk]


def test_topics_are_unique_in_any_case(conference, topics):
    with pytest.raises(services.ServiceError) as exists:
        services.save_topic(conference=conference, name="  cyber   SECURITY ")
    assert exists.value.code == "topic_exists"
    topic = services.save_topic(conference=conference, name="Net zero")
    assert (topic.name, topic.position) == ("Net zero", 4)
    with pytest.raises(services.ServiceError):
        services.save_topic(conference=conference, name="Bad\u202ename")


def test_figures_count_opted_in_requests_and_accepted(conference, slot, ada, bob):
    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    services.accept_meeting(registration=bob, meeting_id=meeting.pk)
    carol, dave = listed(conference), listed(conference)
    services.request_meeting(registration=carol, with_id=dave.pk, slot_id=slot.pk)
    assert services.figures(conference) == {"opted_in": 4, "requests": 2, "accepted": 1}


def test_a_meeting_leaves_the_agenda_when_the_other_cancels_their_registration(conference, slot, ada, bob):
    from registration import services as registration_services

    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    services.accept_meeting(registration=bob, meeting_id=meeting.pk)
    registration_services.cancel_registration(registration=bob)
    assert services.accepted_meetings(ada) == []
