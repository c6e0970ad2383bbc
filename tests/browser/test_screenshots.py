"""`make screenshots` (scripts/screenshots.py) writes the README's pictures."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

import screenshots
from tests.helpers import png_size

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def test_screenshots_of_home_and_meeting_on_desktop_and_phone(
    browser: Browser, base_url: str, tmp_path: Path
) -> None:
    written = screenshots.take(browser, base_url, tmp_path)

    sizes = {path.name: png_size(path) for path in written}
    assert sizes == {
        "home-desktop.png": (1280, 900),
        "meeting-desktop.png": (1280, 900),
        "topics-desktop.png": (1280, 900),
        "home-phone.png": (780, 1688),
        "meeting-phone.png": (780, 1688),
        "topics-phone.png": (780, 1688),
    }
    # Not blank: a page's screenshot compresses far less than an empty one.
    assert all(path.stat().st_size > 20_000 for path in written)
    # The README shows every one of them, as committed.
    readme = (SCRIPT.parents[1] / "README.md").read_text()
    for name in sizes:
        assert f"docs/assets/screenshots/{name}" in readme
        assert (SCRIPT.parents[1] / "docs/assets/screenshots" / name).is_file()
