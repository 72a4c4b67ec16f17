"""A conference as large as the organiser's pages must serve: 5,000 invitations and 20,000 delegates.

Written with ``bulk_create`` in a few transactions (seconds, not minutes), so
it can be run before every measurement. Idempotent: the conference of that
slug is deleted first (with its invitations and delegates).

    .venv/bin/python bench/seed.py                                 # SQLite under var/ (or DATABASE_URL)
    .venv/bin/python bench/seed.py --invitations 5000 --delegates 20000 --slug bench-organiser

The mix: of the invitations, 10 % drafts, 15 % sent, 15 % opened, 7 %
declined, 3 % expired and 50 % accepted; the delegates are named on the
accepted ones, 85 % confirmed, 10 % on the waiting list, 5 % cancelled; a
quarter of the confirmed have arrived. Categories, organisation kinds and
2,000 organisations spread over them.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CATEGORIES = ["company"] * 6 + ["partner"] * 2 + ["sponsor", "press", "vip", "speaker", "staff"]
KINDS = ["company", "company", "company", "partner", "sponsor", "public_body", "university", "support_agency"]


def django_setup():
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    django.setup()


def seed(*, slug="bench-organiser", invitations=5000, delegates=20000, organisations=2000):
    """Create the conference; returns it. Django must be set up and migrated."""
    from django.db import connection, transaction
    from django.utils import timezone

    from badges.models import CheckIn
    from conference.models import Conference, Organisation
    from registration.models import Invitation, Registration, new_token

    Conference.objects.filter(slug=slug).delete()
    now = timezone.now()
    starts_on = timezone.localdate() + dt.timedelta(days=60)
    with transaction.atomic():
        conference = Conference.objects.create(
            name="Benchmark Conference",
            slug=slug,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=1),
            capacity=int(delegates * 0.9),
            venue="The ICC Birmingham",
        )
        names = [f"Bench Organisation {n:05d} Ltd" for n in range(organisations)]
        Organisation.objects.bulk_create(
            [Organisation(name=name, kind=KINDS[n % len(KINDS)]) for n, name in enumerate(names)],
            batch_size=1000,
            ignore_conflicts=True,
        )
        orgs = list(Organisation.objects.filter(name__in=names).order_by("name"))
    status = Invitation.Status
    mix = [status.DRAFT] * 10 + [status.SENT] * 15 + [status.OPENED] * 15 + [status.DECLINED] * 7
    mix += [status.EXPIRED] * 3 + [status.ACCEPTED] * 50
    accepted = sum(1 for n in range(invitations) if mix[n % 100] == status.ACCEPTED)
    per_invitation = max(1, -(-delegates // max(accepted, 1)))
    with transaction.atomic():
        rows = []
        for n in range(invitations):
            state = mix[n % 100]
            rows.append(
                Invitation(
                    conference=conference,
                    organisation=orgs[n % len(orgs)],
                    contact_name=f"Contact {n:05d} Person",
                    email=f"contact{n:05d}@bench.example",
                    category=CATEGORIES[n % len(CATEGORIES)],
                    seats=per_invitation if state == status.ACCEPTED else 2,
                    token=new_token(),
                    status=state,
                    sent_at=None if state == status.DRAFT else now - dt.timedelta(days=20),
                    opened_at=now - dt.timedelta(days=10) if state not in (status.DRAFT, status.SENT) else None,
                    responded_at=now - dt.timedelta(days=n % 10)
                    if state in (status.ACCEPTED, status.DECLINED)
                    else None,
                )
            )
        Invitation.objects.bulk_create(rows, batch_size=1000)
    answered = list(
        Invitation.objects.filter(conference=conference, status=status.ACCEPTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reg = Registration.Status
    with transaction.atomic():
        rows = []
        for n in range(delegates):
            invitation_id = answered[n % len(answered)]
            state = reg.CANCELLED if n % 20 == 0 else reg.WAITLISTED if n % 10 == 1 else reg.CONFIRMED
            rows.append(
                Registration(
                    conference=conference,
                    invitation_id=invitation_id,
                    first_name=f"Delegate{n:05d}",
                    last_name=["Shah", "Okafor", "Nowak", "Jones", "Khan", "Smith"][n % 6],
                    email=f"delegate{n:05d}@bench.example",
                    job_title="Engineer",
                    consent_at=now,
                    status=state,
                    token=new_token(),
                    created_at=now - dt.timedelta(seconds=delegates - n),
                    confirmed_at=now if state == reg.CONFIRMED else None,
                    cancelled_at=now if state == reg.CANCELLED else None,
                )
            )
        Registration.objects.bulk_create(rows, batch_size=1000)
    confirmed = list(
        Registration.objects.filter(conference=conference, status=reg.CONFIRMED).values_list("pk", flat=True)[::4]
    )
    arrived = timezone.make_aware(dt.datetime.combine(starts_on, dt.time(8, 30)), conference.tz)
    with transaction.atomic():
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    conference=conference,
                    registration_id=pk,
                    gate="North door",
                    checked_in_at=arrived + dt.timedelta(seconds=n),
                    day=1,
                )
                for n, pk in enumerate(confirmed)
            ],
            batch_size=1000,
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum would do a minute later: the planner's statistics of the
        # tables just loaded (else it plans for a few rows), and the visibility map
        # that lets an index-only scan skip the table.
        with connection.cursor() as cursor:
            for model in (Organisation, Invitation, Registration, CheckIn):
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return conference


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slug", default="bench-organiser")
    parser.add_argument("--invitations", type=int, default=5000)
    parser.add_argument("--delegates", type=int, default=20000)
    args = parser.parse_args()
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    conference = seed(slug=args.slug, invitations=args.invitations, delegates=args.delegates)
    print(
        f"Seeded {conference.invitations.count()} invitations and {conference.registrations.count()} delegates"
        f" in {time.perf_counter() - started:.1f} s: /organiser/{conference.slug}/"
    )


if __name__ == "__main__":
    main()
