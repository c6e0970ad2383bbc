"""A second event is its YAML files alone: every output of the site gains it.

The made-up event in ``tests/fixtures/synthetic-forum-2030/`` is added beside the
real records in a copy of the project; nothing else changes (no code, no
template, no configuration), and the navigation, the home page, the event
page, the topics, the calendars, the feed and ``meetings.json`` all show it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import feedparser
import icalendar
import jsonschema
import pytest
from lxml import html as lxml_html
from mkdocs.config import load_config

from meetings.catalog import collect
from meetings.exports import DATA_SCHEMA
from meetings.navigation import NAV_EVENTS, titles

from .helpers import BUILD_ENV, CLUSTERS, ROOT, building, make_project, mkdocs_build, url

FIXTURE = Path(__file__).parent / "fixtures" / "synthetic-forum-2030"
SLUG = FIXTURE.name
REAL = collect(CLUSTERS)
"""The real records, beside which the made-up event is added."""
SITE_URL = load_config(config_file=str(ROOT / "mkdocs.yml")).site_url


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("events") / "project")
    shutil.copytree(FIXTURE, project / "clusters" / SLUG)
    return project


@pytest.fixture(scope="module")
@building
def site(project: Path) -> Path:
    site = project.parent / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def catalog(project: Path):
    return collect(project / "clusters")


def page(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / url / "index.html")).getroot()


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def heading(tree: lxml_html.HtmlElement) -> str:
    """The page's h1, without the link to itself that Markdown headings get."""
    return "".join(tree.xpath("//article//h1/text()")).strip()


def test_the_copy_differs_from_the_project_only_by_the_new_folder(project: Path):
    for name in ("mkdocs.yml", "docs", "overrides"):
        source, copy = ROOT / name, project / name
        files = [p.relative_to(source) for p in source.rglob("*") if p.is_file()] or [Path()]
        for relative in files:
            assert (copy / relative).read_bytes() == (source / relative).read_bytes()
    real = sorted(p.name for p in CLUSTERS.iterdir())
    assert sorted(p.name for p in (project / "clusters").iterdir()) == sorted([*real, SLUG])


def test_the_newest_event_comes_first(catalog):
    newest_first = sorted(catalog.events, key=lambda e: (e.start_date, e.slug), reverse=True)
    assert catalog.events == newest_first
    assert [e.slug for e in catalog.events if e.slug != SLUG] == [e.slug for e in REAL.events]
    assert len(catalog.meetings) == len(REAL.meetings) + 3


def test_navigation_and_home_page_gain_the_event(site: Path, catalog):
    newest, *older = catalog.events
    home = page(site, "")
    nav = home.xpath("//nav[contains(@class, 'md-nav--primary')]")[0]
    nav_links = nav.xpath(".//a/@href")
    # The newest events, with their meetings; the new one among them if it is new enough.
    listed = catalog.events[:NAV_EVENTS]
    for event, title in zip(listed, titles(listed), strict=True):
        assert title in text_of(nav)
        for entry in event.meetings:
            assert any(href.rstrip("/").endswith(entry.slug) for href in nav_links)
    assert (new_event(catalog) in listed) == ("Test Forum 2030" in text_of(nav))
    article = home.xpath("//article")[0]
    # The newest event heads the page, its meetings as cards, then a link to its page.
    assert heading(home) == newest.name
    cards = article.xpath(".//*[contains(@class, 'meeting-cards')]//li//strong/a")
    assert [(text_of(a), a.get("href")) for a in cards] == [
        (entry.title, url(entry)) for entry in newest.meetings
    ]
    assert url(newest) in article.xpath(".//a/@href")
    for entry in newest.meetings:
        assert entry.one_line in text_of(article)
    earlier = article.xpath(
        ".//h2[starts-with(normalize-space(), 'Earlier events')]/following-sibling::ul[1]"
    )
    for event in older:
        assert event.name in text_of(earlier[0])


def new_event(catalog):
    (event,) = [e for e in catalog.events if e.slug == SLUG]
    return event


def test_event_and_meeting_pages_exist(site: Path, catalog):
    new = new_event(catalog)
    event_page = page(site, url(new))
    assert heading(event_page) == new.name
    assert event_page.xpath("//article//a[contains(@href, '.ics')]/@href") == [f"../{SLUG}.ics"]
    for entry in new.meetings:
        tree = page(site, url(entry))
        assert heading(tree) == entry.title
        assert entry.summary in text_of(tree.xpath("//article")[0])


