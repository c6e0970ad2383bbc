"""The open data, read by real clients: the calendars with ``icalendar``, the feed
with ``feedparser``, ``meetings.json`` with ``json`` and ``jsonschema``, the page
metadata with ``lxml`` and ``json``."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import icalendar
import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline
from lxml import etree
from lxml import html as lxml_html
from mkdocs.config import load_config

from meetings.calendars import fold, uid, vevent, when
from meetings.catalog import collect
from meetings.cli import SCHEMAS, main
from meetings.exports import DATA_SCHEMA, build_time, export_files
from meetings.layout import Site
from meetings.load import parse_yaml
from meetings.model import Event, Meeting, json_schema
from meetings.published import OpenData

from . import libical
from .helpers import (
    CLUSTERS,
    PAGE,
    ROOT,
    building,
    built_site_env,
    examples,
    make_project,
    mkdocs_build,
    png_size,
    url,
)
from .records import SAMPLE, add_passages, add_sample

CATALOG = collect(CLUSTERS)
MEETINGS = CATALOG.meetings
EVENT = CATALOG.events[0]
"""The newest event."""
# The address the site is built for: mkdocs.yml's site_url, as the builds see it.
CONFIG = load_config(config_file=str(ROOT / "mkdocs.yml"))
SITE_URL = CONFIG.site_url
ATTACK = "</script><script>alert(1)</script>"
TITLE = f'AC1 "quoted" & <b>bold</b> {ATTACK}'
"""The attacked example meeting's title."""


def page(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / url / "index.html")).getroot()


def calendar_events(path: Path) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def json_ld(tree: lxml_html.HtmlElement) -> list[dict]:
    return [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]


