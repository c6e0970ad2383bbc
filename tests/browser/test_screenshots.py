"""`make screenshots` (scripts/screenshots.py) writes the README's pictures."""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import Browser

import screenshots

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshots_of_home_and_meeting_on_desktop_and_phone(
    browser: Browser, base_url: str, tmp_path: Path
) -> None:
    written = screenshots.take(browser, base_url, tmp_path)

    sizes = {path.name: png_size(path) for path in written}
    assert sizes == {
        "home-desktop.png": (1280, 800),
        "meeting-desktop.png": (1280, 800),
        "home-phone.png": (780, 1688),
        "meeting-phone.png": (780, 1688),
    }
    # Not blank: a page's screenshot compresses far less than an empty one.
    assert all(path.stat().st_size > 20_000 for path in written)
    # The README shows every one of them, as committed.
    readme = (SCRIPT.parents[1] / "README.md").read_text()
    for name in sizes:
        assert f"docs/assets/screenshots/{name}" in readme
        assert (SCRIPT.parents[1] / "docs/assets/screenshots" / name).is_file()
