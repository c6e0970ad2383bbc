"""The navigation stays the same size however many events the site holds.

Material prints the whole navigation into every page, so it lists only the
newest events (``NAV_EVENTS``), each with its meetings; the pages of older
events are built outside it and reached from the home page and their event
page. Synthetic records from the benchmark's generator (``scripts/bench.py``)
make a site of several events.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

import bench
from meetings.catalog import Catalog, build, collect
from meetings.navigation import NAV_EVENTS, navigation, outside_nav, titles

from .helpers import ROOT, building, fixture_catalog, make_project, mkdocs_build, url

MEETINGS = 60  # 5 to 9 events of 6 to 12 meetings
STATIC = ["index.md", "topics.md", "about.md"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("nav") / "project", clusters=None)
    bench.generate(project, MEETINGS)
    return project


@pytest.fixture(scope="module")
def catalog(project: Path) -> Catalog:
    return collect(project / "clusters", project)


@pytest.fixture(scope="module")
@building
def site(project: Path) -> Path:
    site = project.parent / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr  # --strict: no warning either
    return site


def nav_pages(items: list) -> list[str]:
    pages: list[str] = []
    for item in items:
        if isinstance(item, str):
            pages.append(item)
        else:
            for value in item.values():
                pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_the_newest_events_with_their_meetings_then_the_other_pages(catalog: Catalog):
    assert len(catalog.events) > NAV_EVENTS + 1
    nav = navigation(catalog, STATIC, Path("docs"))
    newest = catalog.events[:NAV_EVENTS]
    assert nav == [
        "index.md",
        *[
            {title: [e.page, *(m.page for m in e.meetings)]}
            for e, title in zip(newest, titles(newest), strict=True)
        ],
        "topics.md",
        "about.md",
    ]
    assert [e.start_date for e in newest] == sorted(
        (e.start_date for e in catalog.events), reverse=True
    )[:NAV_EVENTS]


def test_events_side_by_side_are_named_alike(tmp_path: Path):
    """Short names when every event listed has one; full names otherwise (issue 20)."""
    real = collect(ROOT / "clusters", ROOT)
    one_meeting = fixture_catalog(tmp_path / "clusters")
    short = [e for e in [*real.events, *one_meeting.events] if e.short_name]
    long = [e for e in one_meeting.events if not e.short_name]
    assert short and long, "the records and fixtures no longer have both kinds"
    assert titles(short) == [e.short_name for e in short]
    assert titles([*short, long[0]]) == [e.name for e in [*short, long[0]]]
    assert titles([long[0]]) == [long[0].name]
    # The newest real event beside the one-meeting fixture: both listed by their names.
    both = build([collect(ROOT / "clusters", ROOT).events[0], long[0]])
    sections = [item for item in navigation(both, STATIC, Path("docs")) if isinstance(item, dict)]
    listed = both.events[:NAV_EVENTS]
    assert [next(iter(item)) for item in sections] == [e.name for e in listed]


def test_every_page_is_either_in_the_navigation_or_outside_it(catalog: Catalog):
    listed = set(nav_pages(navigation(catalog, STATIC, Path("docs"))))
    hidden = outside_nav(catalog)
    every = {e.page for e in catalog.events} | {m.page for m in catalog.meetings}
    assert listed.isdisjoint(hidden)
    assert every == (listed - set(STATIC)) | hidden
    assert {e.page for e in catalog.events[NAV_EVENTS:]} <= hidden


def test_the_number_of_events_is_a_setting(catalog: Catalog):
    one = navigation(catalog, STATIC, Path("docs"), events=1)
    assert len(one) == 1 + 1 + 2
    assert len(outside_nav(catalog, events=1)) == sum(
        1 + len(e.meetings) for e in catalog.events[1:]
    )
    # The real site's newest events are listed whole, as before; older ones are outside.
    real = collect(ROOT / "clusters", ROOT)
    listed, older = real.events[:NAV_EVENTS], real.events[NAV_EVENTS:]
    assert outside_nav(real) == {p for e in older for p in (e.page, *(m.page for m in e.meetings))}
    pages = sum(1 + len(e.meetings) for e in listed)
    assert len(nav_pages(navigation(real, STATIC, Path("docs")))) == 3 + pages


def nav_targets(site: Path, url: str) -> set[str]:
    """The site addresses the primary navigation of the page at ``url`` links to."""
    tree = lxml_html.parse(str(site / url / "index.html")).getroot()
    hrefs = tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")
    base = "https://site.test/"
    return {
        urljoin(base + url, href).removeprefix(base)
        for href in hrefs
        if not href.startswith("#") and "://" not in href
    }


def test_older_events_are_built_and_reached_from_the_home_page(site: Path, catalog: Catalog):
    home = lxml_html.parse(str(site / "index.html")).getroot()
    home_links = set(home.xpath("//article//a/@href"))
    for event in catalog.events[NAV_EVENTS:]:
        assert url(event) in home_links, url(event)  # under "Earlier events"
        event_page = lxml_html.parse(str(site / url(event) / "index.html")).getroot()
        links = set(event_page.xpath("//article//a/@href"))
        for meeting in event.meetings:
            assert (site / url(meeting) / "index.html").is_file()
            assert f"../{url(meeting)}" in links or url(meeting).split("/", 1)[1] in links


def test_every_page_carries_the_same_bounded_navigation(site: Path, catalog: Catalog):
    newest = catalog.events[:NAV_EVENTS]
    expected = {"", "topics/", "about/"}
    expected |= {url(e) for e in newest} | {url(m) for e in newest for m in e.meetings}
    assert nav_targets(site, url(catalog.events[0].meetings[0])) == expected
    assert nav_targets(site, url(catalog.events[-1].meetings[-1])) == expected
    assert nav_targets(site, url(catalog.events[-1])) == expected


def test_a_meeting_page_stays_small(site: Path, catalog: Catalog):
    sizes = [(site / url(m) / "index.html").stat().st_size for m in catalog.meetings]
    assert max(sizes) <= 40_000, max(sizes)
