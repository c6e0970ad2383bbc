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

from .helpers import ROOT, make_project, mkdocs_build, url

FIXTURE = Path(__file__).parent / "fixtures" / "synthetic-forum-2030"
SLUG = FIXTURE.name
SITE_URL = load_config(config_file=str(ROOT / "mkdocs.yml")).site_url


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("events") / "project")
    shutil.copytree(FIXTURE, project / "clusters" / SLUG)
    return project


@pytest.fixture(scope="module")
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
    assert sorted(p.name for p in (project / "clusters").iterdir()) == ["forum-2021", SLUG]


def test_the_newest_event_comes_first(catalog):
    assert [e.slug for e in catalog.events] == [SLUG, "forum-2021"]
    assert len(catalog.meetings) == 9


def test_navigation_and_home_page_gain_the_event(site: Path, catalog):
    new, old = catalog.events
    home = page(site, "")
    nav = home.xpath("//nav[contains(@class, 'md-nav--primary')]")[0]
    assert "Test Forum 2030" in text_of(nav)
    assert "Forum 2021" in text_of(nav)
    nav_links = nav.xpath(".//a/@href")
    for entry in catalog.meetings:
        assert any(href.rstrip("/").endswith(entry.slug) for href in nav_links)
    article = home.xpath("//article")[0]
    # The newest event heads the page, its meetings as cards, then a link to its page.
    assert heading(home) == new.name
    cards = article.xpath(".//*[contains(@class, 'meeting-cards')]//li//strong/a")
    assert [(text_of(a), a.get("href")) for a in cards] == [
        (entry.title, url(entry)) for entry in new.meetings
    ]
    assert url(new) in article.xpath(".//a/@href")
    for entry in new.meetings:
        assert entry.one_line in text_of(article)
    earlier = article.xpath(
        ".//h2[starts-with(normalize-space(), 'Earlier events')]/following-sibling::ul[1]"
    )
    assert old.name in text_of(earlier[0])


def test_event_and_meeting_pages_exist(site: Path, catalog):
    new = catalog.events[0]
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
    shared = [e.slug for e in catalog.topics["renewable energy"]]
    assert shared == ["t1-synthetic-energy", "ac1-business-models-finance"]
    for entry in catalog.topics["renewable energy"]:
        assert f'href="../{url(entry)}"' in content


def test_related_meetings_reach_across_events(site: Path, catalog):
    t1 = catalog.events[0].meetings[0]
    assert [(r.meeting.slug, r.shared) for r in t1.related] == [
        ("t2-synthetic-data", ("synthetic testing", "alpha")),
        ("ac1-business-models-finance", ("renewable energy",)),
    ]
    tree = page(site, url(t1))
    heading = tree.xpath("//article//h2[starts-with(normalize-space(), 'Related meetings')]")[0]
    items = heading.xpath("following-sibling::ul[1]/li")
    assert [text_of(li.xpath("a")[0]) for li in items] == [
        "Test Cluster 2 - Synthetic Data meeting",
        "Action Cluster 1 - Business Models & Finance meeting",
    ]


def test_calendars_gain_the_event(site: Path, catalog):
    new = catalog.events[0]
    events = icalendar.Calendar.from_ical((site / f"{SLUG}.ics").read_bytes()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [m.title for m in new.meetings]
    # The first meeting's times are known: a timed event, in UTC.
    assert events[0].decoded("dtstart") == dt.datetime(2030, 5, 15, 7, 30, tzinfo=dt.UTC)
    assert events[0].decoded("dtend") == dt.datetime(2030, 5, 15, 9, 0, tzinfo=dt.UTC)
    # The others are all-day events on their day.
    assert events[2].decoded("dtstart") == dt.date(2030, 5, 14)
    assert events[2].decoded("dtend") == dt.date(2030, 5, 15)
    old = icalendar.Calendar.from_ical((site / "forum-2021.ics").read_bytes()).walk("VEVENT")
    assert len(old) == len(catalog.events[1].meetings)
    uids = [str(e["uid"]) for e in [*events, *old]]
    assert len(set(uids)) == 9
    for entry in new.meetings:
        assert (site / entry.calendar).is_file()


def test_feed_gains_the_event(site: Path, catalog):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [SITE_URL + url(m) for m in catalog.meetings]
    assert len(feed.entries) == 9
    assert feed.feed.updated_parsed[:3] == (2030, 6, 1)  # the newest record


def test_meetings_json_gains_the_event(site: Path, catalog):
    data = json.loads((site / "meetings.json").read_bytes())
    schema = json.loads((site / DATA_SCHEMA).read_bytes())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [e["slug"] for e in data["events"]] == [SLUG, "forum-2021"]
    assert [m["event"] for m in data["meetings"]] == [SLUG] * 3 + ["forum-2021"] * 6
    assert data["events"][0]["attendance"] == {
        "mode": "online",
        "status": "reported",
        "cites": ["synthetic"],
    }
    assert data["meetings"][0]["time"] == {
        "start": "09:30",
        "end": "11:00",
        "timezone": "Europe/Brussels",
    }


def test_json_ld_states_what_the_new_records_state(site: Path, catalog):
    t1, t2, _ = catalog.events[0].meetings
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
