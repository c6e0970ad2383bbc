"""An editor adding a sourced fact breaks no test.

The checks of the pages, ``meetings.json``, the JSON-LD and the feed derive what
they expect from the records. Here they run on a throw-away copy of the project
whose records gained a fact no real record has today: a verified video address
for a recording. The copy is built like the real site and checked the same way.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from meetings.catalog import collect

from .helpers import EXAMPLE_REPO, building, make_project, mkdocs_build
from .test_exports import check_feed, check_meeting_json_ld, check_meetings_json
from .test_site import check_meeting_page

VIDEO = "https://www.youtube.com/watch?v=scratch-copy-only"
"""A video address for the copy alone; the real records hold only verified ones."""


@pytest.fixture(scope="module")
@building
def grown(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    project = make_project(tmp_path_factory.mktemp("grown") / "project")
    catalog = collect(project / "clusters")
    entry = next(e for e in catalog.meetings if e.recording and not e.recording.url)
    path = project / entry.file
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(
        r"(?m)^(recording:\n(?:  .*\n)*?)(  platform: .*\n)", rf"\1\2  url: {VIDEO}\n", text
    )
    assert count == 1
    path.write_text(text, encoding="utf-8")
    site = project.parent / "site"
    # Built like the real site's test build, edit buttons included (conftest.built_site).
    result = mkdocs_build(
        project, site, env={"REPO_URL": os.environ.get("REPO_URL") or EXAMPLE_REPO}
    )
    assert result.returncode == 0, result.stderr
    return project, site


def test_the_copy_has_a_recording_with_its_video_address(grown):
    project, _ = grown
    urls = [e.recording.url for e in collect(project / "clusters").meetings if e.recording]
    assert urls.count(VIDEO) == 1


def test_every_record_derived_check_passes_on_the_copy(grown):
    project, site = grown
    catalog = collect(project / "clusters")
    for entry in catalog.meetings:
        check_meeting_page(site, entry)
        check_meeting_json_ld(site, entry)
    check_feed(site, catalog)
    check_meetings_json(site, catalog)
