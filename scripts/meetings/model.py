"""The data model: what an event file and a meeting file may say.

This module is the single source of truth for the records. Validation, the page
templates, the exports and the JSON Schema that editors' tools read
(``meetings schema``) all come from the classes below; nothing else describes
the shape of a record.

Every model is strict: unknown keys are errors, and values are never coerced
(a ``true`` where text is due is an error, not the word "True"). Facts that no
source gives today (speakers, times, the attendance mode) have optional fields,
so that they can be added later without a code change; the pages leave out
what is not known.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import quote_plus, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .limits import UNSAFE_CHARACTERS, in_date_range, refuse_unsafe, time_zones

# --------------------------------------------------------------------------
# Value types
# --------------------------------------------------------------------------

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def _line(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    if "\n" in value or "\r" in value:
        raise PydanticCustomError("one_line", "must be a single line of text")
    return refuse_unsafe(value)


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return refuse_unsafe(value)


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a valid slug: use lowercase letters, digits and single "
            "hyphens, e.g. ac1-business-models-finance",
            {"value": value},
        )
    return value


def _https_url(value: str) -> str:
    if any(ch.isspace() for ch in value) or UNSAFE_CHARACTERS.search(value):
        raise PydanticCustomError(
            "url", "a web address must not contain spaces; expected an https:// address"
        )
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname and "." in parts.hostname:
        return value
    if parts.scheme == "http":
        raise PydanticCustomError(
            "url_scheme", "http: links are not allowed; use the https:// address"
        )
    if parts.scheme and parts.scheme != "https":
        raise PydanticCustomError(
            "url_scheme",
            "{scheme}: links are not allowed; expected an https:// address",
            {"scheme": parts.scheme},
        )
    raise PydanticCustomError(
        "url", "'{value}' is not a web address; expected https://…", {"value": value}
    )


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise PydanticCustomError(
                "date_format",
                "'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2021-06-10",
                {"value": value},
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_value", "{value} is not a day in the calendar (YYYY-MM-DD)", {"value": value}
            ) from None
    return value


def _clock(value: str) -> str:
    if not _CLOCK.fullmatch(value):
        raise PydanticCustomError(
            "clock",
            "'{value}' is not a time of day; write it as HH:MM in quotes, e.g. '14:30'",
            {"value": value},
        )
    return value


def _timezone(value: str) -> str:
    """A name of the IANA time zone database, such as ``Europe/Brussels``; not a folder
    of it (``Europe``), nor any other file that ``zoneinfo`` would try to open."""
    if value not in time_zones():
        raise PydanticCustomError(
            "timezone", "'{value}' is not a time zone name, e.g. Europe/Brussels", {"value": value}
        )
    return value


def _distinct(items: list[str]) -> list[str]:
    seen: set[str] = set()
    for item in items:
        key = item.casefold()
        if key in seen:
            raise PydanticCustomError("duplicate", "'{item}' is listed twice", {"item": item})
        seen.add(key)
    return items


Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line)]
"""One line of text: a title, a name, a label."""

Text = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_text)]
"""Running text; a blank line starts a new paragraph."""

Slug = Annotated[
    str,
    Field(max_length=80),
    AfterValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}),
]
"""The last part of a page address: lowercase letters, digits and hyphens."""

HttpsUrl = Annotated[
    str,
    Field(max_length=2000),
    AfterValidator(_https_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https://", "maxLength": 2000}),
]
"""A web address; only https:// is accepted."""

IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    AfterValidator(in_date_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
"""A calendar day written YYYY-MM-DD."""

Clock = Annotated[
    str,
    AfterValidator(_clock),
    WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}),
]
"""A time of day written HH:MM (quoted in YAML)."""

Topic = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_line)]
"""A short topic label, shared between meetings to link them."""

TimeZone = Annotated[str, AfterValidator(_timezone)]
"""A time zone name of the IANA database, e.g. Europe/Brussels."""


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


class Record(BaseModel):
    """Base of every record: strict, closed to unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Link(Record):
    """A published document that a fact comes from."""

    title: Line = Field(description="The document's title, as it is published.")
    url: HttpsUrl = Field(description="The https:// address of the document.")
    publisher: Line | None = Field(None, description="Who published it, e.g. a news section.")
    published: IsoDate | None = Field(None, description="Publication date, YYYY-MM-DD.")


class Organizer(Record):
    """Who holds the event."""

    name: Line = Field(description="The organiser's name.")
    url: HttpsUrl | None = Field(None, description="The organiser's https:// web site.")


class Cluster(Record):
    """The Action Cluster that held the meeting."""

    number: int = Field(ge=1, le=99, description="The Action Cluster's number, 1 to 99.")
    name: Line = Field(description="The Action Cluster's name, e.g. Citizen Focus.")


class Recording(Record):
    """Where the meeting's recording can be watched."""

    title: Line = Field(description="The recording's title, exactly as the source names it.")
    platform: Literal["YouTube"] = Field(description="Where the recording is published.")
    channel: Line | None = Field(None, description="The channel that published it.")
    url: HttpsUrl | None = Field(
        None,
        description=(
            "The verified address of the video itself. Leave it out when unknown: the "
            "page then links to a search for the exact title. Never guess a video id."
        ),
    )

    @property
    def search_url(self) -> str:
        """A search on the platform for the recording's exact title."""
        return "https://www.youtube.com/results?search_query=" + quote_plus(f'"{self.title}"')


