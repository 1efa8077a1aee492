"""Retake docs/screenshot.png: sign in to a running Growth Hub as the demo user and capture /hub/ at 1280x800.

Start the demo first (``./scripts/demo``), then run ``.venv/bin/python scripts/screenshot.py``. It drives Debian's
Chromium (``CHROMIUM_PATH``, default /usr/bin/chromium) through Playwright; no browser is downloaded.
"""

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "growthhub.settings")
os.environ.setdefault("DEBUG", "1")

from django.conf import settings  # noqa: E402 - needs the project on sys.path first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8000", help="Where Growth Hub runs.")
    parser.add_argument("--email", default=settings.DEMO_USER_EMAIL)
    parser.add_argument("--password", default=settings.DEMO_USER_PASSWORD)
    parser.add_argument("--path", default="/hub/", help="The page to capture.")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{args.url}/accounts/login/")
        page.fill("input[name=login]", args.email)
        page.fill("input[name=password]", args.password)
        page.click("form button[type=submit]")
        page.wait_for_url(f"{args.url}/hub/**")
        page.goto(f"{args.url}{args.path}")
        page.wait_for_load_state("networkidle")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.output))
        browser.close()
    sys.stdout.write(f"Saved {args.output}\n")


if __name__ == "__main__":
    main()
