"""The calendars of stage 5: each meeting as an iCalendar VEVENT, made with ``icalendar``.

:mod:`meetings.exports` puts them into files: one per event with all its
meetings and one per meeting. A meeting is an all-day event on its day unless a
source gives its times. Its UID is a name-based UUID of its event's and its own
slug (see :mod:`meetings.exports` on why), and ``DTSTAMP`` is the build time.
Its description is its summary, followed by the source it quotes (title,
publisher, date, address) and its page's address.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Sequence

import icalendar
from icalendar import vDDDTypes, vText, vUri

from .layout import Site
from .limits import zone_info
from .model import Meeting
from .published import MeetingEntry
from .words import reference

NAMESPACE = uuid.UUID("c9b8902c-f958-4aa8-8879-68fff5907eca")
"""The project's namespace for name-based UUIDs. Never change it: every
calendar that imported a meeting would then hold it twice."""
PRODID = "-//Action Cluster meetings//meetings.exports//EN"


def uid(entry: MeetingEntry) -> str:
    """The meeting's stable identifier, the same in every build and on every copy of the site."""
    return _uuid(f"{entry.event.slug}/{entry.slug}")


@functools.lru_cache(maxsize=100_000)
def _uuid(name: str) -> str:
    """Remembered: the feed and both calendars of a meeting give its identifier."""
    return str(uuid.uuid5(NAMESPACE, name))


def when(meeting: Meeting) -> tuple[dt.date | dt.datetime, dt.datetime | None]:
    """When the meeting ran: its day alone, or its start (and end) where a source gives them."""
    if meeting.time is None:
        return meeting.date, None
    zone = zone_info(meeting.time.timezone)

    def at(clock: str) -> dt.datetime:
        return dt.datetime.combine(meeting.date, dt.time.fromisoformat(clock), zone)

    return at(meeting.time.start), at(meeting.time.end) if meeting.time.end else None


CALENDAR_END = b"END:VCALENDAR\r\n"
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

    No ``METHOD``: RFC 5545 does not need one for a file to import, and
    ``METHOD:PUBLISH`` (RFC 5546, iTIP) requires an ``ORGANIZER``, which no
    source gives (libical refused every file for it; a test checks them with it).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name is not None:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    text = to_ical(cal)
    if not text.endswith(CALENDAR_END):  # pragma: no cover - icalendar changed how it writes
        raise RuntimeError("icalendar wrote a calendar that does not end with END:VCALENDAR")
    return text.removesuffix(CALENDAR_END)


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
        description=f"{meeting.summary}\n\n{quoted_from(meeting)}\n\n{url}",
        url=url,
        categories=meeting.topics,
    )


def quoted_from(meeting: MeetingEntry) -> str:
    """The attribution of a meeting's summary: the source it quotes (its first), named."""
    return "Quoted from " + reference(meeting.event.source(meeting.cites[0])) + "."


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
