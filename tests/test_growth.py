"""The archive grows: adding and removing records breaks no test (issue 17).

A scratch copy of the whole project grows as editors grow it, with the
project's own commands and the files they write, filled in as an editor fills
them in: ``meetings new-event`` makes a new event and ``meetings new`` its
first meeting; ``meetings new`` adds a seventh meeting to the existing event,
which cites a source added to that event's list; and one meeting is deleted
with the sources only it cited (the first meeting that alone cites a source:
today Action Cluster 1, the one most tests once took as their example). The
records are made up (sourced-looking, in a scratch copy, never published).

Then the tests that read the records run on that copy, in a pytest of their
own (:data:`ON_THE_COPY`), the browser's among them: the whole suite would take
as long again (about five minutes on two cores, and CI must stay well under
ten), and the modules left out (:data:`NOT_ON_THE_COPY`) read no record, or
take what they expect from records they write themselves (the validator's
tests break a made-up example meeting); each says why. The one
test of today's content is left out too: it checks that today's six meetings
are there, and removing one of them is what it exists to catch (README,
"Remove a meeting").
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meetings.load import parse_yaml

from .helpers import ROOT
from .records import cites_in, remove_meeting

ON_THE_COPY = [
    "tests/test_content.py",
    "tests/test_drafts.py",
    "tests/test_editing.py",
    "tests/test_editing_scaffold.py",
    "tests/test_engines.py",
    "tests/test_exports.py",
    "tests/test_history.py",
    "tests/test_layout.py",
    "tests/test_make_local.py",
    "tests/test_model.py",
    "tests/test_more_events.py",
    "tests/test_navigation.py",
    "tests/test_new_event.py",
    "tests/test_preview.py",
    "tests/test_quotes.py",
    "tests/test_records_grow.py",
    "tests/test_related.py",
    "tests/test_render.py",
    "tests/test_serve.py",
    "tests/test_site.py",
    "tests/test_yaml_writers.py",
    "tests/browser/test_navigation.py",
    "tests/browser/test_pages.py",
    "tests/browser/test_phone.py",
    "tests/browser/test_search.py",
    "tests/browser/test_serve_errors.py",
    "tests/browser/test_visitors.py",
]
"""The modules whose tests read the real records (or a copy of them), run on the grown copy."""

NOT_ON_THE_COPY = {
    "tests/test_growth.py": "this module: it makes the copy",
    "tests/test_bench.py": "reads only the synthetic records scripts/bench.py writes",
    "tests/test_banner.py": "the errors' banner of mkdocs serve, of made-up lines; reads no record",
    "tests/test_claims.py": "the About and accessibility pages' words about the build",
    "tests/test_ensure_chromium.py": "installs the browser; reads no record",
    "tests/test_theme.py": "the stylesheet and the theme's overrides; reads no record",
    "tests/test_words.py": "the site's English words; reads no record",
    "tests/test_workflows.py": "the CI workflow files; reads no record",
    **{
        module: (
            "its expectations come from the made-up example meeting it adds to a copy "
            "(tests/records.py), not from the records, of which it reads only the first event's "
            "folder, dates and sources, which the grown copy keeps"
        )
        for module in (
            "tests/test_hostile_input.py",
            "tests/test_hostile_text.py",
            "tests/test_properties.py",
            "tests/test_trust.py",
        )
    },
    "tests/test_trust_properties.py": (
        "writes its own records, drawn by hypothesis from the model, beside an example "
        "meeting; a minute of examples"
    ),
    "tests/browser/test_accessibility.py": (
        "axe over every page in two colour schemes (40 s): what it checks comes from the "
        "theme and templates, which the copy's new pages share with the others"
    ),
    "tests/browser/test_screenshots.py": "draws the README's pictures of a fresh build",
    "tests/browser/test_tabs.py": "the browser tests' shared tabs; reads no record",
    "tests/browser/test_trust_browser.py": (
        "hostile names and text in pages an example meeting makes; no expectation from the "
        "real records"
    ),
}
"""The modules not run on the copy, and why."""

TODAY = "tests/test_content.py::test_todays_six_meetings_are_there_as_their_sources_say"
"""The one test of today's content: the copy has removed one of today's meetings."""

SKIPPED = {".git", ".venv", ".venv-lock", "site", "node_modules", "__pycache__"}
"""Not copied: the repository's history, installed tools, builds and caches."""

