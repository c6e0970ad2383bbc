"""Stage 5 of the pipeline: the catalog as open data files.

Beside its pages, the site publishes the records in forms that other programs
read:

* ``meetings.json``: every event and meeting as validated, with the addresses
  of its page and calendar. Its JSON Schema, ``schema/open-data.schema.json``,
  is generated from the data model (:class:`~meetings.model.OpenData`) by
  ``meetings schema``, like the editors' schemas.
* iCalendar files, made with ``icalendar``: one per event with all its
  meetings (``forum-2021.ics``) and one per meeting, beside its page
  (``forum-2021/ac1-business-models-finance.ics``). A meeting is an all-day
  event on its day unless a source gives its times.
* ``feed.xml``: an Atom feed, made with ``feedgen``, one entry per meeting.

:func:`export_files` gives them all as ``{path: bytes}``; the plugin adds them
to the site and ``meetings render`` writes them beside the Markdown.

Identifiers and dates are chosen so that two builds of the same records are
byte-identical and so that a calendar or feed reader recognises a meeting it
has seen before:

* A meeting's calendar UID (and feed entry id) is a name-based UUID of its
  event's and its own slug, in a namespace fixed for this project. It does not
  depend on the site's address, which differs between a fork, a local preview
  and the published site and changes if the site moves: a meeting imported
  from any copy, or again after a move, updates the entry a calendar already
  holds instead of adding a second one. It changes only with the slugs, which
  are the meeting's identity (and its page's address) anyway.
* ``DTSTAMP`` (when the calendar was made) is ``SOURCE_DATE_EPOCH``, the time
  of the last commit, which ``make`` and CI set; without it, the newest
  publication date of the sources. The feed's dates are those of the records
  (the source's publication date, else the meeting's day), so it changes only
  when the records do.

Each meeting carries its sources: ``meetings.json`` has the records as they
are (every ``cites`` of every fact, and each event's list of sources), the
feed links each source of an entry with ``rel="via"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from feedgen.feed import FeedGenerator
from icalendar import vDDDTypes, vText, vUri
from lxml import etree

from .catalog import Catalog
from .layout import SCHEMA_FOLDER, Site
from .model import Meeting
from .published import EventEntry, MeetingEntry, OpenData, PublishedEvent, PublishedMeeting

DATA_FILE = "meetings.json"
DATA_SCHEMA = f"{SCHEMA_FOLDER}/open-data.schema.json"
"""Where the site publishes the JSON Schema of ``meetings.json`` (from ``docs/``)."""
FEED_FILE = "feed.xml"
_ATOM = "{http://www.w3.org/2005/Atom}"

ATTRIBUTION = (
    "Each meeting's summary and each event's description are quoted from the first source "
    "the record cites (its 'cites'), and other text beside a fact from that fact's first "
    "source; every source is listed under its event's 'sources' with its title, publisher, "
    "date (where known) and address. The quoted text is its publisher's: no licence is "
    "claimed for it. The project's own code and templates are under the MIT licence."
)
"""What ``meetings.json`` says about the text it quotes."""

NAMESPACE = uuid.UUID("c9b8902c-f958-4aa8-8879-68fff5907eca")
"""The project's namespace for name-based UUIDs. Never change it: every
calendar that imported a meeting would then hold it twice."""
PRODID = "-//Action Cluster meetings//meetings.exports//EN"


def export_files(
    catalog: Catalog, site: Site, built: dt.datetime | None = None
) -> dict[str, bytes]:
    """Every open data file: its path relative to the site's root and its bytes.

    ``built`` is the time the calendars say they were made (``DTSTAMP``); by
    default :func:`build_time`.
    """
    built = built or build_time(catalog)
    files = {DATA_FILE: open_data(catalog, site), FEED_FILE: feed(catalog, site)}
    # A meeting's own calendar is imported into one the reader already has, so
    # it needs no name: all of them share one head, written once.
    head = calendar_head()
    for event in catalog.events:
        # Each meeting is in two calendars, its event's and its own: written once.
        parts = [calendar_event(meeting, site, built) for meeting in event.meetings]
        files[event.calendar] = calendar_head(event.name) + b"".join(parts) + _CALENDAR_END
        for meeting, part in zip(event.meetings, parts, strict=True):
            files[meeting.calendar] = head + part + _CALENDAR_END
    return files


def build_time(catalog: Catalog, environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` if set, else the newest publication date of the sources."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError):
            raise ValueError(
                f"SOURCE_DATE_EPOCH must be a number of seconds since 1970, found {epoch!r}"
            ) from None
    dates = [s.published for e in catalog.events for s in e.sources if s.published]
    dates += [m.date for m in catalog.meetings]
    return _midnight(max(dates, default=dt.date(1970, 1, 1)))


def uid(entry: MeetingEntry) -> str:
    """The meeting's stable identifier, the same in every build and on every copy of the site."""
    return str(uuid.uuid5(NAMESPACE, f"{entry.event.slug}/{entry.slug}"))


