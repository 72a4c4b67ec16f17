"""Badge benchmarks, run by hand (never in the test suite): the whole HTTP request under gunicorn.

    .venv/bin/python bench/badges.py              # everything below
    .venv/bin/python bench/badges.py --quick      # fewer repetitions, no 5,000 run

What it measures (targets from issue 5; the peer is pretix with reportlab):
  1. one badge PDF, GET /api/conferences/<slug>/registrations/<id>/badge.pdf
     and the delegate's /my/<token>/badge.pdf: median over many requests
     (target <= 25 ms; the peer takes 31 ms);
  2. 2,000 badges in one a6 PDF, GET /api/conferences/<slug>/badges.pdf?layout=a6:
     wall clock of the request, single-sided and double-sided (the default
     design), under gunicorn's threaded workers (gthread, 4 threads; --sync
     for the sync workers): the rendering pool must use both cores there too;
  3. 5,000 badges in one a6 PDF: wall clock and peak memory of the gunicorn
     worker and its rendering processes together (target <= 1 GiB);
  4. in-process, no HTTP: one badge of each design (single, double,
     fold-over; CPU time), the QR code as inline SVG vs a PNG, and a cProfile
     of one badge and of a batch of 100 (where the time goes);
     BENCH_PYINSTRUMENT=1 adds a pyinstrument profile of 50 single badges.

It builds its own SQLite database under a temporary directory (or uses
DATABASE_URL if set), with delegates whose names are in several scripts,
starts gunicorn on 127.0.0.1 and talks to it with urllib.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = {
    "latin": [
        "Olivia",
        "Amelia",
        "Isla",
        "Ava",
        "Zoë",
        "Noah",
        "Oliver",
        "George",
        "Arthur",
        "Muhammad",
        "Siân",
        "Björn",
        "François",
        "Łucja",
        "José",
        "Niamh",
        "Rhys",
        "Chloé",
        "Søren",
        "Dvořák",
    ],
    "greek": ["Ζωή", "Γιώργος", "Ελένη"],
    "cyrillic": ["Жанна", "Дмитрий", "Ольга"],
    "arabic": ["محمد", "فاطمة", "ليلى"],
    "hebrew": ["דוד", "שרה", "נועה"],
    "chinese": ["小明", "丽华", "建国"],
    "japanese": ["さくら", "健太", "ゆい"],
    "korean": ["민준", "서연", "지우"],
    "devanagari": ["अनन्या", "राहुल", "प्रिया"],
}
LAST = {
    "latin": [
        "Smith",
        "Jones",
        "Williams",
        "Taylor",
        "Brown",
        "Davies",
        "Evans",
        "Wilson",
        "Thomas",
        "Johnson",
        "Roberts",
        "Robinson",
        "Wright",
        "Thompson",
        "Walker",
        "White",
        "Edwards",
        "Hughes",
        "Green",
        "Hall",
        "Brontë-Ångström",
        "O'Sullivan",
        "Featherstonehaugh-Cholmondeley",
    ],
    "greek": ["Παπαδοπούλου", "Νικολάου"],
    "cyrillic": ["Иванова", "Смирнов"],
    "arabic": ["عبد الله", "الحسن"],
    "hebrew": ["כהן", "לוי"],
    "chinese": ["王", "李"],
    "japanese": ["山田", "佐藤"],
    "korean": ["김", "이"],
    "devanagari": ["शर्मा", "नायक"],
}
JOBS = [
    "Engineer",
    "Head of Partnerships",
    "Chief Executive",
    "Research Fellow",
    "Lecturer in Computer Science",
    "Director of Digital Transformation and Innovation",
    "",
]
ORGS = [
    "Aston University",
    "University of Birmingham",
    "West Midlands Combined Authority",
    "Gravity Digital Ltd",
    "Black Country Innovative Manufacturing Organisation",
    "Solihull Cyber Labs",
    "Université de Genève",
    "東京大学",
    "جامعة القاهرة",
    "Московский университет",
]
CATEGORIES = ["partner", "company", "speaker", "sponsor", "press", "vip", "staff"]
PASSWORD = "bench-password-not-secret"


def setup_django(db_url):
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django

    django.setup()


def build_data(counts):
    """Conferences bench-1, bench-2000, bench-5000 with that many confirmed delegates; an organiser and a token."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from conference.models import Conference, Organisation
    from conference.plumbing import roles
    from registration.models import Invitation, Registration

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-organiser")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    token, _ = Token.objects.get_or_create(user=user)
    orgs = [Organisation.objects.get_or_create(name=name)[0] for name in ORGS]
    rng = random.Random(5)
    scripts = list(FIRST)
    weights = [60] + [5] * (len(scripts) - 1)  # mostly Latin names, every script present
    slugs = {}
    for count in counts:
        slug = f"bench-{count}"
        slugs[count] = slug
        conference, created = Conference.objects.get_or_create(
            slug=slug,
            defaults=dict(
                name="COG Annual Conference 2027",
                starts_on="2027-10-14",
                ends_on="2027-10-15",
                capacity=count + 10,
                venue="The ICC Birmingham",
            ),
        )
        have = Registration.objects.filter(conference=conference).count()
        if have >= count:
            continue
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    conference=conference,
                    organisation=orgs[i % len(orgs)],
                    contact_name=f"Contact {i}",
                    email=f"contact{i}@{slug}.example.org",
                    category=CATEGORIES[i % len(CATEGORIES)],
                    seats=1,
                    status="accepted",
                )
                for i in range(have, count)
            ]
        )
        registrations = []
        for i, invitation in enumerate(invitations):
            script = rng.choices(scripts, weights)[0]
            first, last = rng.choice(FIRST[script]), rng.choice(LAST[script])
            registrations.append(
                Registration(
                    conference=conference,
                    invitation=invitation,
                    first_name=first,
                    last_name=last,
                    badge_name=first,
                    email=f"d{i}@{slug}.example.org",
                    job_title=rng.choice(JOBS),
                    status="confirmed",
                )
            )
        Registration.objects.bulk_create(registrations, batch_size=500)
    return token.key, slugs


