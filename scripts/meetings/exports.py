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
  publication date of the sources.

Each meeting carries its sources: ``meetings.json`` has the records as they
are (every ``cites`` of every fact, and each event's list of sources with the
passages quoted and the spelling corrections), the feed links each source of
an entry with ``rel="via"``, and a calendar's description names the source its
summary quotes.

A feed entry is the text of the source its summary quotes (the meeting's
first), so it says so: its author is that source's publisher, its
``published`` and ``updated`` that source's date (the day the text was
published; the site never rewrites it but for the spelling corrections it
lists), its ``rights`` whose text it is, and the site is its contributor. An
entry whose source gives no date has no ``published``, and as ``updated`` the
build time (the last commit's, like ``DTSTAMP``), which Atom requires.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from collections.abc import Mapping
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from .calendars import CALENDAR_END, NAMESPACE, calendar_event, calendar_head, quoted_from, uid
from .catalog import Catalog
from .layout import SCHEMA_FOLDER, Site
from .memo import Key, Memo, no_memo
from .model import Record
from .published import EventEntry, MeetingEntry, OpenData, PublishedEvent, PublishedMeeting

DATA_FILE = "meetings.json"
DATA_SCHEMA = f"{SCHEMA_FOLDER}/open-data.schema.json"
"""Where the site publishes the JSON Schema of ``meetings.json`` (from ``docs/``)."""
FEED_FILE = "feed.xml"

ATTRIBUTION = (
    "Each meeting's title, summary (and gist) and each event's description and text on "
    "Action Clusters are quoted from the first source the record cites (its 'cites'); other "
    "quoted text beside a fact (a name, a role, an announcement, a partnership, a recording's "
    "title) from each source that fact cites. The fields holding a source's words are marked "
    "'x-quoted' in the JSON Schema. Quotations are word for word, as in the passages kept "
    "with each source ('passages'), but for the spelling corrections listed with it "
    "('corrections'); a cut is marked '…'. Every source is listed under its event's "
    "'sources' with its title, publisher, date (where known) and address. The quoted text is "
    "its publisher's: no licence is claimed for it. The project's own code and templates are "
    "under the MIT licence."
)
"""What ``meetings.json`` says about the text it quotes."""


def export_files(
    catalog: Catalog, site: Site, built: dt.datetime | None = None, memo: Memo = no_memo
) -> dict[str, bytes]:
    """Every open data file: its path relative to the site's root and its bytes.

    ``built`` is the time the calendars say they were made (``DTSTAMP``); by
    default :func:`build_time`. Each file is put together from one part per
    record; with a ``memo`` (scoped by the site's settings), a record's parts
    are made again only when the record or its event changed.
    """
    built = built or build_time(catalog)
    files = {
        DATA_FILE: open_data(catalog, site, memo),
        FEED_FILE: feed(catalog, site, built, memo),
    }
    # A meeting's own calendar is imported into one the reader already has, so
    # it needs no name: all of them share one head, written once.
    head = calendar_head()
    for event in catalog.events:
        made = functools.partial(_calendars, event, site, built, head)
        files.update(memo(("ics", catalog.records(event), built), made))
    return files


def _calendars(event: EventEntry, site: Site, built: dt.datetime, head: bytes) -> dict[str, bytes]:
    """The calendar of an event and those of its meetings."""
    # Each meeting is in two calendars, its event's and its own: written once.
    parts = [calendar_event(meeting, site, built) for meeting in event.meetings]
    files = {event.calendar: calendar_head(event.name) + b"".join(parts) + CALENDAR_END}
    for meeting, part in zip(event.meetings, parts, strict=True):
        files[meeting.calendar] = head + part + CALENDAR_END
    return files


EPOCH_LIMIT = 2**32 - 1
"""The latest ``SOURCE_DATE_EPOCH`` a build can be stamped with: MkDocs writes it into the
gzip header of ``sitemap.xml.gz``, which holds 32 bits (2106-02-07)."""


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """``SOURCE_DATE_EPOCH`` as a number of seconds, ``None`` if unset; ValueError, in one
    line, if it is set to anything else than a whole number from 0 to :data:`EPOCH_LIMIT`
    (MkDocs itself would stop with a traceback, after cleaning the site folder)."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > EPOCH_LIMIT:
        found = f"'{value}'" if value else "the empty text"
        raise ValueError(
            f"SOURCE_DATE_EPOCH: {found} is not a number of seconds since 1970-01-01 from 0 "
            f"to {EPOCH_LIMIT}; unset it, or set it to the last commit's time "
            "(git log -1 --format=%ct)"
        )
    return int(value)


def build_time(catalog: Catalog, environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` if set, else the newest publication date of the sources."""
    epoch = source_date_epoch(environ)
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC)
    dates = [s.published for e in catalog.events for s in e.sources if s.published]
    dates += [m.date for m in catalog.meetings]
    return _midnight(max(dates, default=dt.date(1970, 1, 1)))


