"""mkdocs.yml owns the layout: where the records are, and the addresses MkDocs gives the pages.

* Every address the site publishes about its records (``meetings.json``, the
  calendars, the feed, the JSON-LD) is that of a file of the built site,
  with ``use_directory_urls`` on (``forum-2021/ac1/``) and off
  (``forum-2021/ac1.html``).
* With the records in another folder (``clusters_dir``), ``make validate``,
  ``make build`` and ``make new`` read and write that folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urldefrag

import feedparser
import icalendar
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from meetings.catalog import collect
from meetings.cli import main

from .helpers import (
    EXAMPLE_REPO,
    make_full_project,
    make_project,
    mkdocs_build,
    run_make,
    set_plugin_option,
)

SITE_URL = "https://example.org/meetings/"


def published_addresses(site: Path) -> dict[str, set[str]]:
    """Every absolute address on the site that the open data and the page heads give."""
    found: dict[str, set[str]] = {"meetings.json": set(), "calendars": set(), "feed": set()}
    data = json.loads((site / "meetings.json").read_bytes())
    found["meetings.json"].add(data["$schema"])
    for record in data["events"] + data["meetings"]:
        found["meetings.json"] |= {record["url"], record["calendar"]}
    for path in site.rglob("*.ics"):
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            found["calendars"].add(str(event["url"]))
            found["calendars"].add(str(event["description"]).rsplit("\n", 1)[-1])
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    found["feed"] |= {link.href for link in feed.feed.links}
    # (An entry's "via" links are its sources, elsewhere.)
    found["feed"] |= {k.href for e in feed.entries for k in e.links if k.rel != "via"}
    found["json-ld"] = set()
    for path in site.rglob("*.html"):
        for script in lxml_html.parse(str(path)).xpath("//script[@type='application/ld+json']"):
            found["json-ld"] |= set(_urls(json.loads(script.text)))
    return found


def _urls(data: object) -> list[str]:
    if isinstance(data, dict):
        return [u for key, value in data.items() for u in _urls(value) if key in {"url", "@id"}]
    if isinstance(data, list):
        return [u for item in data for u in _urls(item)]
    return [data] if isinstance(data, str) and data.startswith(SITE_URL) else []


@pytest.mark.build
@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_published_address_is_a_file_of_the_site(tmp_path: Path, directory_urls: bool):
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"\nuse_directory_urls: {str(directory_urls).lower()}\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site, env={"SITE_URL": SITE_URL})
    assert result.returncode == 0, result.stderr

    found = published_addresses(site)
    pages = len(collect(project / "clusters").meetings) + 1
    assert len(found["json-ld"]) >= pages
    assert all(found.values()), found
    for kind, addresses in found.items():
        for address in addresses:
            assert address.startswith(SITE_URL), (kind, address)
            path = urldefrag(address).url.removeprefix(SITE_URL)
            if path == "" or path.endswith("/"):
                path += "index.html"
            assert (site / path).is_file(), (kind, address)
    pages_named = {a for a in found["meetings.json"] if a.endswith(".html")}
    assert bool(pages_named) == (not directory_urls)


@pytest.mark.build
def test_the_records_can_live_in_another_folder(tmp_path: Path):
    project = make_full_project(tmp_path / "project")
    (project / "clusters").rename(project / "records")
    set_plugin_option(project, "clusters_dir", "records")

    validate = run_make(project, "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert re.match(r"OK: \d+ events?, \d+ meetings?,", validate.stdout)

    build = run_make(project, "build", env={"REPO_URL": EXAMPLE_REPO})  # for edit buttons
    assert build.returncode == 0, build.stderr
    first = collect(project / "records").meetings[0]
    page = project / "site" / first.page.removesuffix(".md") / "index.html"
    edit = lxml_html.parse(str(page)).xpath("//a[contains(@class, 'md-content__button')]/@href")
    assert edit and edit[0].endswith("/records/" + first.page.removesuffix(".md") + ".yaml")

    new = run_make(project, "new", TITLE="Action Cluster 7 - Water meeting")
    assert new.returncode == 0, new.stderr
    written = re.match(r"Wrote (records/[a-z0-9-]+/ac\d+-water\.yaml):", new.stdout)
    assert written, new.stdout
    made = project / written[1]
    first = made.read_text(encoding="utf-8").splitlines()[0]
    schema = first.removeprefix("# yaml-language-server: $schema=")
    assert (made.parent / schema).resolve() == project / "docs" / "schema" / "meeting.schema.json"
    assert not (project / "clusters").exists()


def test_the_command_line_says_when_mkdocs_yml_is_missing(tmp_path: Path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "validate"])
    assert result.exit_code == 1
    assert f"meetings: cannot read {tmp_path / 'mkdocs.yml'}: " in result.stderr
    assert "Traceback" not in result.output
