"""Anonymise the personal data of conferences past their retain_until (for cron; Celery beat runs it daily)."""

from django.core.management.base import BaseCommand

from registration import privacy


class Command(BaseCommand):
    help = (
        "Anonymise every invitation and registration of conferences past retain_until, and erase dietary and "
        "accessibility needs NEEDS_RETENTION_DAYS after a conference's end. Safe to run again."
    )

    def handle(self, *args, **options):
        done = privacy.apply_retention()
        self.stdout.write(
            f"{done['registrations']} registrations and {done['invitations']} invitations anonymised, "
            f"needs erased from {done['needs']} registrations, in {done['conferences']} conferences."
        )