class Speaker(Record):
    """A person who spoke at the meeting, as a source names them."""

    name: Line = Field(description="The speaker's name, as a source gives it.")
    affiliation: Line | None = Field(None, description="Organisation, as a source gives it.")
    role: Line | None = Field(None, description="Role in the meeting, e.g. moderator.")


class TimeSlot(Record):
    """When the meeting ran on its day, where a source says so."""

    start: Clock = Field(description="Start time, HH:MM in quotes.")
    end: Clock | None = Field(None, description="End time, HH:MM in quotes.")
    timezone: TimeZone = Field(
        "Europe/Brussels", description="Time zone name of the times, e.g. Europe/Brussels."
    )

    @model_validator(mode="after")
    def _check(self) -> TimeSlot:
        if self.end is not None and self.end <= self.start:
            raise PydanticCustomError("time_order", "end must be later than start")
        return self


class Event(Record):
    """An event, such as a yearly Forum, whose meetings the site records.

    One file ``event.yaml`` per folder under ``clusters/``; the meetings of the
    event are the other YAML files in that folder.
    """

    slug: Slug = Field(description="Address of the event's pages, e.g. forum-2021.")
    name: Line = Field(description="The event's full name.")
    short_name: Line | None = Field(
        None, max_length=40, description="A short name for the navigation, e.g. Forum 2021."
    )
    start_date: IsoDate = Field(description="First day, YYYY-MM-DD.")
    end_date: IsoDate = Field(description="Last day, YYYY-MM-DD.")
    description: Text = Field(description="What the event is, from the sources.")
    action_clusters: Text | None = Field(
        None, description="What an Action Cluster is, from the sources."
    )
    partnership: Line | None = Field(
        None, description="A partnership the sources state, e.g. a partner event of EU Green Week."
    )
    organizer: Organizer | None = Field(None, description="Who holds the event.")
    attendance_mode: Literal["online", "offline", "mixed"] | None = Field(
        None, description="How people took part. Only where a source states it."
    )
    sources: list[Link] = Field(min_length=1, description="Where the event facts come from.")

    @model_validator(mode="after")
    def _check_dates(self) -> Event:
        if self.end_date < self.start_date:
            raise PydanticCustomError(
                "date_order",
                "end_date {end} is before start_date {start}",
                {"end": self.end_date.isoformat(), "start": self.start_date.isoformat()},
            )
        return self

    @property
    def nav_title(self) -> str:
        return self.short_name or self.name


class Meeting(Record):
    """One Action Cluster meeting: one YAML file in an event's folder."""

    slug: Slug = Field(
        description="Address of the meeting's page, e.g. ac1-business-models-finance."
    )
    cluster: Cluster = Field(description="The Action Cluster that held the meeting.")
    title: Line = Field(description="The meeting's title, as the source names it.")
    date: IsoDate = Field(description="The day of the meeting, YYYY-MM-DD.")
    summary: Text = Field(description="What the meeting discussed: the source's paragraph.")
    gist: Line | None = Field(
        None, description="One line for overviews. Left out: the summary's first sentence."
    )
    topics: Annotated[list[Topic], AfterValidator(_distinct)] = Field(
        min_length=1,
        max_length=12,
        description="Short topic labels; meetings sharing one are linked.",
    )
    projects: Annotated[list[Line], AfterValidator(_distinct)] = Field(
        default_factory=list, description="Projects and initiatives the meeting names."
    )
    recording: Recording | None = Field(None, description="The meeting's recording.")
    source: Link = Field(description="The published record the facts come from.")
    speakers: list[Speaker] = Field(
        default_factory=list, description="Speakers, only as a source names them."
    )
    time: TimeSlot | None = Field(
        None, description="Start and end times, where a source gives them."
    )

    @property
    def one_line(self) -> str:
        """The gist, or else the summary's first sentence."""
        if self.gist:
            return self.gist
        text = " ".join(self.summary.split())
        match = re.search(r"(?<=[.!?])\s+(?=[A-Z\"'“])", text)
        return text[: match.start()] if match else text


# --------------------------------------------------------------------------
# The open data: the records as the site publishes them in meetings.json
# --------------------------------------------------------------------------

SiteUrl = Annotated[str, Field(min_length=1), WithJsonSchema({"type": "string", "format": "uri"})]
"""An absolute address on the site (http:// in a local preview)."""


class PublishedEvent(Event):
    """An event as the open data publishes it: its record and its addresses on the site."""

    url: SiteUrl = Field(description="The address of the event's page.")
    calendar: SiteUrl = Field(
        description="The address of the event's iCalendar file, with all its meetings."
    )


class PublishedMeeting(Meeting):
    """A meeting as the open data publishes it: its record and its addresses on the site."""

    event: Slug = Field(description="The slug of the event the meeting belongs to.")
    url: SiteUrl = Field(description="The address of the meeting's page.")
    calendar: SiteUrl = Field(description="The address of the meeting's iCalendar file.")


class OpenData(Record):
    """The site's records as open data (meetings.json): every event and every meeting,
    as validated, with the addresses where the site publishes them."""

    schema_url: SiteUrl = Field(
        alias="$schema", description="The address of this JSON Schema, as published by the site."
    )
    events: list[PublishedEvent] = Field(description="Every event, newest first.")
    meetings: list[PublishedMeeting] = Field(
        description="Every meeting, by event (newest first), then by Action Cluster number."
    )


def json_schema(model: type[Record]) -> dict[str, Any]:
    """The JSON Schema of a record, for editors' tools (draft 2020-12)."""
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