# --------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------


def open_data(catalog: Catalog, site: Site, memo: Memo = no_memo) -> bytes:
    """``meetings.json``: the records as validated, with their addresses on the site.

    The records are valid already: the document is put together without
    validating them again (``model_construct``), written by pydantic one record
    at a time (each kept by ``memo``) and joined, the same bytes as the whole
    document written at once (``tests/test_exports.py`` compares them).
    """

    groups = [
        memo(("json", catalog.records(e)), functools.partial(_json_items, e, site))
        for e in catalog.events
    ]
    schema: dict[str, Any] = {"$schema": site.address(DATA_SCHEMA)}  # an alias, not a name
    head = _dump(
        OpenData.model_construct(**schema, attribution=ATTRIBUTION, events=[], meetings=[])
    )
    return memo(
        ("meetings.json", head, Key(*groups)), functools.partial(_json_document, head, groups)
    )


def _json_items(event: EventEntry, site: Site) -> tuple[bytes, tuple[bytes, ...]]:
    """An event and its meetings as items of ``meetings.json``."""

    def published(entry: EventEntry | MeetingEntry, **more: str) -> dict[str, Any]:
        """The record's fields, then the ones the open data add."""
        url, calendar = site.address(entry.page), site.address(entry.calendar)
        return {**dict(entry), **more, "url": url, "calendar": calendar}

    return _json_item(PublishedEvent.model_construct(**published(event))), tuple(
        _json_item(PublishedMeeting.model_construct(**published(m, event=event.slug)))
        for m in event.meetings
    )


def _json_document(head: bytes, groups: list[tuple[bytes, tuple[bytes, ...]]]) -> bytes:
    """``meetings.json`` from its head (pydantic's, with no record) and its items, copied
    once (at 10,000 meetings it is 15 MB)."""
    empty = b'  "events": [],\n  "meetings": []\n}'
    if not head.endswith(empty):  # pragma: no cover - pydantic changed how it writes
        raise RuntimeError("pydantic wrote meetings.json in a way this module does not know")
    events = [event for event, _ in groups]
    meetings = [meeting for _, items in groups for meeting in items]
    pieces = [head.removesuffix(empty), b'  "events": ']
    _json_array(pieces, events)
    pieces.append(b',\n  "meetings": ')
    _json_array(pieces, meetings)
    pieces.append(b"\n}\n")
    return b"".join(pieces)


def _dump(record: Record) -> bytes:
    # What no source gives is left out, as on the pages, rather than written as null.
    return record.model_dump_json(indent=2, by_alias=True, exclude_none=True).encode()


def _json_item(record: Record) -> bytes:
    """A record as an item of a list of the document: two levels in, four spaces."""
    return b"\n".join(b"    " + line for line in _dump(record).split(b"\n"))


def _json_array(pieces: list[bytes], items: list[bytes]) -> None:
    """Add a list of ``items`` to ``pieces``, as pydantic writes it two spaces in."""
    if not items:
        pieces.append(b"[]")
        return
    pieces.append(b"[\n")
    for item in items:
        pieces += (item, b",\n")
    pieces[-1] = b"\n  ]"