class Gunicorn:
    def __init__(self, env, port, workers=2, threads=4):
        self.port = port
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "conference.wsgi",
                "-w",
                str(workers),
                *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "900",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)


def free_port():
    """A port nobody listens on (other benchmarks may run on this machine at the same time)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, token, timeout=600):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - started, status, body


def _tree(pid):
    """pid and its descendants, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except OSError:
                pass
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def _pss_kib(pid):
    """Proportional set size: shared pages (a forked child shares its parent's) counted once across processes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid):
    """User + system CPU of the process and of its children that have exited and been waited for."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def tree_cpu_seconds(pid):
    return sum(_cpu_seconds(p) for p in _tree(pid))


class PeakMemory(threading.Thread):
    """Samples the PSS of the gunicorn master's whole process tree every 50 ms; keeps the peak."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()
        self.baseline = sum(_pss_kib(p) for p in _tree(pid))

    def run(self):
        while not self.stopped.is_set():
            self.peak = max(self.peak, sum(_pss_kib(p) for p in _tree(self.pid)))
            time.sleep(0.05)

    def stop(self):
        self.stopped.set()
        self.join()


def pdf_pages(body):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(body)).pages)


def pdf_latencies(delegates, url_of, auth, digits):
    """GET each delegate's ``url_of(delegate)`` (a PDF) in turn: n, median, p95 and min in ms."""
    times = []
    for r in delegates:
        elapsed, status, body = get(url_of(r), auth)
        assert status == 200 and body.startswith(b"%PDF")
        times.append(elapsed * 1000)
    times.sort()
    return {
        "n": len(times),
        "median_ms": round(statistics.median(times), digits),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], digits),
        "min_ms": round(times[0], digits),
    }


