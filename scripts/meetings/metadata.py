"""What each page made from a record tells search engines and link previews.

For every event and meeting page this module computes, from the records' own
values (not the HTML-escaped text of the front matter):

* schema.org JSON-LD: an ``Event`` for each meeting and for the event it is
  part of (``superEvent``; ``isPartOf`` is a property of creative works, not
  of events). It states only what the records state: ``recordedIn`` only with
  a verified video address, ``eventAttendanceMode`` only where a source
  written afterwards reports the attendance mode (an announcement's plan is
  not what happened), ``organizer`` only where a source names one. No source
  gives a place, so there is no ``location``: Google asks for one before it
  shows an event as a rich result, and an invented one would be worse than
  none. The sources of the page are its ``subjectOf`` (works about it); each
  speaker (``performer``) names its own sources the same way.
  Its ``eventStatus`` is ``EventScheduled``: no record has a field for a
  cancelled or moved meeting, and the sources say the meetings were held.
* Open Graph and Twitter card tags: title, description, address and the
  site's picture for link previews (``social_image``, drawn by
  ``scripts/social-image.py``), with its size, type and text alternative
  (:class:`Picture`, read from the file).

Every other page (home, topics, about, the not-found page) gets the same tags
from its own title and description (:func:`plain_head`), without JSON-LD.

The theme prints them in the page head (``overrides/partials/open-data.html``);
the canonical address and the sitemap come from MkDocs and Material.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .calendars import when
from .catalog import Catalog
from .layout import Site
from .memo import Memo, no_memo
from .model import Attendance, Event, Meeting, Organizer, Source
from .published import EventEntry, MeetingEntry

ATTENDANCE_MODES = {
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}

EVENT_SCHEDULED = "https://schema.org/EventScheduled"
"""Every meeting's and event's ``eventStatus``: held (or to be held) as the records say."""

# In a <script> element, only these could end the element or start markup.
# JSON writes them as \u escapes inside strings, where alone they can occur.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@dataclass(frozen=True)
class PageHead:
    """The metadata of one page, ready for the theme to print."""

    json_ld: Markup | None
    """The JSON-LD, escaped to sit inside ``<script type="application/ld+json">``; None
    on a page not made from a record."""
    properties: tuple[tuple[str, str], ...]
    """Open Graph ``<meta property=… content=…>`` pairs, raw text."""
    names: tuple[tuple[str, str], ...]
    """Twitter card ``<meta name=… content=…>`` pairs, raw text."""


_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Picture:
    """The link-preview picture (the plugin's ``social_image``): what its tags say of it."""

    path: str
    """Relative to ``docs/``, e.g. ``assets/social.png``."""
    width: int
    height: int
    type: str = "image/png"

    @classmethod
    def read(cls, docs_dir: Path, path: str) -> Picture:
        """The picture at ``docs_dir / path``, its size read from the file; ValueError if
        it is not a PNG file (what ``make social-image`` draws)."""
        with open(docs_dir / path, "rb") as file:
            head = file.read(24)
        if len(head) < 24 or head[:8] != _PNG or head[12:16] != b"IHDR":
            raise ValueError("is not a PNG file (draw it with 'make social-image')")
        width, height = struct.unpack(">II", head[16:24])
        return cls(path, width, height)


def page_heads(
    catalog: Catalog, site: Site, image: Picture | None = None, memo: Memo = no_memo
) -> dict[str, PageHead]:
    """The metadata of every page made from a record, by its Markdown page path.

    ``image`` is the link-preview picture. With a ``memo`` (scoped by the site's
    settings and ``image``), an event's head is made again when the event or its
    meetings changed, a meeting's when the meeting or its event did.
    """
    heads: dict[str, PageHead] = {}
    for event in catalog.events:
        made = functools.partial(_event_heads, event, site, image)
        heads.update(memo(("heads", catalog.records(event)), made))
    return heads


def _event_heads(event: EventEntry, site: Site, image: Picture | None) -> dict[str, PageHead]:
    """The heads of an event's page and of its meetings' pages."""
    heads = {event.page: _event_head(event, site, image)}
    for meeting in event.meetings:
        heads[meeting.page] = _meeting_head(meeting, site, image)
    return heads


def _event_head(event: EventEntry, site: Site, image: Picture | None) -> PageHead:
    description = " ".join(event.description.split())
    return plain_head(
        event.name, description, site.address(event.page), site, image,
        json_ld=script_json(event_data(event, site)),
    )  # fmt: skip


def _meeting_head(meeting: MeetingEntry, site: Site, image: Picture | None) -> PageHead:
    return plain_head(
        meeting.title, meeting.one_line, site.address(meeting.page), site, image,
        json_ld=script_json(meeting_data(meeting, site)),
    )  # fmt: skip


def plain_head(
    title: str,
    description: str,
    url: str | None,
    site: Site,
    image: Picture | None = None,
    *,
    json_ld: Markup | None = None,
) -> PageHead:
    """A page's Open Graph and Twitter card tags (and its JSON-LD, if it has one).

    ``url`` is the page's absolute address (None for the not-found page, which
    has none of its own); ``image`` the picture, given only with an absolute
    address, which link previews need. Its text alternative is the text it
    shows: the site's name and description.
    """
    properties = [
        ("og:type", "website"),
        ("og:site_name", site.name),
        ("og:title", title),
        ("og:description", description),
    ]
    names = [("twitter:title", title), ("twitter:description", description)]
    if url:
        properties.append(("og:url", url))
    if image and site.url:
        picture = site.address(image.path)
        alt = (
            " ".join(f"{site.name}: {site.description}".split()) if site.description else site.name
        )
        properties += [
            ("og:image", picture),
            ("og:image:type", image.type),
            ("og:image:width", str(image.width)),
            ("og:image:height", str(image.height)),
            ("og:image:alt", alt),
        ]
        names = [
            ("twitter:card", "summary_large_image"),
            *names,
            ("twitter:image", picture),
            ("twitter:image:alt", alt),
        ]
    else:
        names.insert(0, ("twitter:card", "summary"))
    return PageHead(json_ld=json_ld, properties=tuple(properties), names=tuple(names))


def meeting_data(meeting: MeetingEntry, site: Site) -> dict[str, Any]:
    """A meeting as a schema.org ``Event``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": _id(meeting, site),
        "name": meeting.title,
        "description": meeting.summary,
        "url": site.address(meeting.page),
        **_dates(meeting),
        "eventStatus": EVENT_SCHEDULED,
        "superEvent": {
            "@type": "Event",
            "@id": _id(meeting.event, site),
            "name": meeting.event.name,
            "url": site.address(meeting.event.page),
        },
        **_about_event(meeting.event, meeting.attendance),
    }
    if meeting.speakers:
        data["performer"] = [
            {
                "@type": "Person",
                "name": speaker.name,
                **(
                    {"affiliation": {"@type": "Organization", "name": speaker.affiliation.name}}
                    if speaker.affiliation
                    else {}
                ),
                "subjectOf": [{"@id": meeting.event.source(i).url} for i in speaker.cites],
            }
            for speaker in meeting.speakers
        ]
    recording = meeting.recording
    if recording and recording.url:
        data["recordedIn"] = {"@type": "VideoObject", "name": recording.title, "url": recording.url}
    data["subjectOf"] = [_work(source) for source in meeting.cited_sources]
    return data


def event_data(event: EventEntry, site: Site) -> dict[str, Any]:
    """An event as a schema.org ``Event``, with its meetings as ``subEvent``."""
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": _id(event, site),
        "name": event.name,
        "description": event.description,
        "url": site.address(event.page),
        "startDate": event.start_date.isoformat(),
        "endDate": event.end_date.isoformat(),
        "eventStatus": EVENT_SCHEDULED,
        **_about_event(event),
        "subEvent": [{"@type": "Event", "@id": _id(m, site)} for m in event.meetings],
        "subjectOf": [_work(source) for source in event.cited_sources],
    }


def script_json(data: Any) -> Markup:
    """JSON that can sit inside a ``<script>`` element: ``</script>`` in a text cannot end it.

    Written on one line: with an indent, ``json`` falls back from its C encoder
    to Python, five times slower.
    """
    return Markup(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE))


def _dates(meeting: Meeting) -> dict[str, str]:
    """Its day (an all-day event starts and ends on it), or its times where known."""
    start, end = when(meeting)
    if not isinstance(start, dt.datetime):
        return {"startDate": start.isoformat(), "endDate": start.isoformat()}
    return {"startDate": start.isoformat(), **({"endDate": end.isoformat()} if end else {})}


def _about_event(event: Event, attendance: Attendance | None = None) -> dict[str, Any]:
    """What the event's record says that holds for each of its meetings too.

    ``attendance`` is a meeting's own, which a source may give for it alone.
    """
    data: dict[str, Any] = {}
    if event.organizer:
        data["organizer"] = _organization(event.organizer)
    attendance = attendance or event.attendance
    if attendance and attendance.status == "reported":
        data["eventAttendanceMode"] = ATTENDANCE_MODES[attendance.mode]
    return data


def _work(source: Source) -> dict[str, Any]:
    """A source as a schema.org ``CreativeWork``: a document about the event."""
    data: dict[str, Any] = {"@type": "CreativeWork", "@id": source.url, "url": source.url}
    if source.title:
        data["name"] = source.title
    data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published:
        data["datePublished"] = source.published.isoformat()
    return data


def _organization(organizer: Organizer) -> dict[str, Any]:
    data = {"@type": "Organization", "name": organizer.name}
    if organizer.url:
        data["url"] = organizer.url
    return data


def _id(entry: EventEntry | MeetingEntry, site: Site) -> str:
    """The JSON-LD node of the event a page is about (the page itself is ``url``)."""
    return site.address(entry.page) + "#event"