def when(meeting: Meeting) -> tuple[dt.date | dt.datetime, dt.datetime | None]:
    """When the meeting ran: its day alone, or its start (and end) where a source gives them."""
    if meeting.time is None:
        return meeting.date, None
    zone = ZoneInfo(meeting.time.timezone)

    def at(clock: str) -> dt.datetime:
        return dt.datetime.combine(meeting.date, dt.time.fromisoformat(clock), zone)

    return at(meeting.time.start), at(meeting.time.end) if meeting.time.end else None


# --------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------


def open_data(catalog: Catalog, site: Site) -> bytes:
    """``meetings.json``: the records as validated, with their addresses on the site.

    The records are valid already: the document is put together without
    validating them again (``model_construct``) and written once, by pydantic.
    """

    def published(entry: EventEntry | MeetingEntry, **more: str) -> dict[str, Any]:
        """The record's fields, then the ones the open data add."""
        url, calendar = site.address(entry.page), site.address(entry.calendar)
        return {**dict(entry), **more, "url": url, "calendar": calendar}

    schema: dict[str, Any] = {"$schema": site.address(DATA_SCHEMA)}  # an alias, not a name
    document = OpenData.model_construct(
        **schema,
        attribution=ATTRIBUTION,
        events=[PublishedEvent.model_construct(**published(e)) for e in catalog.events],
        meetings=[
            PublishedMeeting.model_construct(**published(m, event=m.event.slug))
            for m in catalog.meetings
        ],
    )
    # What no source gives is left out, as on the pages, rather than written as null.
    return document.model_dump_json(indent=2, by_alias=True, exclude_none=True).encode() + b"\n"


_CALENDAR_END = b"END:VCALENDAR\r\n"
_FOLD = 74
"""iCalendar lines are folded after this many octets (RFC 5545: 75 with the line break)."""


def to_ical(component: icalendar.cal.component.Component) -> bytes:
    """``component.to_ical()``, byte for byte, with the lines folded by :func:`fold`.

    icalendar 7 folds a line one character at a time, which took half the time
    of the calendars; a test checks that both fold every line alike.
    """
    return b"".join(fold(line) + b"\r\n" for line in component.content_lines() if line)


def fold(line: str) -> bytes:
    """A content line folded as icalendar folds it: at most 74 octets a line, never inside
    a character, and an escape's backslash (or RFC 6868's ``^``) kept with what it escapes."""
    return _fold_bytes(line.encode())


