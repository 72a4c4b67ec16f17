"""pretix's one-badge render in CPU time, or under callgrind: the peer figure beside ``badge_render.py``.

Run with the Python of a pretix installation whose event has the badges
plugin and seeded order positions (``PRETIX_ROOT`` holds its ``pretix.cfg``
and a ``fixture.json`` naming the event; default ``/tmp/pretix-peer``):

    $PRETIX_ROOT/venv/bin/python bench/pretix_badge.py cpu 100
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.pretix \\
        $PRETIX_ROOT/venv/bin/python bench/pretix_badge.py callgrind 10   # "Collected" / 10

It renders one order position's badge as pretix's own badge task does
(``render_pdf(event, positions, OPTIONS["one"], output)``), query included,
for ``n`` random positions after eight warm-up renders, and prints the median
and minimum CPU time (``time.process_time``), or counts instructions only
around the ``n`` renders.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from io import BytesIO

ROOT = os.environ.get("PRETIX_ROOT", "/tmp/pretix-peer")


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    os.environ["PRETIX_CONFIG_FILE"] = os.path.join(ROOT, "pretix.cfg")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pretix.settings"
    os.chdir(ROOT)
    import django

    django.setup()
    from django_scopes import scopes_disabled
    from pretix.base.models import Event, OrderPosition
    from pretix.plugins.badges.exporters import OPTIONS, render_pdf

    with open(os.path.join(ROOT, "fixture.json")) as fixture:
        event_id = json.load(fixture)["event_id"]
    with scopes_disabled():
        event = Event.objects.select_related("organizer").get(pk=event_id)
        positions = list(OrderPosition.objects.filter(order__event=event).values_list("pk", flat=True))
        sample = random.Random(7).sample(positions, n + 8)

        def one(pk):
            render_pdf(event, OrderPosition.objects.filter(id__in=[pk]), opt=OPTIONS["one"], output_file=BytesIO())

        for pk in sample[n:]:
            one(pk)
        if mode == "cpu":
            times = []
            for pk in sample[:n]:
                started = time.process_time()
                one(pk)
                times.append((time.process_time() - started) * 1000)
            print(f"pretix, one badge, CPU ms: median {statistics.median(times):.2f}, min {min(times):.2f} (n={n})")
            return
        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True, check=False)
        for pk in sample[:n]:
            one(pk)
        subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], capture_output=True, check=False)
        print(f"{n} pretix one-badge renders: divide valgrind's 'Collected' by {n}")


if __name__ == "__main__":
    main()
