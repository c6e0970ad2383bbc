"""Screenshots of the built site for the README: the home page, a meeting's page
and the topics, on a desktop (1280 × 900) and on a phone.

    usage: python scripts/screenshots.py SITE OUT      (`make screenshots` runs it)

Debian's chromium (``scripts/ensure-chromium``), driven by Playwright, loads the
built SITE from a server on 127.0.0.1 and writes ``OUT/{page}-{screen}.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from meetings.browser import launch_args, serve
from meetings.catalog import collect
from meetings.layout import Site

ROOT = Path(__file__).resolve().parents[1]

SCREENS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def pages() -> dict[str, str]:
    """The pages to show, by name: the home page, the first meeting's and the topics."""
    site = Site.load(ROOT)
    meeting = collect(site.clusters_dir, site.root).meetings[0]
    return {
        "home": "",
        "meeting": site.page_url(meeting.page),
        "topics": site.page_url("topics.md"),
    }


def take(browser: Browser, base_url: str, out: Path) -> list[Path]:
    """Screenshot the site served at ``base_url`` into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for screen, options in SCREENS.items():
        context = browser.new_context(base_url=base_url, **options)
        page = context.new_page()
        for name, address in pages().items():
            page.goto(address, wait_until="networkidle")
            path = out / f"{name}-{screen}.png"
            page.screenshot(path=path, animations="disabled", caret="hide")
            written.append(path)
        context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. site")
    parser.add_argument("out", type=Path, help="where the PNGs go")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} holds no built site (run 'make build')")
    with serve(args.site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args())
        try:
            for path in take(browser, base_url, args.out):
                print(path)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
