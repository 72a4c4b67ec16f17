"""Load the demo conference, idempotently.

Each part of the product adds its demo data through a function
``load(conference, stdout)`` in its own ``demo`` module; this command runs
them in order inside one transaction, so a failure leaves nothing half-loaded.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# The parts, in the order they build on each other.
DEMO_MODULES = [
    "conference.demo.core",
    "conference.demo.agenda",
    "registration.demo",
    "badges.demo",
]


class Command(BaseCommand):
    help = "Load the demo conference (organisations, invitations, delegates, agenda, badges, logins). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            from conference.demo import core

            conference, logins = core.load_base(self.stdout)
            for name in DEMO_MODULES[1:]:
                try:
                    module = import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.load(conference, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo conference “{conference.name}” is ready at /{conference.slug}/"))
        for role, (username, password) in logins.items():
            self.stdout.write(f"  {role} login: {username} / {password}")
