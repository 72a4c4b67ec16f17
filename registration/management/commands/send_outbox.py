"""Send every due message of the e-mail outbox (for cron, or by hand after a mail-server outage)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from registration import batches, services
from registration.models import OutboxMessage
from registration.outbox import sending


class Command(BaseCommand):
    help = "Send the due e-mails of the outbox; --now ignores the back-off and retries every unsent message."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="retry every pending message now, ignoring back-off")
        parser.add_argument("--failed", action="store_true", help="also retry messages that gave up (state failed)")

    def handle(self, *args, now=False, failed=False, **options):
        services.expire_invitations()
        # Sends whose e-mails are not all written yet (with --now every one, even one a worker may hold):
        # written now and sent by this command.
        batches.finish_left_over(everything=now, hand=sending.send_new)
        if failed:
            OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).update(
                state=OutboxMessage.State.PENDING, next_attempt_at=timezone.now()
            )
        sent, not_sent = sending.send_due(limit=1_000_000, ignore_backoff=now)
        waiting = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).count()
        self.stdout.write(f"Sent {sent}; {not_sent} failed this time; {waiting} not sent yet.")
