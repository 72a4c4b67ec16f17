"""Load the demo conference, idempotently.

Each part of the product adds its demo data through a function
``load(conference, stdout)`` in its own ``demo`` module, named in the
``DEMO_LOADERS`` setting (the composition root is the one place that knows
every app); this command runs them in that order inside one transaction, so
a failure leaves nothing half-loaded.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from conference.demo import core


class Command(BaseCommand):
    help = "Load the demo conference (organisations, invitations, delegates, agenda, badges, logins). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            conference, logins = core.load_base(self.stdout)
            for name in settings.DEMO_LOADERS:
                import_module(name).load(conference, self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo conference “{conference.name}” is ready: its agenda at /{conference.slug}/agenda/, "
                f"the organisers' workspace at /organiser/{conference.slug}/"
            )
        )
        for role, (username, password) in logins.items():
            self.stdout.write(f"  {role} login: {username} / {password}")