def feed(
    catalog: Catalog, site: Site, built: dt.datetime | None = None, memo: Memo = no_memo
) -> bytes:
    """The Atom feed: one entry per meeting, newest event first, each its source's text.

    ``built`` is the ``updated`` of an entry whose source gives no date (by
    default :func:`build_time`). feedgen writes the feed's own elements; each
    entry is written here with lxml, as feedgen and lxml wrote it in the whole
    feed (indented, with the entry's sources as Atom's ``via`` links after its
    own link, which feedgen 1.0 cannot write: it loses a link's ``rel`` and
    ``title``), one event at a time, kept by ``memo``: the feed is the same
    bytes, put together from its entries.
    """
    built = built or build_time(catalog)
    generator = FeedGenerator()
    generator.id(f"urn:uuid:{uuid.uuid5(NAMESPACE, FEED_FILE)}")
    generator.title(site.name)
    if site.description:
        generator.subtitle(" ".join(site.description.split()))
    generator.author({"name": site.name})
    generator.link(href=site.address(FEED_FILE), rel="self")
    generator.link(href=site.address("index.md"), rel="alternate")
    generator.language("en")
    groups = [
        memo(("atom", catalog.records(e), built), functools.partial(_feed_entries, e, site, built))
        for e in catalog.events
    ]
    dates = [newest for _, newest in groups if newest is not None]
    generator.updated(max(dates, default=_midnight(dt.date(1970, 1, 1))))
    root = etree.fromstring(generator.atom_str())
    etree.indent(root)
    head = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return memo(("feed.xml", head, Key(*groups)), functools.partial(_feed_document, head, groups))


def _feed_entries(
    event: EventEntry, site: Site, built: dt.datetime
) -> tuple[bytes, dt.datetime | None]:
    """The feed's entries of an event's meetings, and the newest of their dates."""
    entries = [_feed_entry(meeting, site, built) for meeting in event.meetings]
    return b"".join(entry for entry, _ in entries), max((date for _, date in entries), default=None)


def _feed_document(head: bytes, groups: list[tuple[bytes, dt.datetime | None]]) -> bytes:
    end = b"</feed>\n"
    if not head.endswith(end):  # pragma: no cover - feedgen or lxml changed how they write
        raise RuntimeError("the feed's head does not end with </feed>")
    return b"".join([head.removesuffix(end), *(entries for entries, _ in groups), end])


def _feed_entry(meeting: MeetingEntry, site: Site, built: dt.datetime) -> tuple[bytes, dt.datetime]:
    """A meeting's ``<entry>``, two spaces in, as in the whole feed (in the feed's own
    namespace, which its root declares), and its date: its quoted source's, else ``built``.
    The elements come in feedgen's order."""
    source = meeting.event.source(meeting.cites[0])
    date = _midnight(source.published) if source.published else built
    entry = etree.Element("entry")

    def add(tag: str, text: str | None = None, **attributes: str) -> None:
        element = etree.SubElement(entry, tag, attributes)
        element.text = text

    def person(tag: str, name: str) -> None:
        etree.SubElement(etree.SubElement(entry, tag), "name").text = name

    stamp = date.isoformat()
    add("id", f"urn:uuid:{uid(meeting)}")
    add("title", meeting.title)
    add("updated", stamp)
    person("author", source.publisher)
    add("link", href=site.address(meeting.page))
    for cited in meeting.cited_sources:
        add("link", href=cited.url, rel="via", title=f"{cited.label}, {cited.publisher}")
    add("summary", meeting.summary)
    for topic in meeting.topics:
        add("category", term=topic)
    person("contributor", site.name)
    if source.published:
        add("published", stamp)
    add("rights", f"{quoted_from(meeting)} The text is its publisher's.")
    etree.indent(entry, level=1)
    entry.tail = "\n"
    return b"  " + etree.tostring(entry, encoding="UTF-8", xml_declaration=False), date


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)
