"""Drafts: ``draft: true`` keeps an unfinished record out of the published site.

``make validate`` lists a draft's problems as warnings and exits with 0 when only
drafts have problems; ``make build`` (and CI) leave every draft out, an event with
all its meetings, with one line saying so; ``mkdocs serve`` shows a draft, marked
"Draft" on its page, once it has no problem left. Removing ``draft: true`` makes
it an ordinary record, checked strictly. The drafts are made-up meetings and
events added to copies of the real records.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from meetings.catalog import Catalog, collect
from meetings.cli import main
from meetings.load import parse_yaml
from meetings.memo import KeptWork
from meetings.model import Meeting
from meetings.quotes import NAME, paragraphs_of

from .helpers import ROOT, fetch, make_full_project, mkdocs_serve, run_make, wait_for
from .records import SAMPLE, add_passages, add_sample, quoted_values

DRAFT = "draft: true\n"
LEFT_OUT = (
    f"{SAMPLE.file}, the source '{SAMPLE.source}' of {SAMPLE.event_file}, which only they cite"
)
"""The draft left out, and the source that only it cites."""


def as_draft(text: str) -> str:
    """A record's text with ``draft: true`` after its first line (the schema's)."""
    first, rest = text.split("\n", 1)
    return f"{first}\n{DRAFT}{rest}"


def unfinished(text: str) -> str:
    """The example meeting with two fields still empty, as ``make new`` leaves them."""
    text = re.sub(r"(?m)^  name: .*$", "  name:", text)
    return re.sub(r"(?m)^cites: .*$", "cites:\n  -", text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project ``make`` runs in, with the example meeting as a draft."""
    project = make_full_project(tmp_path / "project")
    add_sample(project)
    path = project / SAMPLE.file
    path.write_text(as_draft(path.read_text(encoding="utf-8")), encoding="utf-8")
    return project


def validate(project: Path) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines(), result.stderr


def published(project: Path) -> set[str]:
    """The records the site publishes."""
    catalog = collect(project / "clusters")
    return {e.file for e in catalog.events} | {m.file for m in catalog.meetings}


@pytest.mark.build
def test_a_complete_draft_is_valid_and_left_out_of_the_build(project: Path):
    code, lines, _ = validate(project)
    assert code == 0
    assert lines == [lines[0]] and lines[0].endswith(f"left out as drafts: {LEFT_OUT}.")
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "Drafts left out" in line]
    assert said == [
        "INFO    -  Drafts left out of the site, shown by 'make serve' once complete; remove "
        f"'draft: true' to publish one: {LEFT_OUT}"
    ]
    site = project / "site"
    assert not (site / SAMPLE.event / SAMPLE.slug).exists()
    assert SAMPLE.file not in published(project)
    data = json.loads((site / "meetings.json").read_bytes())
    assert SAMPLE.slug not in [m["slug"] for m in data["meetings"]]
    assert "Sample Procurement" not in (site / "search" / "search_index.json").read_text("utf-8")


@pytest.mark.build
def test_a_draft_s_problems_are_warnings_and_the_rest_is_built(project: Path):
    path = project / SAMPLE.file
    text = unfinished(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    code, lines, _ = validate(project)
    assert code == 0
    name = next(n for n, line in enumerate(text.splitlines(), 1) if line == "  name:")
    cites = next(n for n, line in enumerate(text.splitlines(), 1) if line == "cites:") + 1
    assert lines == [
        f"{SAMPLE.file}:{name}:8: warning: cluster.name: expected text, found nothing "
        "(an empty value)",
        f"{SAMPLE.file}:{cites}:4: warning: cites[0]: expected text, found nothing "
        "(an empty value)",
        lines[-1],
    ]
    assert lines[-1].endswith(f"left out as drafts: {LEFT_OUT} (2 warnings above).")
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr  # the build says one line, not the draft's problems
    assert not (project / "site" / SAMPLE.event / SAMPLE.slug).exists()


@pytest.mark.build
def test_without_draft_true_the_record_is_checked_strictly(project: Path):
    path = project / SAMPLE.file
    path.write_text(unfinished(path.read_text(encoding="utf-8")).replace(DRAFT, ""), "utf-8")
    code, lines, stderr = validate(project)
    assert code == 1
    assert [line.split(": ")[1] for line in lines] == ["cluster.name", "cites[0]"]
    assert "warning" not in "\n".join(lines)
    assert stderr == "2 problems in 1 file.\n"
    result = run_make(project, "build")
    assert result.returncode != 0


def test_draft_must_be_true_or_false(project: Path):
    path = project / SAMPLE.file
    path.write_text(path.read_text(encoding="utf-8").replace(DRAFT, "draft: yes\n"), "utf-8")
    code, lines, _ = validate(project)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "draft: expected true or false, found text 'yes'"
    ]