def bench_http(token, slugs, base, repeat, gunicorn_pid):
    from registration.models import Registration

    results = {}
    delegates = list(Registration.objects.filter(conference__slug=slugs[2000]).order_by("?"))
    latin = [r for r in delegates if r.first_name.isascii() and r.last_name.isascii()][:repeat]
    mixed = delegates[:repeat]
    api = f"{base}/api/conferences/{slugs[2000]}/registrations"
    from django.conf import settings

    from badges import services, stored
    from badges.design import save_design
    from badges.models import Badge
    from conference.models import Conference

    # This process renders ahead only when told to (below), never in a thread beside a measured request.
    settings.BADGE_RENDER_AHEAD = False

    def forget_all(conference):
        stored.forget(Badge.objects.filter(registration__conference=conference))  # autocommit: files go at once

    conference_2000 = Conference.objects.get(slug=slugs[2000])
    save_design(conference_2000, sides="double")
    forget_all(conference_2000)
    for label, sample, url_of, auth in (
        ("one badge, API, Latin-script delegates", latin, lambda r: f"{api}/{r.pk}/badge.pdf", token),
        ("one badge, API, delegates of every script (60% Latin)", mixed, lambda r: f"{api}/{r.pk}/badge.pdf", token),
        ("one badge, delegate's /my/<token>/badge.pdf, Latin", latin, lambda r: f"{base}/my/{r.token}/badge.pdf", None),
    ):
        for r in sample[:10]:
            get(url_of(r), auth)  # warm-up (the first render in each worker parses the stylesheet)
        # First pass: each badge rendered (nothing stored yet, or stale); second: served from storage.
        for kind in ("rendered on the spot", "served from storage"):
            if kind == "rendered on the spot":
                forget_all(conference_2000)
            key = f"{label}, double-sided, {kind}"
            results[key] = pdf_latencies(sample, url_of, auth, digits=1)
            print(key, results[key], flush=True)

    runs = []
    for count in sorted(c for c in slugs if c > 1):
        if count == 2000:
            runs += [
                (count, "a6", "single", "rendered"),
                (count, "a6", "single", "stored"),
                (count, "a6", "double", "rendered"),
                (count, "a6", "double", "stored"),
                (count, "a4", "double", "stored"),
            ]
        else:
            runs += [(count, "a6", "single", "rendered"), (count, "a6", "single", "stored")]
    for count, layout, sides, kind in runs:
        conference = Conference.objects.get(slug=slugs[count])
        if kind == "rendered":
            save_design(conference, sides=sides)
            forget_all(conference)
        memory = PeakMemory(gunicorn_pid)
        memory.start()
        cpu_before = tree_cpu_seconds(gunicorn_pid)
        load_before = os.getloadavg()[0]
        elapsed, status, body = get(f"{base}/api/conferences/{slugs[count]}/badges.pdf?layout={layout}", token)
        cpu = tree_cpu_seconds(gunicorn_pid) - cpu_before
        memory.stop()
        assert status == 200
        how = "none stored: each rendered and stored" if kind == "rendered" else "every badge stored beforehand"
        label = f"{count} badges, {sides}-sided, one {layout} PDF ({how})"
        results[label] = {
            "wall_s": round(elapsed, 2),
            "cpu_s_all_processes": round(cpu, 1),
            "cpu_ms_per_badge": round(cpu * 1000 / count, 1),
            "pages": pdf_pages(body),
            "size_mib": round(len(body) / 2**20, 1),
            "peak_pss_mib_gunicorn_tree": round(memory.peak / 1024),
            "pss_before_mib": round(memory.baseline / 1024),
            "load_average_before": round(load_before, 1),
        }
        print(label, results[label], flush=True)
    # Rendering ahead (what confirming delegates and saving a design start in the background), both cores.
    conference = Conference.objects.get(slug=slugs[2000])
    save_design(conference, sides="double")
    forget_all(conference)
    started = time.perf_counter()
    rendered = services.render_ahead(conference.pk)
    label = "render ahead, 2,000 double-sided badges (background job, rendering pool of 2)"
    results[label] = {"wall_s": round(time.perf_counter() - started, 2), "rendered": rendered}
    print(label, results[label], flush=True)
    return results


