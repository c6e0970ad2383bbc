"""``make serve`` stays fast and never serves a stale page.

``mkdocs serve --dirty`` runs on a copy of the project (the real records and
the made-up events of ``tests/fixtures/``, so that there are several events,
one of them outside the navigation, and related meetings across events). The
plugin keeps its work from one rebuild to the next and MkDocs builds again only
the pages that changed (``meetings.preview``); after each edit, the folder the
server serves must be, file for file, what a fresh build of the same files
makes (as a new ``mkdocs serve`` builds them: drafts shown), and the pages the
edit concerns must have changed. How fast it is is ``make bench``'s business,
not the tests'.
"""

from __future__ import annotations

import difflib
import gzip
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from meetings.banner import BANNER_ID
from meetings.catalog import collect
from meetings.cli import main
from meetings.load import parse_yaml

from .helpers import (
    BUILD_ENV,
    EXAMPLE_REPO,
    ROOT,
    Output,
    build_in_process,
    building,
    fetch,
    free_port,
    make_project,
    set_plugin_option,
    url,
    wait_for,
)
from .records import add_passages, cut_a_word

FIXTURES = ROOT / "tests" / "fixtures"
SERVED_ENV = {**BUILD_ENV, "REPO_URL": EXAMPLE_REPO}  # with edit buttons, which name the records
HIDDEN = "clusters/synthetic-meetup-2019/m1-synthetic-light.yaml"
"""A meeting of the made-up event outside the navigation (``tests/fixtures/``)."""


@dataclass(frozen=True)
class Edited:
    """The meeting the test edits, chosen from the records, whatever they are: the first
    one (of the records, then of the made-up events) with a topic it shares with a meeting
    of another event, and another topic, written as the lines edited below are."""

    record: str
    """Its file, relative to the project."""
    page: str
    """Its page under ``docs/``."""
    event: str
    """Its event's folder."""
    topic: str
    """A topic it shares with a meeting of another event."""
    date: str
    """Its ``date:`` line."""
    title: str
    """Its ``title:`` line."""
    slug: str
    number: int
    """Its cluster's number: ``number`` of its ``cluster``."""
    free: int
    """A cluster number no meeting of its event has."""


def edited_meeting(project: Path) -> Edited:
    catalog = collect(project / "clusters", project)
    # A meeting of the records first, then of the made-up events.
    for meeting in sorted(
        catalog.meetings, key=lambda meeting: (FIXTURES / meeting.event.slug).exists()
    ):
        text = (project / meeting.file).read_text(encoding="utf-8")
        lines = {
            "date": f"\ndate: {meeting.date.isoformat()}\n",
            "title": f"\ntitle: {meeting.title}\n",
            "slug": f"\nslug: {meeting.slug}\n",
            "number": f"\n  number: {meeting.cluster.number}\n",
        }
        shared = [
            topic
            for related in meeting.related
            if related.meeting.event.slug != meeting.event.slug
            for topic in related.shared
            if text.count(f"\n  - {topic}\n") == 1
        ]
        # A topic can be left out: it has another.
        if (
            shared
            and len(meeting.topics) > 1
            and all(text.count(line) == 1 for line in lines.values())
        ):
            numbers = {other.cluster.number for other in meeting.event.meetings}
            return Edited(
                meeting.file,
                meeting.page,
                meeting.event.slug,
                shared[0],
                lines["date"].strip(),
                lines["title"].strip(),
                meeting.slug,
                meeting.cluster.number,
                min(set(range(1, 100)) - numbers),
            )
    raise AssertionError("no meeting shares a topic with a meeting of another event")