def validator() -> jsonschema.Validator:
    schema = json.loads((ROOT / "docs" / DATA_SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# --------------------------------------------------------------------------
# iCalendar
# --------------------------------------------------------------------------


@pytest.mark.parametrize("record", CATALOG.events, ids=lambda e: e.slug)
def test_each_event_calendar_holds_its_meetings(built_site: Path, record):
    events = calendar_events(built_site / record.calendar)
    assert len(events) == len({str(event["uid"]) for event in events}) == len(record.meetings)
    for event, entry in zip(events, record.meetings, strict=True):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        if entry.time is None:  # all day, on its day
            assert (start, end) == (entry.date, entry.date + dt.timedelta(days=1))
            assert not isinstance(start, dt.datetime)
        else:
            assert isinstance(start, dt.datetime) and start.date() == entry.date
        assert str(event["summary"]) == entry.title
        assert str(event["url"]) == SITE_URL + url(entry)
        assert (built_site / url(entry) / "index.html").is_file()
        assert entry.summary in str(event["description"])
        assert [str(t) for t in event["categories"].cats] == entry.topics
    text = (built_site / record.calendar).read_bytes().decode()  # CRLF line ends kept
    for entry in record.meetings:
        if entry.time is None:
            day = entry.date.strftime("%Y%m%d")
            assert f"DTSTART;VALUE=DATE:{day}\r\n" in text
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["x-wr-calname"]) == record.name


def test_each_meeting_has_its_own_calendar_with_the_same_uid(built_site: Path):
    uids = {
        str(e["url"]): str(e["uid"])
        for record in CATALOG.events
        for e in calendar_events(built_site / record.calendar)
    }
    for entry in MEETINGS:
        (event,) = calendar_events(built_site / entry.calendar)
        assert str(event["summary"]) == entry.title
        assert str(event["uid"]) == uids[SITE_URL + url(entry)]
        start = event.decoded("dtstart")
        assert (start.date() if isinstance(start, dt.datetime) else start) == entry.date


def test_calendars_are_byte_for_byte_what_icalendar_writes(built_site: Path):
    paths = sorted(built_site.rglob("*.ics"))
    assert len(paths) == len(CATALOG.events) + len(MEETINGS)
    for path in paths:
        data = path.read_bytes()
        assert icalendar.Calendar.from_ical(data).to_ical() == data, path


def test_libical_finds_no_error_in_any_calendar(built_site: Path):
    """libical, the iCalendar library of many calendar programs, reads every file
    and checks it against RFC 5545 (tests/libical.py): not one X-LIC-ERROR."""
    paths = sorted(built_site.rglob("*.ics"))
    assert len(paths) == len(CATALOG.events) + len(MEETINGS)
    found = {
        path.relative_to(built_site).as_posix(): libical.problems(path.read_bytes())
        for path in paths
    }
    assert {path: errors for path, errors in found.items() if errors} == {}


BROKEN_CALENDARS = {
    # What the calendars said before issue 20: iTIP's PUBLISH requires an ORGANIZER.
    "METHOD:PUBLISH without an ORGANIZER": (b"CALSCALE:", b"METHOD:PUBLISH\r\nCALSCALE:"),
    "a VEVENT without DTSTAMP": (b"DTSTAMP:", b"X-STAMP:"),
    "a VEVENT without UID": (b"UID:", b"X-ID:"),
    "two UIDs": (b"UID:", b"UID:a\r\nUID:"),
    "a day that is no day": (b"DTSTART;VALUE=DATE:", b"DTSTART;VALUE=DATE:x"),
    "a property of no standard": (b"SUMMARY:", b"SUMARY:"),
    "an unknown value type": (b"DTSTART;VALUE=DATE:", b"DTSTART;VALUE=DAY:"),
}


@pytest.mark.parametrize("change", BROKEN_CALENDARS.values(), ids=BROKEN_CALENDARS)
def test_libical_finds_what_rfc_5545_refuses(built_site: Path, change: tuple[bytes, bytes]):
    """The check can fail: each of these changes to a real calendar makes an error."""
    data = (built_site / EVENT.calendar).read_bytes()
    old, new = change
    assert old in data
    assert libical.problems(data.replace(old, new, 1)) != []


def test_calendar_uids_stay_the_same_on_every_copy_of_the_site():
    """A calendar that imported a meeting from one copy recognises it from any other."""
    here = export_files(
        CATALOG, Site("https://example.org/", "A"), dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    )
    fork = export_files(
        collect(CLUSTERS),
        Site("http://127.0.0.1:8000/fork/", "B"),
        dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    for entry in MEETINGS:
        (ours,) = icalendar.Calendar.from_ical(here[entry.calendar]).walk("VEVENT")
        (theirs,) = icalendar.Calendar.from_ical(fork[entry.calendar]).walk("VEVENT")
        assert str(ours["uid"]) == str(theirs["uid"]) == uid(entry)
    # Published UIDs are a promise: changing them duplicates the meetings in every calendar
    # that imported them. (The UID Action Cluster 1 of the Forum 2021 was published with.)
    published = CATALOG.meetings[0].model_copy(update={"slug": "ac1-business-models-finance"})
    published._event = CATALOG.events[0].model_copy(update={"slug": "forum-2021"})
    assert uid(published) == "d9de2eb5-3b72-5f1f-ad08-edd663c42956"


def test_dtstamp_is_the_source_date_epoch_or_else_the_newest_source_date():
    assert build_time(CATALOG, {"SOURCE_DATE_EPOCH": "1700000000"}) == dt.datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC
    )
    # Without it, the newest date the records give: a source's, or a meeting's day.
    dates = [s.published for e in CATALOG.events for s in e.sources if s.published]
    newest = max([*dates, *(m.date for m in MEETINGS)])
    assert build_time(CATALOG, {}) == dt.datetime(*newest.timetuple()[:3], tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH: 'yesterday' is not a number"):
        build_time(CATALOG, {"SOURCE_DATE_EPOCH": "yesterday"})
    built = build_time(CATALOG, {"SOURCE_DATE_EPOCH": "1700000000"})
    files = export_files(CATALOG, Site("https://example.org/", "A"), built)
    assert b"DTSTAMP:20231114T221320Z\r\n" in files[EVENT.calendar]


# --------------------------------------------------------------------------
# Atom feed
# --------------------------------------------------------------------------


def test_feed_reads_without_errors_one_entry_per_meeting(built_site: Path):
    check_feed(built_site, CATALOG)
    feed = feedparser.parse((built_site / "feed.xml").read_bytes())
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [SITE_URL + "feed.xml"]


def check_feed(built_site: Path, catalog) -> None:
    """One entry per meeting, with its record's title, summary, topics and sources."""
    meetings = catalog.meetings
    feed = feedparser.parse((built_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == len(meetings)
    assert [e.title for e in feed.entries] == [m.title for m in meetings]
    assert [e.link for e in feed.entries] == [SITE_URL + url(m) for m in meetings]
    assert [e.id for e in feed.entries] == [f"urn:uuid:{uid(m)}" for m in meetings]
    built = build_time(catalog, built_site_env())
    for entry, record in zip(feed.entries, meetings, strict=True):
        assert entry.summary == record.summary
        assert [tag.term for tag in entry.tags] == record.topics
        # The entry is the text of the source its summary quotes (the record's first): its
        # author is that source's publisher, its dates the source's (else the build's, for
        # updated alone), its rights name the source; the site contributed it.
        source = record.event.source(record.cites[0])
        assert [author.name for author in entry.authors] == [source.publisher]
        assert [person.name for person in entry.contributors] == [CONFIG.site_name]
        assert source.url in entry.rights and source.publisher in entry.rights
        day = source.published or built.date()
        assert entry.updated_parsed[:3] == (day.year, day.month, day.day)
        if source.published:
            assert entry.published_parsed[:3] == (day.year, day.month, day.day)
        else:
            assert "published" not in entry
        # Its sources, as Atom's "via" links, in the order of the page's Sources list.
        via = [(link.href, link.title) for link in entry.links if link.rel == "via"]
        assert via == [(s.url, f"{s.label}, {s.publisher}") for s in record.cited_sources]


def test_every_page_head_links_the_feed(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        tree = lxml_html.parse(str(path)).getroot()
        # rel is a list of words ("alternate feed"), as feed readers read it.
        feeds = tree.xpath(
            "//head/link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')"
            " and @type='application/atom+xml']/@href"
        )
        assert feeds == [SITE_URL + "feed.xml"], path


# --------------------------------------------------------------------------
# meetings.json and its schema
# --------------------------------------------------------------------------


def test_meetings_json_validates_against_its_published_schema(built_site: Path):
    check_meetings_json(built_site, CATALOG)
    data = json.loads((built_site / "meetings.json").read_bytes())
    assert [event["slug"] for event in data["events"]] == [e.slug for e in CATALOG.events]
    for event, record in zip(data["events"], CATALOG.events, strict=True):
        assert event["url"] == SITE_URL + url(record)
        assert event["calendar"] == SITE_URL + record.calendar
        assert "draft" not in event


def check_meetings_json(built_site: Path, catalog) -> None:
    """Every record as validated, every fact with its sources, what is unknown left out."""
    meetings = catalog.meetings
    data = json.loads((built_site / "meetings.json").read_bytes())
    assert data["$schema"] == SITE_URL + DATA_SCHEMA
    published = built_site / DATA_SCHEMA
    assert published.read_bytes() == (ROOT / "docs" / DATA_SCHEMA).read_bytes()
    validator().validate(data)

    assert "no licence is claimed" in data["attribution"]
    assert len(data["meetings"]) == len(meetings)
    for record, entry in zip(data["meetings"], meetings, strict=True):
        # The record as validated, every fact with its sources; what is unknown left out.
        known = {key: record[key] for key in Meeting.model_fields if key in record}
        # The published site has no draft: the open data say nothing of drafts.
        # Speakers are there, null where no source names them (unknown, not none).
        assert known.pop("speakers") == (
            None
            if entry.speakers is None
            else entry.model_dump(mode="json", exclude_none=True)["speakers"]
        )
        assert known == entry.model_dump(
            mode="json", exclude_none=True, exclude={"speakers", "draft"}
        )
        assert None not in [value for key, value in record.items() if key != "speakers"]
        assert record["event"] == entry.event.slug
        assert record["url"] == SITE_URL + url(entry)
        assert record["calendar"] == SITE_URL + entry.calendar
        assert (built_site / entry.calendar).is_file()
    for record, entry in zip(data["events"], catalog.events, strict=True):
        known = {key: record[key] for key in Event.model_fields if key in record}
        assert known == entry.model_dump(mode="json", exclude_none=True, exclude={"draft"})
        assert [source["id"] for source in record["sources"]] == [
            source.id for source in entry.sources
        ]


def test_the_schema_refuses_what_the_model_refuses(built_site: Path):
    data = json.loads((built_site / "meetings.json").read_bytes())
    check = validator()
    for broken in (
        {**data, "extra": 1},
        {**data, "meetings": [{**data["meetings"][0], "date": "10 June 2021"}]},
        {**data, "meetings": [{k: v for k, v in data["meetings"][0].items() if k != "url"}]},
    ):
        assert not check.is_valid(broken)


def test_published_fields_do_not_shadow_record_fields():
    """A record field named like an address field would be silently replaced."""
    from meetings.model import Event
    from meetings.published import PublishedEvent, PublishedMeeting

    assert set(PublishedMeeting.model_fields) - set(Meeting.model_fields) == {
        "event",
        "url",
        "calendar",
    }
    assert set(PublishedEvent.model_fields) - set(Event.model_fields) == {"url", "calendar"}


def test_schemas_are_generated_from_the_model(tmp_path: Path):
    assert SCHEMAS[Path(DATA_SCHEMA).name] is OpenData
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(ROOT), "schema", "--check"])
    assert result.exit_code == 0, result.output
    for name, model in SCHEMAS.items():
        written = json.loads((ROOT / "docs" / "schema" / name).read_text(encoding="utf-8"))
        assert written == json_schema(model)

    copy = make_project(tmp_path / "project")
    path = copy / "docs" / DATA_SCHEMA
    path.write_text(path.read_text(encoding="utf-8").replace('"events"', '"evnts"'))
    stale = runner.invoke(main, ["--root", str(copy), "schema", "--check"])
    assert stale.exit_code == 1
    assert "open-data.schema.json" in stale.output


# --------------------------------------------------------------------------
# Search engines and link previews
# --------------------------------------------------------------------------


@pytest.mark.parametrize("entry", MEETINGS, ids=lambda e: e.slug)
def test_meeting_page_describes_the_meeting_as_an_event(built_site: Path, entry):
    check_meeting_json_ld(built_site, entry)


def check_meeting_json_ld(built_site: Path, entry) -> None:
    """A meeting page's JSON-LD and link-preview tags state what its record states."""
    event = entry.event
    tree = page(built_site, url(entry))
    address = SITE_URL + url(entry)
    (data,) = json_ld(tree)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    start, end = when(entry)
    if isinstance(start, dt.datetime):
        assert data["startDate"] == start.isoformat()
        assert data.get("endDate") == (end and end.isoformat())
    else:
        assert data["startDate"] == data["endDate"] == start.isoformat()
    assert data["name"] == entry.title
    assert data["description"] == entry.summary
    assert data["url"] == address
    assert data["superEvent"]["@type"] == "Event"
    assert data["superEvent"]["name"] == event.name
    assert data["superEvent"]["url"] == SITE_URL + url(event)
    # Held as the article says, and no record says otherwise (no field for it).
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    # Only what the records state: an organiser, an attendance mode, a video address each
    # only where a source gives them; no place, which no record has a field for.
    meeting = entry
    assert "location" not in data
    assert ("organizer" in data) == (event.organizer is not None)
    # An attendance mode only as reported: what an announcement planned is not a fact.
    attendance = meeting.attendance or event.attendance
    assert data.get("eventAttendanceMode") == (
        f"https://schema.org/{attendance.mode.capitalize()}EventAttendanceMode"
        if attendance and attendance.status == "reported"
        else None
    )
    recording = meeting.recording
    if recording and recording.url:
        video = {"@type": "VideoObject", "name": recording.title, "url": recording.url}
        assert data["recordedIn"] == video
    else:
        assert "recordedIn" not in data
    # The page's sources are the works about the meeting; each speaker names its own.
    assert [work["url"] for work in data["subjectOf"]] == [s.url for s in entry.cited_sources]
    for work, source in zip(data["subjectOf"], entry.cited_sources, strict=True):
        assert work["publisher"]["name"] == source.publisher
        assert work.get("name") == source.title
        assert work.get("datePublished") == (source.published and source.published.isoformat())
    performers = data.get("performer", [])
    assert [p["name"] for p in performers] == [s.name for s in meeting.speakers or []]
    for person, speaker in zip(performers, meeting.speakers or [], strict=True):
        urls = [event.source(source_id).url for source_id in speaker.cites]
        assert [work["@id"] for work in person["subjectOf"]] == urls

    head = tree.xpath("//head")[0]
    assert head.xpath("link[@rel='canonical']/@href") == [address]
    og = {m.get("property"): m.get("content") for m in head.xpath("meta[@property]")}
    assert og["og:title"] == entry.title
    assert og["og:description"] == entry.one_line
    assert og["og:url"] == address
    assert og["og:image"] == SITE_URL + "assets/social.png"
    # The picture's size and type as the file says, and a text alternative.
    width, height = png_size(ROOT / "docs" / "assets" / "social.png")
    assert (og["og:image:type"], og["og:image:width"], og["og:image:height"]) == (
        "image/png",
        str(width),
        str(height),
    )
    assert og["og:image:alt"].startswith("Action Cluster meetings")
    twitter = {m.get("name"): m.get("content") for m in head.xpath("meta[@name]")}
    assert twitter["twitter:card"] == "summary_large_image"
    assert twitter["twitter:title"] == entry.title
    assert twitter["twitter:description"] == entry.one_line
    assert twitter["twitter:image"] == og["og:image"]
    assert twitter["twitter:image:alt"] == og["og:image:alt"]

    calendar = tree.xpath("//article//a[normalize-space()='Add to calendar']/@href")
    assert calendar == [f"../{entry.slug}.ics"]


@pytest.mark.parametrize("record", CATALOG.events, ids=lambda e: e.slug)
def test_event_page_describes_the_event_and_links_its_calendar(built_site: Path, record):
    tree = page(built_site, url(record))
    (data,) = json_ld(tree)
    assert data["@type"] == "Event"
    dates = (record.start_date.isoformat(), record.end_date.isoformat())
    assert (data["startDate"], data["endDate"]) == dates
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["@id"] == SITE_URL + url(record) + "#event"
    meeting_ids = [json_ld(page(built_site, url(m)))[0]["@id"] for m in record.meetings]
    assert [sub["@id"] for sub in data.get("subEvent", [])] == meeting_ids
    links = tree.xpath("//article//a[contains(@href, '.ics')]/@href")
    assert links == ([f"../{record.calendar}"] if record.meetings else [])


def test_no_output_names_an_organiser_unless_a_record_does(built_site: Path):
    """No source names an organiser today: unless a record names one, no output does."""
    named = any(entry.organizer for entry in CATALOG.events)
    found = sorted(
        path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*")
        if path.suffix in {".html", ".json", ".xml", ".ics"}
        and re.search(r"organi[sz]er", path.read_text(encoding="utf-8"), re.IGNORECASE)
    )
    # The JSON Schemas describe the optional field, for records that can source one.
    schemas = {"schema/event.schema.json", "schema/open-data.schema.json"}
    assert schemas <= set(found)
    assert bool(set(found) - schemas) == named, found


def test_a_link_preview_picture_that_is_no_png_stops_the_build(tmp_path: Path):
    project = make_project(tmp_path / "project")
    (project / "docs" / "assets" / "social.png").write_bytes(b"GIF89a" + bytes(40))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "social_image: docs/assets/social.png is not a PNG file" in result.stderr
    assert "Traceback" not in result.stderr


def test_pages_not_made_from_a_record_have_no_event_data(built_site: Path):
    for address in ("", "topics/", "about/"):
        assert json_ld(page(built_site, address)) == []


def test_sitemap_lists_every_page(built_site: Path):
    tree = etree.parse(str(built_site / "sitemap.xml"))
    locs = tree.xpath(
        "//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    )
    events = [SITE_URL + url(e) for e in CATALOG.events]
    expected = [SITE_URL, *events, *(SITE_URL + url(m) for m in MEETINGS)]
    assert set(expected) <= set(locs)


# --------------------------------------------------------------------------
# Text from YAML stays data in every output
# --------------------------------------------------------------------------


def scripts(tree: lxml_html.HtmlElement) -> list[tuple]:
    """The page's script elements other than JSON-LD, as (src, type, id, text)."""
    return [
        (s.get("src"), s.get("type"), s.get("id"), s.text)
        for s in tree.iter("script")
        if s.get("type") != "application/ld+json"
    ]


@pytest.fixture(scope="module")
@building
def attacked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with a meeting (the example) whose title, summary and a topic try to end
    the JSON-LD."""
    project = make_project(tmp_path_factory.mktemp("attack") / "project")
    add_sample(project)
    path = project / SAMPLE.file
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", f"title: '{TITLE}'", text, count=1)
    text = text.replace("summary: >-\n", f"summary: >-\n  {ATTACK} & <!-- comment\n", 1)
    text = re.sub(r"(?m)^topics:\n  - .*\n", f"topics:\n  - '{ATTACK}'\n", text, count=1)
    path.write_text(text, encoding="utf-8")
    # The title and summary quote their source: it is given those words too.
    record = parse_yaml(text)
    add_passages(project / "clusters", record["cites"][0], record["title"], record["summary"])
    site = tmp_path_factory.mktemp("attack") / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def test_a_script_in_the_text_leaves_every_page_safe(attacked_site: Path, built_site: Path):
    pages = sorted(attacked_site.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        tree = lxml_html.parse(str(path)).getroot()
        same = built_site / path.relative_to(attacked_site)
        if not same.exists():  # the example meeting's page: another meeting's, as deep
            same = built_site / PAGE / "index.html"
        clean = lxml_html.parse(str(same)).getroot()
        # The theme's scripts and nothing else; no handler attribute anywhere.
        assert scripts(tree) == scripts(clean), path
        assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")]
        for data in json_ld(tree):  # every JSON-LD parses
            assert data["@context"] == "https://schema.org"

    tree = page(attacked_site, url(SAMPLE.page))
    (data,) = json_ld(tree)
    title = TITLE
    assert data["name"] == title
    assert data["description"].startswith(f"{ATTACK} & <!-- comment ")
    assert data["startDate"] == SAMPLE.date
    raw = tree.xpath("//script[@type='application/ld+json']")[0].text
    assert "<" not in raw and ">" not in raw and "&" not in raw
    og = {m.get("property"): m.get("content") for m in tree.xpath("//head/meta[@property]")}
    assert og["og:title"] == title
    assert ATTACK in tree.xpath("string(//article)")


def test_a_script_in_the_text_stays_text_in_the_data_files(attacked_site: Path):
    feed = feedparser.parse((attacked_site / "feed.xml").read_bytes())
    assert not feed.bozo
    (entry,) = [e for e in feed.entries if e.link == SITE_URL + url(SAMPLE.page)]
    assert entry.title == TITLE
    assert ATTACK in entry.summary
    (event,) = calendar_events(attacked_site / SAMPLE.page.replace(".md", ".ics"))
    assert ATTACK in str(event["summary"]) and ATTACK in str(event["description"])
    data = json.loads((attacked_site / "meetings.json").read_bytes())
    validator().validate(data)
    (meeting,) = [m for m in data["meetings"] if m["slug"] == SAMPLE.slug]
    assert ATTACK in meeting["summary"]
    assert ATTACK in meeting["topics"]


# --------------------------------------------------------------------------
# The same from `meetings render`
# --------------------------------------------------------------------------


def test_render_writes_the_open_data_beside_the_markdown(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name, value in built_site_env().items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(ROOT), "render", str(out)])
    assert result.exit_code == 0, result.output
    files = export_files(CATALOG, Site(SITE_URL, "x"))
    assert len(files) == 2 + len(CATALOG.events) + len(MEETINGS)
    for path in files:
        assert (out / path).read_bytes() == (built_site / path).read_bytes(), path
    assert f"({MEETINGS[0].slug}.ics)" in (out / MEETINGS[0].page).read_text()


# --------------------------------------------------------------------------
# The calendars' lines, folded as icalendar folds them
# --------------------------------------------------------------------------


# Any text a record can hold: not a lone surrogate (limits.py refuses it; UTF-8 cannot write it).
LINES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=400
)
ESCAPES = st.from_regex(r"[a-z\\^é ]{60,200}", fullmatch=True)  # backslashes at the folds


@settings(max_examples=examples(60, 300))
@given(LINES | ESCAPES)
def test_lines_are_folded_as_icalendar_folds_them(line: str):
    assert fold(line) == _foldline(line).encode()


def icalendar_event(
    *,
    uid: str,
    stamp: dt.datetime,
    start: dt.date,
    end: dt.date | None,
    summary: str,
    description: str,
    url: str,
    categories: list[str],
) -> bytes:
    """The VEVENT as icalendar itself writes it, from an ``Event`` with each property added."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("categories", categories)
    return event.to_ical()


TEXT = st.text(max_size=160) | ESCAPES  # any character: escapes, line breaks, non-ASCII
UTC_TIMES = st.datetimes(timezones=st.just(dt.UTC))
DAYS = st.dates().map(
    lambda day: (day, day + dt.timedelta(days=1)) if day.year < 9999 else (day, None)
)
TIMES = st.tuples(UTC_TIMES, st.none() | UTC_TIMES)


@settings(max_examples=examples(40, 200))
@given(
    uid=st.uuids().map(str) | TEXT,
    stamp=UTC_TIMES,
    span=DAYS | TIMES,
    summary=TEXT,
    description=TEXT,
    url=LINES,  # icalendar refuses a URI with a line break
    categories=st.lists(TEXT, min_size=1, max_size=6),
)
def test_a_vevent_is_written_as_icalendar_writes_it(
    uid: str,
    stamp: dt.datetime,
    span: tuple[dt.date, dt.date | None],
    summary: str,
    description: str,
    url: str,
    categories: list[str],
):
    fields = dict(
        uid=uid,
        stamp=stamp,
        summary=summary,
        description=description,
        url=url,
        categories=categories,
    )
    start, end = span
    assert vevent(start=start, end=end, **fields) == icalendar_event(start=start, end=end, **fields)