def test_a_draft_yields_to_a_published_meeting(project: Path):
    """A draft that takes a published meeting's cluster number is the one told."""
    meetings = collect(project / "clusters").meetings
    first = next(m for m in meetings if m.event.slug == SAMPLE.event)
    path = project / SAMPLE.file
    text = re.sub(
        r"(?m)^  number: .*$", f"  number: {first.cluster.number}", path.read_text("utf-8")
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"  number: {first.cluster.number}") + 1
    code, lines, _ = validate(project)
    assert code == 0
    assert [line.split(": ")[:2] for line in lines[:-1]] == [
        [f"{SAMPLE.file}:{line}:11", "warning"]
    ], lines
    assert f"Action Cluster {first.cluster.number} already has a meeting" in lines[0]
    assert first.file in published(project)


@pytest.mark.build
def test_a_source_only_a_draft_cites_is_left_out_with_it(project: Path):
    event = project / SAMPLE.event_file
    event.write_text(
        event.read_text(encoding="utf-8") + "  - id: draft-only\n    publisher: A publisher\n"
        "    url: https://example.org/draft-only\n    supports: The draft's speaker.\n"
        "    passages: [Sample Speaker]\n",
        encoding="utf-8",
    )
    path = project / SAMPLE.file
    text = path.read_text(encoding="utf-8")
    head, tail = text.rsplit("\n    cites: [", 1)  # the speaker's own, the last line
    path.write_text(f"{head}\n    cites: [draft-only, {tail}", "utf-8")
    code, lines, _ = validate(project)
    assert code == 0, lines
    assert lines[-1].endswith(
        f"left out as drafts: {LEFT_OUT}, the source 'draft-only' of {SAMPLE.event_file}, "
        "which only they cite."
    )
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr
    about = (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "https://example.org/draft-only" not in about
    assert "draft-only" not in (project / "site" / "meetings.json").read_text(encoding="utf-8")


def test_a_draft_event_is_left_out_with_every_meeting(project: Path):
    """``make new-event`` and ``make new`` write drafts; a meeting of a draft event that is
    not a draft itself could never be published: it is refused."""
    assert run_make(project, "new-event", SLUG="forum-2098").returncode == 0
    new = run_make(project, "new", TITLE="Action Cluster 1 - Drafted meeting", EVENT="forum-2098")
    assert new.returncode == 0, new.stderr
    written = re.match(r"Wrote (\S+):", new.stdout)[1]
    code, lines, _ = validate(project)
    assert code == 0
    assert all(": warning: " in line for line in lines[:-1])
    assert lines[-1].endswith(
        f"left out as drafts: {SAMPLE.file}, clusters/forum-2098/ (the event and its 1 meeting), "
        f"the source '{SAMPLE.source}' of {SAMPLE.event_file}, which only they cite "
        f"({len(lines) - 1} warnings above)."
    )
    # The meeting, finished and no longer a draft, in an event that still is one.
    meeting = project / written
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(DRAFT, ""), "utf-8")
    code, lines, _ = validate(project)
    assert code == 1
    (error,) = [line for line in lines if ": warning: " not in line]
    assert error.startswith(f"{written}:")
    assert (
        "this meeting is not a draft, but its event is (clusters/forum-2098/event.yaml), and a "
        "meeting is published with its event: remove 'draft: true' from the event too, or "
        "write 'draft: true' here"
    ) in error


@pytest.mark.build
def test_the_preview_shows_a_complete_draft_marked_as_such(project: Path):
    """``mkdocs serve``: the complete draft is there, marked "Draft"; an unfinished one is
    not, and its problems are printed; without ``draft: true`` the mark goes."""
    other = project / SAMPLE.folder / "zz-unfinished.yaml"
    text = (project / SAMPLE.file).read_text(encoding="utf-8")
    other.write_text(
        unfinished(
            re.sub(
                r"(?m)^  number: .*$",
                f"  number: {SAMPLE.number + 1}",
                text.replace(f"slug: {SAMPLE.slug}", "slug: zz-unfinished"),
            )
        ),
        encoding="utf-8",
    )
    with mkdocs_serve(project) as (base, output):
        page = base + f"{SAMPLE.event}/{SAMPLE.slug}/"
        shown = fetch(page)
        assert shown is not None
        mark = lxml_html.fromstring(shown).xpath(
            "//article//div[contains(@class, 'admonition')]/p[@class='admonition-title']/text()"
        )
        assert mark == ["Draft"]
        assert fetch(base + f"{SAMPLE.event}/zz-unfinished/") is None
        assert output.has(f"{SAMPLE.folder}/zz-unfinished.yaml:")
        assert output.has(": warning: cluster.name: expected text")
        assert output.has(
            f"Drafts left out of the site, not complete yet (the problems above): "
            f"{SAMPLE.folder}/zz-unfinished.yaml"
        )

        path = project / SAMPLE.file
        path.write_text(path.read_text(encoding="utf-8").replace(DRAFT, ""), "utf-8")

        def unmarked() -> bool:
            served = fetch(page)
            return served is not None and "admonition-title" not in served

        assert wait_for(unmarked), "\n".join(output.lines)