def _fold_bytes(data: bytes) -> bytes:
    """:func:`fold` of a line already encoded in UTF-8."""
    if len(data) <= _FOLD:
        return data
    parts = []
    start = 0
    while len(data) - start > _FOLD:
        end = start + _FOLD
        while data[end] & 0xC0 == 0x80:  # inside a character: fold before it
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def calendar_head(name: str | None = None) -> bytes:
    """The lines of an iCalendar file before its VEVENTs, as icalendar writes them.

    icalendar writes a calendar as its own lines, then those of its components,
    then ``END:VCALENDAR``; so a file is this head, VEVENTs written by
    icalendar, and that end, byte for byte what icalendar writes for the whole
    calendar (a test reads the files back). ``name`` names a calendar meant to
    be subscribed to, such as an event's.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name is not None:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    text = to_ical(cal)
    if not text.endswith(_CALENDAR_END):  # pragma: no cover - icalendar changed how it writes
        raise RuntimeError("icalendar wrote a calendar that does not end with END:VCALENDAR")
    return text.removesuffix(_CALENDAR_END)


def calendar_event(meeting: MeetingEntry, site: Site, built: dt.datetime) -> bytes:
    """A meeting as an iCalendar VEVENT, its lines folded: see :func:`vevent`."""
    url = site.address(meeting.page)
    start, until = when(meeting)
    end: dt.date | None
    if isinstance(start, dt.datetime):
        # Times in UTC: exact, and no time zone definition to carry.
        start, end = start.astimezone(dt.UTC), until.astimezone(dt.UTC) if until else None
    else:
        # An all-day event: DTSTART;VALUE=DATE, and DTEND the next day (exclusive).
        end = start + dt.timedelta(days=1)
    return vevent(
        uid=uid(meeting),
        stamp=built,
        start=start,
        end=end,
        summary=meeting.title,
        description=f"{meeting.summary}\n\n{url}",
        url=url,
        categories=meeting.topics,
    )


def vevent(
    *,
    uid: str,
    stamp: dt.datetime,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime | None,
    summary: str,
    description: str,
    url: str,
    categories: Sequence[str],
) -> bytes:
    """A VEVENT as icalendar writes an ``Event`` with these properties ``add``-ed, byte for byte.

    Each value is written by icalendar's own type for its property (``vText``,
    each of ``vCategory``'s values, ``vUri``, ``vDDDTypes``); only the lines around them are
    put together here, in icalendar's order for a VEVENT (its canonical
    properties, then the others by name), and folded by :func:`fold`. Building
    an ``Event`` for each meeting, with its parameters and content-line
    objects, was the largest cost of the calendars; a property test compares
    this with ``Event.to_ical()`` for any text, dates and times. ``stamp``,
    and ``start`` and ``end`` when they are times, are in UTC.
    """
    lines = [
        b"BEGIN:VEVENT",
        b"SUMMARY:" + vText(summary).to_ical(),
        _date_line(b"DTSTART", start, _zone(start)),
    ]
    if end is not None:
        lines.append(_date_line(b"DTEND", end, _zone(end)))
    lines += [
        _date_line(b"DTSTAMP", stamp, _zone(stamp)),
        b"UID:" + vText(uid).to_ical(),
        b"CATEGORIES:" + b",".join(_category(category) for category in categories),
        b"DESCRIPTION:" + vText(description).to_ical(),
        b"URL:" + vUri(url).to_ical(),
        b"END:VEVENT",
    ]
    return b"".join(_fold_bytes(line) + b"\r\n" for line in lines)


# Remembered: every meeting has the same DTSTAMP, an event's meetings share their
# day, and a few topics are on most meetings.


@functools.lru_cache(maxsize=10_000)
def _category(topic: str) -> bytes:
    """A topic as ``vCategory`` writes each of its values."""
    return vText(topic).to_ical()


@functools.lru_cache(maxsize=10_000)
def _date_line(name: bytes, value: dt.date, zone: dt.tzinfo | None) -> bytes:
    """``DTSTART``, ``DTEND`` or ``DTSTAMP``: a time in UTC, or a day (``VALUE=DATE``).

    ``zone`` is the value's, so that two equal times in different zones are two keys."""
    if isinstance(value, dt.datetime):
        return name + b":" + vDDDTypes(value).to_ical()
    return name + b";VALUE=DATE:" + vDDDTypes(value).to_ical()


def _zone(value: dt.date) -> dt.tzinfo | None:
    return value.tzinfo if isinstance(value, dt.datetime) else None


def feed(catalog: Catalog, site: Site) -> bytes:
    """The Atom feed: one entry per meeting, newest event first."""
    generator = FeedGenerator()
    generator.id(f"urn:uuid:{uuid.uuid5(NAMESPACE, FEED_FILE)}")
    generator.title(site.name)
    if site.description:
        generator.subtitle(" ".join(site.description.split()))
    generator.author({"name": site.name})
    generator.link(href=site.address(FEED_FILE), rel="self")
    generator.link(href=site.address("index.md"), rel="alternate")
    generator.language("en")
    dates = [_record_date(entry) for entry in catalog.meetings]
    generator.updated(max(dates, default=_midnight(dt.date(1970, 1, 1))))
    for meeting, date in zip(catalog.meetings, dates, strict=True):
        item = generator.add_entry(order="append")
        item.id(f"urn:uuid:{uid(meeting)}")
        item.title(meeting.title)
        item.link(href=site.address(meeting.page), rel="alternate")
        item.summary(meeting.summary)
        item.published(date)
        item.updated(date)
        for topic in meeting.topics:
            item.category(term=topic)
    return _with_sources(generator.atom_str(), catalog)


def _with_sources(atom: bytes, catalog: Catalog) -> bytes:
    """The feed with each entry's sources, as Atom's ``via`` links, after its own link.

    feedgen 1.0 writes an entry's links without their ``rel`` and ``title``
    (it loses them while writing), so the sources are added here, with lxml.
    """
    root = etree.fromstring(atom)
    for element, entry in zip(root.iter(f"{_ATOM}entry"), catalog.meetings, strict=True):
        place = element.find(f"{_ATOM}link")
        for source in reversed(entry.cited_sources):
            via = etree.Element(f"{_ATOM}link", href=source.url, rel="via")
            via.set("title", f"{source.label}, {source.publisher}")
            place.addnext(via)
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _record_date(entry: MeetingEntry) -> dt.datetime:
    """When the record was published: its newest dated source's date, else the meeting's day."""
    dates = [source.published for source in entry.cited_sources if source.published]
    return _midnight(max(dates, default=entry.date))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)