def test_topics_page_gains_the_new_topics_and_shares_old_ones(site: Path, catalog):
    tree = page(site, "topics")
    content = lxml_html.tostring(tree.xpath("//article")[0], encoding="unicode")
    for topic in ("synthetic testing", "alpha", "beta"):
        assert topic in content
    # "renewable energy" is a topic of a made-up meeting and, perhaps, of real ones.
    (name,) = [t for t in catalog.topics if t.casefold() == "renewable energy"]
    tagged = [m for m in catalog.meetings if "renewable energy" in map(str.casefold, m.topics)]
    assert catalog.topics[name] == tagged
    assert "t1-synthetic-energy" in [m.slug for m in tagged]
    for entry in tagged:
        assert f'href="../{url(entry)}"' in content


def test_related_meetings_reach_across_events(site: Path, catalog):
    t1 = new_event(catalog).meetings[0]
    related = [(r.meeting.slug, r.shared) for r in t1.related]
    assert related[0] == ("t2-synthetic-data", ("synthetic testing", "alpha"))
    # A real meeting that shares a topic with it is related too, from its own event.
    sharing = [m for m in REAL.meetings if {t.casefold() for t in m.topics} & {"renewable energy"}]
    if sharing:
        assert any(r.meeting.event.slug != SLUG for r in t1.related)
    tree = page(site, url(t1))
    heading = tree.xpath("//article//h2[starts-with(normalize-space(), 'Related meetings')]")[0]
    items = heading.xpath("following-sibling::ul[1]/li")
    assert [text_of(li.xpath("a")[0]) for li in items] == [r.meeting.title for r in t1.related]


def test_calendars_gain_the_event(site: Path, catalog):
    new = new_event(catalog)
    events = icalendar.Calendar.from_ical((site / f"{SLUG}.ics").read_bytes()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [m.title for m in new.meetings]
    # The first meeting's times are known: a timed event, in UTC.
    assert events[0].decoded("dtstart") == dt.datetime(2030, 5, 15, 7, 30, tzinfo=dt.UTC)
    assert events[0].decoded("dtend") == dt.datetime(2030, 5, 15, 9, 0, tzinfo=dt.UTC)
    # The others are all-day events on their day.
    assert events[2].decoded("dtstart") == dt.date(2030, 5, 14)
    assert events[2].decoded("dtend") == dt.date(2030, 5, 15)
    old = [
        vevent
        for event in catalog.events
        if event is not new
        for vevent in icalendar.Calendar.from_ical((site / event.calendar).read_bytes()).walk(
            "VEVENT"
        )
    ]
    assert len(old) == len(REAL.meetings)
    uids = [str(e["uid"]) for e in [*events, *old]]
    assert len(set(uids)) == len(catalog.meetings)
    for entry in new.meetings:
        assert (site / entry.calendar).is_file()


def test_feed_gains_the_event(site: Path, catalog):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [SITE_URL + url(m) for m in catalog.meetings]
    # Updated when the newest source a summary quotes was published (undated: the build's).
    built = dt.datetime.fromtimestamp(int(BUILD_ENV["SOURCE_DATE_EPOCH"]), dt.UTC).date()
    quoted = [m.event.source(m.cites[0]) for m in catalog.meetings]
    newest = max(s.published or built for s in quoted)
    assert feed.feed.updated_parsed[:3] == (newest.year, newest.month, newest.day)


def test_meetings_json_gains_the_event(site: Path, catalog):
    data = json.loads((site / "meetings.json").read_bytes())
    schema = json.loads((site / DATA_SCHEMA).read_bytes())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [e["slug"] for e in data["events"]] == [e.slug for e in catalog.events]
    assert [m["event"] for m in data["meetings"]] == [m.event.slug for m in catalog.meetings]
    (event,) = [e for e in data["events"] if e["slug"] == SLUG]
    assert event["attendance"] == {"mode": "online", "status": "reported", "cites": ["synthetic"]}
    (t1,) = [m for m in data["meetings"] if m["slug"] == "t1-synthetic-energy"]
    assert t1["time"] == {
        "start": "09:30",
        "end": "11:00",
        "timezone": "Europe/Brussels",
    }


def test_json_ld_states_what_the_new_records_state(site: Path, catalog):
    t1, t2, _ = new_event(catalog).meetings
    (data,) = [
        json.loads(s.text)
        for s in page(site, url(t1)).xpath("//script[@type='application/ld+json']")
    ]
    assert data["startDate"] == "2030-05-15T09:30:00+02:00"
    assert data["endDate"] == "2030-05-15T11:00:00+02:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["recordedIn"] == {
        "@type": "VideoObject",
        "name": t1.recording.title,
        "url": t1.recording.url,
    }
    (other,) = [
        json.loads(s.text)
        for s in page(site, url(t2)).xpath("//script[@type='application/ld+json']")
    ]
    assert other["startDate"] == other["endDate"] == "2030-05-15"
    assert "recordedIn" not in other