@dataclass
class Preview:
    """``mkdocs serve --dirty`` on ``project``, serving the folder ``site``."""

    project: Path
    base: str
    site: Path
    output: Output
    meeting: Edited
    epoch: int = 0

    def rebuilt(self, since: int) -> None:
        """Wait until the server serves a build it started after ``since`` (its clock, in
        milliseconds: ``mkdocs.livereload``), after the change it looks for every half
        second was made."""
        deadline = time.monotonic() + 120
        while self.epoch <= since and time.monotonic() < deadline:
            # Answered as soon as a newer build is served.
            answer = fetch(f"{self.base}livereload/{self.epoch}/1", timeout=60)
            if answer is not None:
                self.epoch = int(answer)
        assert self.epoch > since, "no new build:\n" + "\n".join(self.output.lines[-30:])

    def write(self, path: str, text: str | None) -> None:
        """Write (or remove: None) a file of the project, as one change (an editor that
        writes a file in two steps may see it built twice, the last time whole)."""
        file = self.project / path
        since = round(time.monotonic() * 1000)  # the server's clock
        if text is None:
            file.unlink()
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            partial = file.with_name(f".{file.name}.partial")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, file)
        self.rebuilt(since)

    def edit(self, path: str, old: str, new: str) -> None:
        text = (self.project / path).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not once in {path}"
        self.write(path, text.replace(old, new))


@pytest.fixture
@building
def preview(tmp_path: Path) -> Iterator[Preview]:
    project = make_project(tmp_path / "project")
    for event in FIXTURES.iterdir():
        if event.is_dir():
            shutil.copytree(event, project / "clusters" / event.name)
    # The page templates as a folder of the project, to edit them while serving.
    shutil.copytree(ROOT / "scripts" / "meetings" / "templates", project / "templates")
    set_plugin_option(project, "templates_dir", "templates")
    served = tmp_path / "served"  # mkdocs serve builds into a new folder of TMPDIR
    served.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, **SERVED_ENV, "SITE_URL": base, "TMPDIR": str(served)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(process)
    try:
        assert wait_for(lambda: fetch(base) is not None, 120), "\n".join(output.lines)
        (site,) = served.glob("mkdocs_*")
        preview = Preview(project, base, site, output, edited_meeting(project))
        answer = fetch(f"{base}livereload/0/1")
        assert answer is not None
        preview.epoch = int(answer)
        yield preview
    finally:
        process.terminate()
        process.wait(timeout=30)


def files_of(site: Path) -> dict[str, bytes]:
    """Every file of a built site and its bytes (the sitemap's gzip without its header,
    which names the folder it was written in)."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(site).as_posix()] = (
                gzip.decompress(data) if path.suffix == ".gz" else data
            )
    return found


def fresh_build(preview: Preview, tmp: Path) -> dict[str, bytes]:
    """What a new ``mkdocs serve``'s first build makes of the same files (a new plugin, which
    has kept nothing; drafts shown), for the address the server serves at."""
    site = tmp / f"fresh-{preview.epoch}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**SERVED_ENV, "SITE_URL": preview.base}.items():
            patch.setenv(name, value)
        build_in_process(preview.project, site, command="serve")
    return files_of(site)


def assert_as_fresh(preview: Preview, tmp: Path, what: str) -> dict[str, bytes]:
    """The folder served is what a fresh build of the same files makes; return its files."""
    served, fresh = files_of(preview.site), fresh_build(preview, tmp)
    stale = sorted(set(served) - set(fresh))
    missing = sorted(set(fresh) - set(served))
    differ = sorted(name for name in set(served) & set(fresh) if served[name] != fresh[name])
    shown = ""
    if differ:
        lines = difflib.unified_diff(
            served[differ[0]].decode(errors="replace").splitlines(),
            fresh[differ[0]].decode(errors="replace").splitlines(),
            "served",
            "fresh",
            lineterm="",
        )
        shown = f"\n{differ[0]}:\n" + "\n".join(line[:200] for line in list(lines)[:30])
    assert (stale, missing, differ) == ([], [], []), f"after {what}: stale, missing, differ{shown}"
    return served


def fetch_page(address: str) -> str:
    """A page the server serves, found or not (its not-found page)."""
    try:
        with urllib.request.urlopen(address, timeout=30) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


def banner_of(page: str) -> str | None:
    """The text of the errors' banner of a page served, if it has one."""
    found = lxml_html.fromstring(page).xpath(f"//*[@id='{BANNER_ID}']")
    return found[0].text_content() if found else None


