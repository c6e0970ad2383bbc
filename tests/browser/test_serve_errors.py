"""``make serve`` in a browser: a failed rebuild shows its errors on the page, as text.

``mkdocs serve --dirty`` (what ``make serve`` runs) on a copy of the project,
the first meeting's page open in chromium. A record file whose name holds
markup is added beside that meeting's: the rebuild fails, and the page the
browser reloads (MkDocs reloads it after each rebuild) shows, above the last
good page, the lines ``meetings validate`` prints for the same files, as
text; nothing in them runs. Once the file is gone, the next reload has no
banner.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Dialog, Page

from meetings.banner import BANNER_ID
from meetings.cli import main
from tests.browser.browsing import ConsoleErrors
from tests.helpers import PAGE, RECORD, building, make_project, mkdocs_serve

HOSTILE = 'a"><img src=x onerror=alert(1)> %.yaml'
"""A record file named with markup: refused by name, and the name is in the error."""
BANNER = f"#{BANNER_ID}"


@pytest.fixture
@building
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    project = make_project(tmp_path / "project")
    with mkdocs_serve(project, "--dirty") as (base, _output):
        yield project, base


def test_a_failed_rebuild_shows_its_errors_on_the_last_good_page(
    served: tuple[Path, str], page: Page, console_errors: ConsoleErrors
):
    project, base = served
    dialogs: list[Dialog] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    page.goto(base + PAGE)

    title = page.locator("article h1").inner_text()
    assert page.locator(BANNER).count() == 0

    record = project / RECORD
    hostile = record.with_name(HOSTILE)
    shutil.copy2(record, hostile)
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    problems = [line for line in result.output.splitlines() if ".yaml:" in line]
    assert result.exit_code == 1 and problems, result.output

    banner = page.locator(BANNER)
    banner.wait_for(timeout=90_000)  # the server rebuilds, the page reloads
    assert banner.is_visible()
    assert banner.get_attribute("role") == "alert"
    box = banner.bounding_box()
    assert box is not None and box["y"] == 0, "the banner is not at the top of the page"
    shown = banner.inner_text()
    assert all(line in shown for line in problems), shown
    # The name's markup is text: no element came of it, nothing ran.
    assert banner.locator("img, script").count() == 0
    assert dialogs == []
    # Under it, the last good page.
    assert page.locator("article h1").inner_text() == title

    hostile.unlink()
    banner.wait_for(state="detached", timeout=90_000)
    assert page.locator("article h1").inner_text() == title
    assert console_errors == []
