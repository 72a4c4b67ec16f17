"""The demo's networking: topics, delegates in the directory with interests and notes, meetings.

Loaded after the registration demo (``DEMO_LOADERS`` in settings), through
the services like any delegate's own choices. Idempotent: a conference that
has topics already is left as it is.
"""

from conference.plumbing.links import absolute_url

from ..models import Registration
from . import services

TOPICS = ["Cyber security", "Health tech", "Skills", "Funding bids", "Net zero", "AI and data"]
NOTES = [
    "Looking for a university partner for a KTP.",
    "We hire apprentices in software testing: happy to talk skills.",
    "Building a consortium for an Innovate UK bid on secure IoT.",
    "Interested in NHS pilots for remote monitoring.",
    "",
    "Looking for SMEs to trial our data platform.",
]
IN_DIRECTORY = 14


def load(conference, stdout):
    if services.topics_of(conference).exists():
        stdout.write("Kept the demo networking (topics, directory, meetings)")
        _print_link(conference, stdout)
        return
    topics = [services.save_topic(conference=conference, name=name) for name in TOPICS]
    delegates = list(
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED).order_by(
            "created_at", "pk"
        )[:IN_DIRECTORY]
    )
    for n, delegate in enumerate(delegates):
        services.set_opt_in(registration=delegate, opted_in=True)
        delegate.networking_note = NOTES[n % len(NOTES)]
        delegate.save(update_fields=["networking_note"])
        delegate.interests.set([topics[n % len(topics)], topics[(n + 3) % len(topics)]])
    slots = list(services.networking_slots(conference))
    meetings = 0
    if slots and len(delegates) >= 6:
        slot = max(slots, key=lambda s: s.ends_at - s.starts_at)  # the longest: the reception
        for asker, asked, accept in ((0, 1, True), (2, 3, True), (4, 5, False)):
            meeting = services.request_meeting(
                registration=delegates[asker],
                with_id=delegates[asked].pk,
                slot_id=slot.pk,
                message="Good to meet you at the reception?",
                share_contact=True,
            )
            if accept:
                services.accept_meeting(registration=delegates[asked], meeting_id=meeting.pk, share_contact=True)
            meetings += 1
    stdout.write(f"Networking: {len(topics)} topics, {len(delegates)} delegates in the directory, {meetings} meetings")
    _print_link(conference, stdout)


def _print_link(conference, stdout):
    first = (
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED, directory_opt_in=True)
        .order_by("created_at", "pk")
        .first()
    )
    if first:
        stdout.write(f"  People link ({first.full_name}): {absolute_url('my-people', first.token)}")