def page(files: dict[str, bytes], path: str) -> str:
    return files[url(path) + "index.html"].decode()


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in before.keys() & after.keys() if before[name] != after[name]}


def test_every_edit_during_serve_shows_as_a_fresh_build_would(preview: Preview, tmp_path: Path):
    start = assert_as_fresh(preview, tmp_path, "the first build")
    chosen = preview.meeting
    record, event = chosen.record, chosen.event
    meeting_page = url(chosen.page) + "index.html"
    event_page = url(f"{event}/index.md") + "index.html"

    # A record's summary (a word cut, still a quotation of its source): its page, its
    # event's page (which quotes the start of it), the home page, the search index, its
    # calendar, the feed and meetings.json.
    text, shown = cut_a_word((preview.project / record).read_text(encoding="utf-8"))
    preview.write(record, text)
    after = assert_as_fresh(preview, tmp_path, "a record's summary")
    assert shown in page(after, chosen.page)
    assert {meeting_page, "search/search_index.json", "meetings.json", "feed.xml"} <= changed(
        start, after
    )

    # An event's text (a word cut): its page and meetings.json.
    before = after
    event_file = f"clusters/{event}/event.yaml"
    text, _ = cut_a_word((preview.project / event_file).read_text(encoding="utf-8"), "description")
    preview.write(event_file, text)
    after = assert_as_fresh(preview, tmp_path, "an event's description")
    assert {event_page, "meetings.json"} <= changed(before, after)

    # A page template: every meeting's page.
    before = after
    template = "templates/meeting.md.j2"
    preview.edit(template, "## Related meetings\n", "## Related meetings\n\nEdited template.\n")
    after = assert_as_fresh(preview, tmp_path, "a page template")
    assert meeting_page in changed(before, after)

    # A topic a meeting shares with another (of another event) left out: the meetings it
    # is related to change, and the topics page.
    before = after
    preview.edit(record, f"\n  - {chosen.topic}\n", "\n")
    after = assert_as_fresh(preview, tmp_path, "a shared topic")
    assert {meeting_page, url("topics.md") + "index.html"} <= changed(before, after)

    # A title in the navigation (a name its source is given too): every page shows it.
    before = after
    title = "An edited meeting title"
    source = parse_yaml((preview.project / record).read_text(encoding="utf-8"))["cites"][0]
    since = round(time.monotonic() * 1000)  # the server's clock
    add_passages(
        preview.project / "clusters", source, title, event=event_file.removeprefix("clusters/")
    )
    preview.rebuilt(since)
    preview.edit(record, f"\n{chosen.title}\n", f"\ntitle: {title}\n")
    after = assert_as_fresh(preview, tmp_path, "a title in the navigation")
    assert url("about.md") + "index.html" in changed(before, after)

    # A meeting of an event outside the navigation.
    before = after
    preview.write(HIDDEN, cut_a_word((preview.project / HIDDEN).read_text(encoding="utf-8"))[0])
    after = assert_as_fresh(preview, tmp_path, "a meeting outside the navigation")
    hidden_page = url("synthetic-meetup-2019/m1-synthetic-light.md") + "index.html"
    assert hidden_page in changed(before, after)

    # A meeting made a draft: the preview shows it, marked "Draft"; then published again.
    before = after
    text = (preview.project / record).read_text(encoding="utf-8")
    preview.write(record, text.removesuffix("\n") + "\ndraft: true\n")
    after = assert_as_fresh(preview, tmp_path, "a meeting made a draft")
    assert meeting_page in changed(before, after)
    assert '<p class="admonition-title">Draft</p>' in page(after, chosen.page)
    preview.write(record, text)
    after = assert_as_fresh(preview, tmp_path, "a draft published")
    assert '<p class="admonition-title">Draft</p>' not in page(after, chosen.page)

    # A meeting added, then removed: its page and calendar come, then go.
    slug = f"ac{chosen.free}-added-meeting"
    added = f"clusters/{event}/{slug}.yaml"
    text = (preview.project / record).read_text(encoding="utf-8")
    text = text.replace(f"\nslug: {chosen.slug}\n", f"\nslug: {slug}\n")
    text = text.replace(f"\n  number: {chosen.number}\n", f"\n  number: {chosen.free}\n")
    preview.write(added, text)
    after = assert_as_fresh(preview, tmp_path, "a meeting added")
    assert url(f"{event}/{slug}.md") + "index.html" in after
    preview.write(added, None)
    after = assert_as_fresh(preview, tmp_path, "a meeting removed")
    assert url(f"{event}/{slug}.md") + "index.html" not in after

    # A record's file renamed, its page the same: the page's edit button opens the new file.
    before = after
    moved = record.removesuffix(".yaml") + "-moved.yaml"
    (preview.project / moved).write_bytes((preview.project / record).read_bytes())
    preview.write(record, None)
    after = assert_as_fresh(preview, tmp_path, "a record's file renamed")
    assert meeting_page in changed(before, after)
    preview.write(record, (preview.project / moved).read_text(encoding="utf-8"))
    preview.write(moved, None)
    after = assert_as_fresh(preview, tmp_path, "a record's file renamed back")

    # A page of docs/.
    before = after
    preview.edit("docs/about.md", "# About this site\n", "# About this site\n\nEdited page.\n")
    after = assert_as_fresh(preview, tmp_path, "a page of docs/")
    assert "Edited page." in page(after, "about.md")

    # A mistake in a record: nothing changes in the folder served, and every page served
    # shows the lines `meetings validate` prints; fixed, the site is as fresh, no banner.
    before = after
    wrong = chosen.date[:11] + "13" + chosen.date[13:]  # date: YYYY-13-DD
    preview.edit(record, f"\n{chosen.date}\n", f"\n{wrong}\n")
    assert files_of(preview.site) == before, "a wrong record changed the site"
    result = CliRunner().invoke(main, ["--root", str(preview.project), "validate"])
    problems = [line for line in result.output.splitlines() if ".yaml:" in line]
    assert result.exit_code == 1 and problems, result.output
    for served in ("", url(chosen.page), url("about.md"), "no-such-page/"):
        shown = banner_of(fetch_page(preview.base + served))
        assert shown is not None and all(line in shown for line in problems), served
    assert all(BANNER_ID.encode() not in data for data in files_of(preview.site).values())
    preview.edit(record, f"\n{wrong}\n", f"\n{chosen.date}\n")
    assert_as_fresh(preview, tmp_path, "a mistake fixed")
    assert banner_of(fetch_page(preview.base)) is None

    # A theme override that fails while MkDocs writes the pages: the last good site is
    # put back whole; fixed, the site is as fresh.
    before = files_of(preview.site)
    preview.edit("overrides/main.html", "{% block extrahead %}", "{% block extrahead %}{{ 1 / 0 }}")
    assert files_of(preview.site) == before, "a failed build changed the site"
    assert "division by zero" in (banner_of(fetch_page(preview.base)) or "")
    preview.edit("overrides/main.html", "{% block extrahead %}{{ 1 / 0 }}", "{% block extrahead %}")
    assert_as_fresh(preview, tmp_path, "a theme override fixed")

    # The site's settings: every page.
    before = files_of(preview.site)
    preview.edit("mkdocs.yml", "site_name: Action Cluster meetings", "site_name: Renamed site")
    after = assert_as_fresh(preview, tmp_path, "mkdocs.yml")
    assert changed(before, after) >= {meeting_page, event_page, url("about.md") + "index.html"}


def test_a_first_rebuild_that_fails_leaves_the_first_build_whole(preview: Preview):
    """The first build of ``mkdocs serve`` runs before the plugin wraps the rebuilds: what
    it wrote must stay when the next one fails."""
    first = files_of(preview.site)
    chosen = preview.meeting
    wrong = chosen.date[:11] + "13" + chosen.date[13:]  # date: YYYY-13-DD
    preview.edit(chosen.record, f"\n{chosen.date}\n", f"\n{wrong}\n")
    assert files_of(preview.site) == first