def bench_targets(token, slugs, base, repeat, gunicorn_pid):
    """Issue 17's targets only: 2,000 double-sided badges rendered ahead (in this process, the pool of two),
    then served one by one and printed all at once from storage, through gunicorn."""
    from django.conf import settings

    from badges import services, stored
    from badges.design import save_design
    from badges.models import Badge
    from conference.models import Conference
    from registration.models import Registration

    settings.BADGE_RENDER_AHEAD = False  # this process renders ahead only below, never beside a measured request
    results = {}
    conference = Conference.objects.get(slug=slugs[2000])
    save_design(conference, sides="double")
    stored.forget(Badge.objects.filter(registration__conference=conference))
    started = time.perf_counter()
    rendered = services.render_ahead(conference.pk)
    label = "render ahead: 2,000 double-sided badges, one document each (rendering pool of 2)"
    results[label] = {"wall_s": round(time.perf_counter() - started, 2), "rendered": rendered}
    print(label, results[label], flush=True)
    delegates = list(Registration.objects.filter(conference=conference).order_by("?"))[:repeat]
    api = f"{base}/api/conferences/{slugs[2000]}/registrations"
    for label, url_of, auth in (
        ("one stored badge, delegate's /my/<token>/badge.pdf", lambda r: f"{base}/my/{r.token}/badge.pdf", None),
        ("one stored badge, API (the door's reprint)", lambda r: f"{api}/{r.pk}/badge.pdf", token),
    ):
        for r in delegates[:20]:
            get(url_of(r), auth)  # warm-up: connections, compiled statements
        results[label] = pdf_latencies(delegates, url_of, auth, digits=2)
        print(label, results[label], flush=True)
    for layout in ("a6", "a6", "a4"):
        names = set(Badge.objects.filter(registration__conference=conference).values_list("pdf", flat=True))
        cpu_before = tree_cpu_seconds(gunicorn_pid)
        load_before = os.getloadavg()[0]
        elapsed, status, body = get(f"{base}/api/conferences/{slugs[2000]}/badges.pdf?layout={layout}", token)
        cpu = tree_cpu_seconds(gunicorn_pid) - cpu_before
        assert status == 200
        after = set(Badge.objects.filter(registration__conference=conference).values_list("pdf", flat=True))
        label = f"2,000 stored double-sided badges, one {layout} PDF"
        results.setdefault(label, []).append(
            {
                "wall_s": round(elapsed, 2),
                "cpu_s_gunicorn_tree": round(cpu, 2),
                "pages": pdf_pages(body),
                "size_mib": round(len(body) / 2**20, 1),
                "rendered_again": len(after - names),
                "load_average_before": round(load_before, 1),
            }
        )
        print(label, results[label][-1], flush=True)
    return results