# --------------------------------------------------------------------------
# A draft beside a published meeting of another event
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Across:
    """A draft in the first event folder (by name) that writes a topic of a published meeting
    of the last one in capitals: the topics page would list them as one."""

    clusters: Path
    draft: str
    """The draft's file, as problems name it."""
    other: str
    """The published meeting's file."""
    topic: str
    """Its topic, which the draft writes in capitals."""


def across_events(tmp_path: Path) -> Across:
    """The made-up events of ``tests/fixtures/`` (nothing of the real records), with a draft
    made from a meeting of the last event, moved to the first and a topic written otherwise."""
    clusters = tmp_path / "clusters"
    for event in sorted((ROOT / "tests" / "fixtures").glob("*/event.yaml")):
        shutil.copytree(event.parent, clusters / event.parent.name)
    catalog = collect(clusters, tmp_path)
    first, last = sorted(catalog.events, key=lambda event: event.slug)[:: len(catalog.events) - 1]
    taken = {topic.casefold() for meeting in first.meetings for topic in meeting.topics}
    other, topic = next(
        (meeting, topic)
        for meeting in last.meetings
        if len(meeting.topics) > 1
        for topic in meeting.topics
        if topic.casefold() not in taken and topic.upper() != topic
    )
    text = (tmp_path / other.file).read_text(encoding="utf-8")
    number = max(meeting.cluster.number for meeting in first.meetings) + 1
    slug = f"{other.slug}-draft"
    text = text.replace(f"\nslug: {other.slug}\n", f"\nslug: {slug}\n")
    text = re.sub(r"(?m)^  number: .*$", f"  number: {number}", text, count=1)
    text = re.sub(r"(?m)^date: .*$", f"date: {first.start_date.isoformat()}", text)
    assert text.count(f"\n  - {topic}\n") == 1
    text = text.replace(f"\n  - {topic}\n", f"\n  - {topic.upper()}\n") + DRAFT
    draft = clusters / first.slug / f"{slug}.yaml"
    draft.write_text(text, encoding="utf-8")
    # What it quotes, in the passages of its sources (of its new event).
    for quoted, kind, cites in quoted_values(parse_yaml(text), Meeting):
        for source in cites:
            parts = [quoted] if kind == NAME else paragraphs_of(quoted)
            add_passages(clusters, source, *parts, event=f"{first.slug}/event.yaml")
    return Across(clusters, f"clusters/{first.slug}/{slug}.yaml", other.file, topic)


def shown(catalog: Catalog) -> tuple[list[str], list[str]]:
    """The records a catalog shows, and what it leaves out."""
    files = [e.file for e in catalog.events] + [m.file for m in catalog.meetings]
    return files, catalog.left_out


def test_a_draft_yields_to_a_published_meeting_of_another_event(tmp_path: Path):
    """Whatever the order of their folders: the draft is told, the published meeting is not,
    and the site is built without the draft."""
    case = across_events(tmp_path)
    for preview in (False, True):
        catalog = collect(case.clusters, tmp_path, preview=preview)
        (warning,) = catalog.warnings
        assert warning.file == case.draft and case.topic.upper() in warning.message
        files, left_out = shown(catalog)
        assert case.other in files and case.draft not in files
        assert left_out == [case.draft]


def test_the_preview_shows_a_draft_once_another_event_no_longer_stops_it(tmp_path: Path):
    """``mkdocs serve`` keeps its work by what it is made from (``meetings.memo``): the draft
    and its event are unchanged, but what stopped it, in another event, is gone; the
    preview shows it then, as a fresh one would."""
    case = across_events(tmp_path)
    kept = KeptWork()
    before = collect(case.clusters, tmp_path, preview=True, memo=kept)
    kept.done()
    assert case.draft not in shown(before)[0]
    other = tmp_path / case.other
    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace(f"\n  - {case.topic}\n", "\n"), encoding="utf-8")
    after = collect(case.clusters, tmp_path, preview=True, memo=kept)
    fresh = collect(case.clusters, tmp_path, preview=True)
    assert case.draft in shown(after)[0]
    assert shown(after) == shown(fresh)
