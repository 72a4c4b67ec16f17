"""Benchmark of check-in at the door: the scan API under gunicorn, and Enter → name in a real browser.

Run by hand (never in the test suite), from the project root:

    .venv/bin/python bench/checkin.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/checkin.py --db sqlite --no-browser
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/checkin_bench .venv/bin/python bench/checkin.py --db postgres

For each database it migrates a fresh one (a temporary SQLite file, or the
PostgreSQL database named in BENCH_POSTGRES_URL, dropped and created again),
seeds a conference with delegates and badges, starts gunicorn on 127.0.0.1
(2 sync workers, persistent database connections) and measures, with
keep-alive HTTP connections from the same machine and token authentication:

- one client: median and p99 latency of a first scan (200 admitted), of a
  duplicate (409 already_checked_in) and of an unknown code (404);
- 8 concurrent clients (processes) scanning distinct badges: scans/s and errors;
- 8 concurrent clients scanning the same badges in the same order (every badge
  contended by 8 doors): scans/s, errors, and that each badge was admitted once;
- SQL queries per scan request (authentication and conference look-up included);
- in Chromium (Playwright): from the Enter key of a handheld scanner to the
  name on screen, measured inside the page.

An error is anything but the answer the contract promises (a 5xx, a dropped
connection, a wrong result).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/checkin_bench")
SINGLE = 500  # scans of each kind from one client
CLIENTS = 8
PER_CLIENT = 300  # distinct first scans per concurrent client
CONTENDED = 150  # badges scanned by all 8 clients at once
BROWSER_SCANS = 60
# gunicorn's sync worker closes the connection after every response; gthread keeps it alive.
WORKER_ARGS = os.environ.get("BENCH_WORKER_ARGS", "--worker-class gthread --threads 4").split()
DELEGATES = SINGLE + CLIENTS * PER_CLIENT + CONTENDED + BROWSER_SCANS + 10


# --- Inside Django (subprocess): seed the database and count queries ---------------------------


def seed():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    django.setup()
    import datetime as dt

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from badges.models import Badge
    from conference.models import Conference, Organisation
    from conference.plumbing import roles
    from registration.models import Invitation, Registration

    today = timezone.localdate()
    conference = Conference.objects.create(
        name="Bench Conference", slug="bench", starts_on=today, ends_on=today + dt.timedelta(days=1), capacity=100000
    )
    organisations = Organisation.objects.bulk_create([Organisation(name=f"Bench Org {i}") for i in range(50)])
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                conference=conference,
                organisation=organisations[i % 50],
                contact_name=f"Contact {i}",
                email=f"contact{i}@bench.example",
                seats=50,
                category="company",
            )
            for i in range(DELEGATES // 40 + 1)
        ]
    )
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                conference=conference,
                invitation=invitations[i // 40],
                first_name=f"First{i}",
                last_name=f"Last{i}",
                email=f"d{i}@bench.example",
                badge_name=f"First{i}",
                status="confirmed",
                confirmed_at=timezone.now(),
            )
            for i in range(DELEGATES)
        ]
    )
    badges = Badge.objects.bulk_create([Badge(registration=r) for r in registrations])
    codes = [b.code for b in badges]
    user = User.objects.create_user("bench-door", password="bench-door-password")
    user.groups.add(Group.objects.get(name=roles.DOOR_STAFF))
    token = Token.objects.create(user=user).key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    queries = {}
    spare = codes.pop()
    for kind, code in (("first scan", spare), ("duplicate", spare), ("unknown", "A" * 26)):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/conferences/bench/checkin/scan/",
                {"code": code, "gate": "Q"},
                format="json",
                HTTP_HOST="127.0.0.1",
            )
        queries[kind] = {
            "status": response.status_code,
            "queries": len(captured),
            "sql": [q["sql"][:90] for q in captured.captured_queries],
        }
    print(json.dumps({"token": token, "codes": codes, "queries": queries}))


# --- Outside Django: the server and the clients -------------------------------------------------


def request(conn, token, code, gate="Bench door"):
    body = json.dumps({"code": code, "gate": gate})
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}", "Connection": "keep-alive"}
    started = time.perf_counter()
    conn.request("POST", "/api/conferences/bench/checkin/scan/", body, headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    return response.status, json.loads(data).get("result"), elapsed


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def single_client(token, codes):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    results = {}
    for kind, batch, expected in (
        ("first scan (200 admitted)", codes, (200, "admitted")),
        ("duplicate (409 already_checked_in)", codes, (409, "already_checked_in")),
        ("unknown code (404 unknown)", [secrets.token_hex(13).upper()[:26] for _ in codes], (404, "unknown")),
    ):
        latencies, errors = [], 0
        for code in batch:
            status, result, elapsed = request(conn, token, code)
            latencies.append(elapsed)
            errors += (status, result) != expected
        results[kind] = {
            "n": len(batch),
            "median_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(percentile(latencies, 99), 2),
            "errors": errors,
        }
    conn.close()
    return results


def _client_worker(args):
    token, codes, start_at, gate = args
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    while time.time() < start_at:
        time.sleep(0.001)
    done, errors, admitted, latencies = 0, 0, [], []
    for code in codes:
        try:
            status, result, elapsed = request(conn, token, code, gate)
        except (OSError, http.client.HTTPException, ValueError):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            continue
        done += 1
        latencies.append(elapsed)
        if (status, result) == (200, "admitted"):
            admitted.append(code)
        elif (status, result) != (409, "already_checked_in"):
            errors += 1
    conn.close()
    return done, errors, admitted, latencies, time.time()


def _cpu_seconds(pids):
    """User + system CPU time of these processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _workers(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def concurrent_clients(token, batches, server):
    workers = _workers(server)
    cpu_before = _cpu_seconds(workers)
    start_at = time.time() + 0.5
    with multiprocessing.get_context("fork").Pool(len(batches)) as pool:
        outcomes = pool.map(_client_worker, [(token, batch, start_at, f"Door {i}") for i, batch in enumerate(batches)])
    finished = max(o[4] for o in outcomes)
    total = sum(o[0] for o in outcomes)
    server_cpu_ms = (_cpu_seconds(workers) - cpu_before) * 1000 / max(total, 1)
    latencies = [lat for o in outcomes for lat in o[3]]
    admitted = [code for o in outcomes for code in o[2]]
    return {
        "clients": len(batches),
        "scans": total,
        "scans_per_s": round(total / (finished - start_at), 1),
        "errors": sum(o[1] for o in outcomes),
        "median_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "admitted": len(admitted),
        "admitted_twice": len(admitted) - len(set(admitted)),
        # CPU the two gunicorn workers spent per scan, whatever else ran on the machine.
        "server_cpu_ms_per_scan": round(server_cpu_ms, 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


def browser_enter_to_name(codes):
    """Chromium (Debian's) against gunicorn: type a code, Enter, until the name is on screen."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{PORT}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        # bypass_csp: the page's policy forbids eval, which Playwright's wait_for_function with a
        # string uses; the door's own scripts run exactly as they do under the policy.
        page = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
        page.goto(f"{base}/accounts/login/?next=/door/")
        page.get_by_label("Username").fill("bench-door")
        page.get_by_label("Password").fill("bench-door-password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("body[data-door-ready=true]")
        page.get_by_label("Gate").fill("Browser door")
        page.get_by_role("button", name="Set gate").click()
        page.wait_for_function("document.getElementById('list-status').textContent.includes('delegates')")
        page.evaluate(
            """() => {
                window.__latencies = [];
                let started = 0;
                document.addEventListener("keydown", (e) => {
                    if (e.key === "Enter") started = performance.now();
                }, true);
                const name = document.getElementById("result-name");
                new MutationObserver(() => {
                    if (!started || !name.textContent) return;
                    const t0 = started;
                    started = 0;
                    // The frame that shows the name: measured when it is about to be painted.
                    requestAnimationFrame(() => window.__latencies.push(performance.now() - t0));
                }).observe(name, { childList: true, characterData: true, subtree: true });
            }"""
        )
        for i, code in enumerate(codes):
            page.evaluate("document.getElementById('result-name').textContent = ''")
            page.keyboard.type(code)
            page.keyboard.press("Enter")
            page.wait_for_function(f"window.__latencies.length >= {i + 1}")
        latencies = page.evaluate("window.__latencies")
        browser.close()
    return {
        "n": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


def prepare_database(db, workdir):
    env = {
        **os.environ,
        "DEBUG": "0",
        "VAR_DIR": str(workdir),
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import psycopg

        name = POSTGRES_URL.rsplit("/", 1)[1]
        with psycopg.connect(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = POSTGRES_URL
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run([PYTHON, __file__, "_seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return env, json.loads(seeded.stdout.strip().splitlines()[-1])


def serve(env, workdir):
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(
        [GUNICORN, "conference.wsgi", "-w", "2", *WORKER_ARGS, "-b", f"127.0.0.1:{PORT}", "--keep-alive", "75"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn did not start: see {workdir / 'gunicorn.log'}")


def run(db, browser):
    with tempfile.TemporaryDirectory(prefix=f"bench-checkin-{db}-") as tmp:
        workdir = Path(tmp)
        env, seeded = prepare_database(db, workdir)
        codes, token = seeded["codes"], seeded["token"]
        server = serve(env, workdir)
        try:
            # Warm both workers (imports, the database connection) before measuring.
            conn = http.client.HTTPConnection("127.0.0.1", PORT)
            for _ in range(20):
                request(conn, token, "W" * 26)
            conn.close()
            single = single_client(token, codes[:SINGLE])
            rest = codes[SINGLE:]
            distinct = [rest[i * PER_CLIENT : (i + 1) * PER_CLIENT] for i in range(CLIENTS)]
            rest = rest[CLIENTS * PER_CLIENT :]
            throughput = concurrent_clients(token, distinct, server)
            contended_codes, rest = rest[:CONTENDED], rest[CONTENDED:]
            contended = concurrent_clients(token, [contended_codes] * CLIENTS, server)
            enter = browser_enter_to_name(rest[:BROWSER_SCANS]) if browser else None
        finally:
            server.terminate()
            server.wait(timeout=10)
        return {
            "database": db,
            "queries_per_scan_request": {k: v["queries"] for k, v in seeded["queries"].items()},
            "queries_sql": seeded["queries"],
            "single_client": single,
            "concurrent_distinct": throughput,
            "concurrent_same_badges": contended,
            "browser_enter_to_name": enter,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        outcome = run(db, browser=not args.no_browser)
        results.append(outcome)
        print(json.dumps({k: v for k, v in outcome.items() if k != "queries_sql"}, indent=2), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["_seed"]:
        sys.path.insert(0, str(ROOT))
        seed()
    else:
        main()