def bench_in_process(repeat):
    """QR as SVG vs PNG, and a profile of where the time goes (no HTTP, no database)."""
    from badges import rendering
    from badges.models import Badge
    from registration.models import Registration

    registrations = list(
        Registration.objects.filter(conference__slug="bench-2000").select_related(
            "invitation__organisation", "conference"
        )[:100]
    )
    items = []
    for registration in registrations:
        badge = Badge(registration=registration)
        items.append(rendering.badge_data(badge))
    latin = next(i for i in items if i["badge_name"]["text"].isascii())
    rendering.render_document([latin])
    results = {}
    # One badge, a new delegate each time (nothing cached between them but the stylesheet and fonts), per design.
    latins = [i for i in items if i["badge_name"]["text"].isascii()]
    for sides in rendering.SIDES:
        design = {**rendering.default_design(), "sides": sides, "wifi_network": "COG-Guest", "help_desk": "Foyer"}
        times = []
        for n in range(repeat):
            started = time.process_time()
            rendering.render_document([latins[n % len(latins)]], design=design)
            times.append((time.process_time() - started) * 1000)
        results[f"one badge, {sides}-sided (CPU ms)"] = {
            "median": round(statistics.median(times), 1),
            "min": round(min(times), 1),
        }
        print(f"one badge, {sides}-sided", results[f"one badge, {sides}-sided (CPU ms)"], flush=True)
    if os.environ.get("BENCH_PYINSTRUMENT"):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for n in range(50):
            rendering.render_document([latins[n % len(latins)]])
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False), flush=True)
    # CPU time (process_time), the formats interleaved: wall time on a shared machine is mostly other people's load.
    one = {f: [] for f in rendering.QR_FORMATS}
    batch = {f: [] for f in rendering.QR_FORMATS}
    sizes = {}
    for _ in range(repeat):
        for qr_format in rendering.QR_FORMATS:
            started = time.process_time()
            rendering.render_document([latin], qr_format=qr_format)
            one[qr_format].append((time.process_time() - started) * 1000)
    for _ in range(3):
        for qr_format in rendering.QR_FORMATS:
            started = time.process_time()
            pdf = rendering.render_document(items, qr_format=qr_format)
            batch[qr_format].append(time.process_time() - started)
            sizes[qr_format] = len(pdf)
    for qr_format in rendering.QR_FORMATS:
        results[f"qr {qr_format}"] = {
            "one_badge_cpu_ms_median": round(statistics.median(one[qr_format]), 1),
            "100_badges_one_document_cpu_s_median": round(statistics.median(batch[qr_format]), 2),
            "100_badges_pdf_kib": round(sizes[qr_format] / 1024),
        }
        print(f"qr {qr_format}", results[f"qr {qr_format}"], flush=True)
    # Where the time goes, by phase (CPU time, no profiler overhead).
    from weasyprint import HTML

    state = rendering._weasy()
    for label, work_items, n in (("one badge", [latin], repeat), ("100 badges, one document", items, 3)):
        phases = {"html (template + QR code)": 0.0, "parse + style + layout": 0.0, "draw + fonts + PDF": 0.0}
        for _ in range(n):
            t0 = time.process_time()
            html = rendering.render_html(work_items)
            t1 = time.process_time()
            document = HTML(string=html, url_fetcher=state["fetcher"]).render(
                stylesheets=[state["css"]], font_config=state["font_config"]
            )
            t2 = time.process_time()
            document.write_pdf()
            t3 = time.process_time()
            for key, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                phases[key] += value
        results[f"phases, {label} (CPU ms)"] = {k: round(v * 1000 / n, 1) for k, v in phases.items()}
        print(f"phases, {label}", results[f"phases, {label} (CPU ms)"], flush=True)
    profiles = {}
    for label, work in (
        ("one badge x50", lambda: [rendering.render_document([latin]) for _ in range(50)]),
        ("100 badges, one document", lambda: rendering.render_document(items)),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        work()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(28)
        profiles[label] = out.getvalue()
        print(f"--- profile: {label}\n{out.getvalue()}", flush=True)
    return results, profiles


def bench_qr(n=300):
    import base64
    import secrets

    from badges.rendering import qr_markup

    codes = [base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=") for _ in range(n)]
    started = time.process_time()
    for code in codes:
        qr_markup(code, "png")
    result = {"cpu_ms": round((time.process_time() - started) * 1000 / n, 2)}
    print("qr", result, flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no 5,000 run")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--in-process-only", action="store_true", help="only part 4 (no gunicorn)")
    parser.add_argument("--sync", action="store_true", help="gunicorn's sync workers instead of gthread (4 threads)")
    parser.add_argument(
        "--targets", action="store_true", help="only issue 17's targets: render ahead, serve and print stored badges"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-badges-"))
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "VAR_DIR": str(workdir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-only-not-secret",
    }
    os.environ.update({k: env[k] for k in ("VAR_DIR", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")})
    setup_django(db_url)
    counts = (1, 2000) if args.quick or args.targets else (1, 2000, 5000)
    started = time.perf_counter()
    token, slugs = build_data(counts)
    print(f"data ready in {time.perf_counter() - started:.1f} s ({db_url})", flush=True)
    http = {}
    if args.targets:
        port = args.port or free_port()
        server = Gunicorn(env, port, threads=4)
        try:
            report = bench_targets(token, slugs, f"http://127.0.0.1:{port}", 200, server.proc.pid)
        finally:
            server.stop()
        print(json.dumps(report, indent=2, ensure_ascii=False))
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
        return
    if not args.in_process_only:
        port = args.port or free_port()
        server = Gunicorn(env, port, threads=1 if args.sync else 4)
        try:
            http = bench_http(token, slugs, f"http://127.0.0.1:{port}", 40 if args.quick else 200, server.proc.pid)
        finally:
            server.stop()
    in_process, profiles = bench_in_process(20 if args.quick else 100)
    in_process["one QR code (zxing-cpp, PNG)"] = bench_qr()
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "http": http,
        "in_process": in_process,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps({**report, "profiles": profiles}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
