"""CPU time of rendering badges in-process (``badges.rendering.render_document``), run by hand.

    .venv/bin/python bench/badge_render.py                   # this tree
    .venv/bin/python bench/badge_render.py --tree /tmp/base  # another checkout (e.g. `git archive` of a commit)
    .venv/bin/python bench/badge_render.py --profile single  # pyinstrument of 100 one-badge documents
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \
        .venv/bin/python bench/badge_render.py --callgrind single --n 10  # instructions: "Collected" / 10
                                                # (--batch: one document of --n badges)

What it measures, in CPU time (``time.process_time``: other people's load on
a shared machine does not count, only what this process does), for the
default design single-sided and double-sided:

  - one badge a document: ``--n`` distinct delegates (Latin names, as the
    issue's figures), each rendered once, after one warm-up render (the
    stylesheet is parsed and the fonts looked up once a process);
  - a batch of 100 badges in one document, per badge (``--batches`` runs).

No database: the delegates are unsaved model objects (as the design page's
preview samples are), so only the renderer is timed. ``--tree`` imports
``badges.rendering`` from another checkout, so a commit before a change can
be measured in the same sitting, interleaved with ``--rounds``.

On a machine shared with other work, CPU time still varies with the load
(caches, hyperthreads); ``--callgrind`` counts instructions instead, which
repeat to a fraction of a percent whatever the load: run under valgrind with
instrumentation off at the start, it switches it on (``callgrind_control``)
only around ``--n`` one-badge documents after eight warm-up renders, so
valgrind's "Collected" divided by ``--n`` is the instructions a badge.
"""

import argparse
import base64
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Olivia", "Amelia", "Isla", "Zoë", "Noah", "Oliver", "George", "Siân", "Björn", "François", "Łucja", "Niamh"]
LAST = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Brontë-Ångström", "O'Sullivan", "Hughes"]
JOBS = ["Engineer", "Head of Partnerships", "Chief Executive", "Lecturer in Computer Science", ""]
ORGS = ["Aston University", "University of Birmingham", "Gravity Digital Ltd", "Solihull Cyber Labs"]
CATEGORIES = ["partner", "company", "speaker", "sponsor", "press", "vip", "staff"]


def setup(tree):
    """Import Django from ``tree`` with a throw-away VAR_DIR (nothing is written to the database)."""
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-render-"))
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django

    django.setup()


def items(n):
    """``n`` badges' data, distinct delegates with Latin names and distinct codes."""
    import datetime

    from badges import rendering
    from badges.models import Badge
    from conference.models import Conference, Organisation
    from registration.models import Invitation, Registration

    conference = Conference(
        name="COG Annual Conference 2027",
        starts_on=datetime.date(2027, 10, 14),
        ends_on=datetime.date(2027, 10, 15),
        venue="The ICC Birmingham",
    )
    result = []
    for i in range(n):
        invitation = Invitation(
            conference=conference,
            organisation=Organisation(name=ORGS[i % len(ORGS)]),
            category=CATEGORIES[i % len(CATEGORIES)],
            seats=1,
        )
        registration = Registration(
            conference=conference,
            invitation=invitation,
            first_name=FIRST[i % len(FIRST)],
            last_name=LAST[i % len(LAST)],
            badge_name=FIRST[i % len(FIRST)],
            job_title=JOBS[i % len(JOBS)],
        )
        data = rendering.badge_data(Badge(registration=registration))
        # A badge code's shape (26 characters of base32: QR version 2), distinct and the same every run.
        code = base64.b32encode(hashlib.sha256(b"bench-%d" % i).digest()[:16]).decode().rstrip("=")
        result.append({**data, "code": code})
    return result


def designs():
    from badges import rendering

    base = rendering.default_design()
    return {sides: {**base, "sides": sides} for sides in ("single", "double")}


def cpu_ms(work):
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000


def measure(n, batches, rounds):
    """{"single"/"double": {"one a document": median ms, "in a batch of 100": ms a badge}}."""
    from badges import rendering

    data = items(max(n, 100))
    all_designs = designs()
    for design in all_designs.values():  # warm up: stylesheet parsed, fonts looked up, designs' rules parsed
        rendering.render_document(data[:1], design=design)
    one = {sides: [] for sides in all_designs}
    batch = {sides: [] for sides in all_designs}
    for _ in range(rounds):
        for sides, design in all_designs.items():
            for item in data[:n]:
                one[sides].append(cpu_ms(lambda i=item, d=design: rendering.render_document([i], design=d)))
            for _ in range(batches):
                batch[sides].append(cpu_ms(lambda d=design: rendering.render_document(data[:100], design=d)) / 100)
    return {
        sides: {
            "one a document: median ms": round(statistics.median(one[sides]), 2),
            "one a document: min ms": round(min(one[sides]), 2),
            "in a batch of 100: ms a badge (median)": round(statistics.median(batch[sides]), 2),
        }
        for sides in all_designs
    }


def profile(sides, interval=0.0002):
    from pyinstrument import Profiler

    from badges import rendering

    data = items(100)
    design = designs()[sides]
    rendering.render_document(data[:1], design=design)
    profiler = Profiler(interval=interval)
    profiler.start()
    for item in data:
        rendering.render_document([item], design=design)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def callgrind(sides, n, batch):
    """Render ``n`` one-badge documents (or one document of ``n`` badges) with callgrind's instrumentation on
    (after a warm-up with it off)."""
    from badges import rendering

    data = items(n + 8)
    design = designs()[sides]
    for item in data[n:]:
        rendering.render_document([item], design=design)
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True, check=False)
    if batch:
        rendering.render_document(data[:n], design=design)
    else:
        for item in data[:n]:
            rendering.render_document([item], design=design)
    subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], capture_output=True, check=False)
    what = f"one document of {n} badges" if batch else f"{n} one-badge documents"
    print(f"{what}, {sides}-sided: divide valgrind's 'Collected' by {n}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parent.parent), help="checkout to import")
    parser.add_argument("--n", type=int, default=60, help="one-badge documents a round and design")
    parser.add_argument("--batches", type=int, default=2, help="batches of 100 a round and design")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", choices=("single", "double"), help="pyinstrument of 100 one-badge documents")
    parser.add_argument("--callgrind", choices=("single", "double"), help="under valgrind: count instructions")
    parser.add_argument("--batch", action="store_true", help="with --callgrind: one document of --n badges")
    args = parser.parse_args()
    setup(Path(args.tree).resolve())
    if args.callgrind:
        callgrind(args.callgrind, args.n, args.batch)
        return
    if args.profile:
        profile(args.profile)
        return
    result = measure(args.n, args.batches, args.rounds)
    print(json.dumps({"tree": args.tree, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), **result}))


if __name__ == "__main__":
    main()
