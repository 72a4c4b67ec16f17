"""Screenshots of the organiser's workspace for the README, from the demo conference under gunicorn.

Loads the demo into a temporary SQLite database, serves it with gunicorn on
127.0.0.1, logs in as the demo organiser with Playwright (Debian's Chromium)
and writes docs/screenshots/*.png: the wide pages at 1366 px, two at a
phone's 390 px.

    .venv/bin/python scripts/screenshots.py            # a free port
    .venv/bin/python scripts/screenshots.py --port 8103
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SAMPLE = (
    "organisation,organisation_kind,contact_name,email,category,seats\r\n"
    "Aston University,university,Li Wei,li.wei@aston.example,partner,3\r\n"
    "Midlands Tech News,other,Ana Costa,ana.costa@mtn.example,press,1\r\n"
    "Coventry Robotics Ltd,company,Priya Shah,priya@coventry-robotics.example,company,2\r\n"
    "Birmingham City Council,public_body,Tom Reid,tom.reid@birmingham.example,vip,1\r\n"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def shoot(page, name, full_page=True):
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print(f"docs/screenshots/{name}.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    tmp = tempfile.mkdtemp(prefix="screenshots-")
    env = {**os.environ, "VAR_DIR": tmp, "DEBUG": "0", "SITE_URL": f"http://127.0.0.1:{port}"}
    env.pop("DATABASE_URL", None)
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    run(env, "migrate", "--verbosity", "0")
    run(env, "demo")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "conference.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            wide = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=base)
            page = wide.new_page()
            page.goto("/accounts/login/?next=/organiser/")
            page.get_by_label("Username").fill("organiser")
            page.get_by_label("Password").fill("cog-organiser-demo")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
            shoot(page, "overview")
            page.get_by_role("link", name="Invitations", exact=True).click()
            shoot(page, "invitations", full_page=False)
            page.get_by_label("Invitation list (CSV or .xlsx)").set_input_files(
                files=[{"name": "invitations.csv", "mimeType": "text/csv", "buffer": SAMPLE.encode()}]
            )
            page.get_by_role("button", name="Preview the import").click()
            shoot(page, "import-preview")
            page.get_by_role("button", name="Import").click()
            page.get_by_role("link", name="Send", exact=False).first.click()
            shoot(page, "send-preview")
            page.goto(page.url.replace("/invitations/send/", "/invitations/") + "?category=vip")
            page.get_by_role("link", name="Office of the Mayor of the West Midlands").first.click()
            shoot(page, "organisation")
            page.get_by_role("link", name="Delegates", exact=True).click()
            page.get_by_label("Status").select_option("waitlisted")
            page.get_by_role("button", name="Show delegates").click()
            shoot(page, "delegates-waiting-list")
            page.get_by_role("link", name="E-mails", exact=True).click()
            shoot(page, "emails", full_page=False)
            cookies = wide.cookies()
            wide.close()

            phone = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base, device_scale_factor=2)
            phone.add_cookies(cookies)
            page = phone.new_page()
            page.goto("/organiser/")
            shoot(page, "phone-overview", full_page=False)
            page.get_by_role("link", name="Invitations", exact=True).click()
            page.locator("#list-heading").scroll_into_view_if_needed()
            shoot(page, "phone-invitations", full_page=False)
            phone.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
