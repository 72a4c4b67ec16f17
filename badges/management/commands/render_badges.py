"""python manage.py render_badges <slug> --layout a6|a4 --output file.pdf [--category ...] [--not-printed]"""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from registration.models import Category

from ...services import BadgeError, print_badges


class ProgressBar:
    """A one-line progress bar on a terminal; plain lines when the output is not a terminal."""

    def __init__(self, stream, width=30):
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.tty = getattr(stream, "isatty", lambda: False)()

    def __call__(self, done, total):
        filled = self.width * done // total if total else self.width
        elapsed = time.monotonic() - self.started
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} badges, {elapsed:.1f} s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Render every confirmed delegate's badge of a conference into one PDF, sorted by surname."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the conference's slug")
        parser.add_argument("--layout", choices=["a6", "a4"], default="a6", help="a6: one a page; a4: four a sheet")
        parser.add_argument("--output", "-o", required=True, help="the PDF file to write")
        parser.add_argument("--category", choices=Category.values, help="only this invitation category")
        parser.add_argument("--not-printed", action="store_true", help="only badges never printed before")
        parser.add_argument("--processes", type=int, default=None, help="rendering processes (default: 2)")

    def handle(self, *args, slug, layout, output, category, not_printed, processes, **options):
        conference = Conference.objects.filter(slug=slug).first()
        if conference is None:
            raise CommandError(f"No conference has the slug “{slug}”.")
        # The raw stream: OutputWrapper would end every write with a newline, breaking the bar's "\r".
        progress = ProgressBar(self.stderr._out)
        started = time.monotonic()
        try:
            with open(output, "wb") as out:
                count, pages = print_badges(
                    conference,
                    out,
                    layout=layout,
                    category=category,
                    not_printed=not_printed,
                    progress=progress,
                    processes=processes,
                )
        except BadgeError as exc:
            os.remove(output)
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {count} badge{'s' if count != 1 else ''} on {pages} page{'s' if pages != 1 else ''} "
                f"to {output} in {time.monotonic() - started:.1f} s."
            )
        )