NEW_EVENT = "forum-2031"


def test_every_test_module_is_run_on_the_copy_or_says_why_not():
    found = {path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("test_*.py")}
    assert found == set(ON_THE_COPY) | set(NOT_ON_THE_COPY)
    assert not set(ON_THE_COPY) & set(NOT_ON_THE_COPY)


# --------------------------------------------------------------------------
# The copy, grown as an editor grows it
# --------------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    """The project's files (not its history, tools or builds) in ``dest``."""

    def ignored(folder: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name in SKIPPED
            or name.startswith((".site-build.", ".pytest", ".hypothesis"))
            or name.endswith("_cache")
        }

    shutil.copytree(ROOT, dest, ignore=ignored, symlinks=True)
    return dest


def meetings(project: Path, *arguments: str) -> str:
    """``meetings ARGUMENTS`` (what ``make new`` and ``make new-event`` run) in the copy."""
    result = subprocess.run(
        [sys.executable, "-m", "meetings", "--root", str(project), *arguments],
        cwd=project,
        env=environment(project),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def environment(project: Path) -> dict[str, str]:
    """This run's environment, for the copy: its own code, and no site built elsewhere."""
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    env.pop("TESTED_SITE", None)  # CI's build is of the real records, not the copy's
    return env


def fill(path: Path, *changes: tuple[str, str]) -> None:
    """Fill in a file as an editor does: each (pattern, text) replaces one line or block;
    then the record is complete, and no draft any more (``draft: true`` removed)."""
    text = path.read_text(encoding="utf-8")
    for pattern, new in changes:
        text, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
        assert count == 1, f"{pattern!r} is not in {path.name}:\n{text}"
    path.write_text(re.sub(r"(?m)^draft: true\n", "", text), encoding="utf-8")


def add_event(project: Path) -> None:
    """``make new-event``, then ``make new`` for its first meeting, both filled in."""
    meetings(project, "new-event", "--slug", NEW_EVENT, "--name", "Smart Cities Forum 2031")
    fill(
        project / "clusters" / NEW_EVENT / "event.yaml",
        (r"^start_date:$", "start_date: 2031-05-14"),
        (r"^end_date:$", "end_date: 2031-05-15"),
        (r"^dates_cites:\n  -$", "dates_cites:\n  - forum-2031-news"),
        (
            r"^description: >-$",
            "description: >-\n  The Action Clusters of the made-up Forum 2031 met on its\n"
            "  second day.\n\n  Its records exist only in the tests' scratch copy.",
        ),
        (r"^cites:\n  -$", "cites:\n  - forum-2031-news"),
        (r"^    id:$", "    id: forum-2031-news"),
        (r"^    # title:$", "    title: The Action Clusters at the Forum 2031"),
        (r"^    publisher:$", "    publisher: Smart Cities news"),
        (r"^    url:$", "    url: https://example.org/news/forum-2031"),
        (r"^    supports: >-$", "    supports: >-\n      The forum's dates and its meeting."),
        # The words the records quote, as the source publishes them.
        (
            r"^    # passages:\n    #   -$",
            "    passages:\n"
            + "".join(
                f"      - >-\n        {passage}\n"
                for passage in (
                    "The Action Clusters of the made-up Forum 2031 met on its second day.",
                    "Its records exist only in the tests' scratch copy.",
                    "Action Cluster 1 - Urban Data meeting",
                    "Cities compare their open data platforms and the standards that let them "
                    "share data across borders.",
                )
            ).rstrip("\n"),
        ),
    )
    written = meetings(
        project, "new", "--title", "Action Cluster 1 - Urban Data meeting", "--event", NEW_EVENT
    )
    fill(
        project / written_file(written),
        (r"^  name:$", "  name: Urban Data"),
        (r"^date:$", "date: 2031-05-15"),
        (
            r"^summary: >-$",
            "summary: >-\n  Cities compare their open data platforms and the standards that "
            "let them\n  share data across borders.",
        ),
        (r"^topics:\n  -$", "topics:\n  - open data platforms\n  - standards"),
        (r"^cites:\n  -$", "cites:\n  - forum-2031-news"),
    )


def add_meeting(project: Path, event: Path) -> None:
    """``make new`` in an existing event: its next cluster number, a new source in its list."""
    data = parse_yaml((event / "event.yaml").read_text(encoding="utf-8"))
    # Its own new source, with the passages the meeting quotes.
    with (event / "event.yaml").open("a", encoding="utf-8") as file:
        file.write(
            "  - id: circular-economy-programme\n"
            "    title: Circular Economy at the Forum\n"
            "    publisher: Smart Cities news\n"
            "    url: https://example.org/news/circular-economy\n"
            "    supports: >-\n"
            "      The Circular Economy meeting: its title, what it discussed, its speaker.\n"
            "    passages:\n"
            "      - Action Cluster 7 - Circular Economy meeting, with Ada Example.\n"
            "      - >-\n"
            "        Cities discuss water reuse and the circular economy of their building\n"
            "        sites.\n"
        )
    title = "Action Cluster 7 - Circular Economy meeting"
    written = meetings(project, "new", "--title", title, "--event", event.name)
    path = project / written_file(written)
    fill(
        path,
        (r"^  name:$", "  name: Circular Economy"),
        (r"^date:$", f"date: {data['end_date']}"),
        (
            r"^summary: >-$",
            "summary: >-\n  Cities discuss water reuse and the circular economy of their "
            "building\n  sites.",
        ),
        (r"^topics:\n  -$", "topics:\n  - water reuse\n  - circular economy"),
        (r"^cites:\n  -$", "cites:\n  - circular-economy-programme"),
        (
            r"^# speakers:\n#   -\n(?:#.*\n)*",
            "speakers:\n  - name: Ada Example\n    cites: [circular-economy-programme]\n",
        ),
    )
    assert re.search(r"(?m)^  number: 7$", path.read_text(encoding="utf-8"))


def written_file(output: str) -> str:
    """The file ``meetings new`` says it wrote."""
    found = re.match(r"Wrote (\S+):", output)
    assert found, output
    return found[1]


def remove_the_first_meeting_alone_citing_a_source(event: Path) -> str:
    """Delete the first meeting that alone cites a source, and those sources from the list."""
    records = {path: parse_yaml(path.read_text(encoding="utf-8")) for path in event.glob("*.yaml")}
    cited: dict[str, list[Path]] = {}
    for path, data in records.items():
        for source_id in set(cites_in(data)):
            cited.setdefault(source_id, []).append(path)
    in_order = sorted(
        (p for p in records if p.name != "event.yaml"),
        key=lambda p: records[p]["cluster"]["number"],
    )
    gone = next(p for p in in_order if any(paths == [p] for paths in cited.values()))
    assert remove_meeting(gone)
    return gone.stem


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The grown copy, and the slug of the meeting it removed."""
    project = copy_project(tmp_path_factory.mktemp("grown") / "project")
    event = sorted((project / "clusters").glob("*/event.yaml"))[0].parent  # forum-2021 today
    add_event(project)
    add_meeting(project, event)
    gone = remove_the_first_meeting_alone_citing_a_source(event)
    return project, gone


def test_the_grown_copy_is_valid_and_has_grown(grown):
    project, gone = grown
    output = meetings(project, "validate")
    assert re.fullmatch(r"OK: 2 events, \d+ meetings, no problem\.\n", output), output
    events = sorted(p.parent.name for p in (project / "clusters").glob("*/event.yaml"))
    assert NEW_EVENT in events and len(events) == 2
    assert not list((project / "clusters").glob(f"*/{gone}.yaml"))


@pytest.mark.build
def test_the_record_reading_tests_pass_on_the_grown_copy(grown):
    project, _ = grown
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--deselect",
            TODAY,
            *ON_THE_COPY,
        ],
        cwd=project,
        env=environment(project),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
