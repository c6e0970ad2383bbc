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

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote_plus

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .values import (
    Clock,
    HttpsUrl,
    IsoDate,
    Line,
    Slug,
    Text,
    Topic,
    check_timezone,
    distinct,
)

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
    timezone: str = Field(
        "Europe/Brussels", description="Time zone name of the times, e.g. Europe/Brussels."
    )

    @model_validator(mode="after")
    def _check(self) -> TimeSlot:
        check_timezone(self.timezone)
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
    topics: Annotated[list[Topic], AfterValidator(distinct)] = Field(
        min_length=1,
        max_length=12,
        description="Short topic labels; meetings sharing one are linked.",
    )
    projects: Annotated[list[Line], AfterValidator(distinct)] = Field(
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
# The records in the site: validated straight into these, with their places
# --------------------------------------------------------------------------


class _Placed(Record):
    """What the site adds to a validated record: the file it comes from and its page.

    The entries below are validated straight from the files (the same fields and
    checks as their records); the catalog fills in the rest. Templates read the
    record's fields and the site's alike: ``event.name``, ``event.meetings``.
    """

    _file: str = PrivateAttr("")
    _page: str = PrivateAttr("")

    # The properties read the private attributes straight from pydantic's dict:
    # ``self._page`` is found only after a failed lookup, 40 times slower, and
    # the pages and open data read them a million times at 10,000 meetings.

    @property
    def file(self) -> str:
        """The YAML file it comes from, e.g. ``clusters/forum-2021/ac1.yaml``."""
        return self.__pydantic_private__["_file"]  # type: ignore[index]

    @property
    def page(self) -> str:
        """Its generated Markdown page under ``docs/``, e.g. ``forum-2021/ac1.md``."""
        return self.__pydantic_private__["_page"]  # type: ignore[index]


class EventEntry(Event, _Placed):
    """An event as the site publishes it: its record, file, page and meetings."""

    _meetings: list[MeetingEntry] = PrivateAttr(default_factory=list)

    # Compared and hashed as objects, as the entries refer to each other (pydantic
    # would give each frozen model class a hash of its fields).
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def meetings(self) -> list[MeetingEntry]:
        """Its meetings, in cluster order."""
        return self.__pydantic_private__["_meetings"]  # type: ignore[index]

    @property
    def calendar(self) -> str:
        """The iCalendar file of all its meetings, at the top of the site: ``forum-2021.ics``."""
        return f"{self.slug}.ics"


class MeetingEntry(Meeting, _Placed):
    """A meeting as the site publishes it: its record, file, page, event and related meetings."""

    _event: EventEntry | None = PrivateAttr(None)
    _related: list[Related] = PrivateAttr(default_factory=list)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def event(self) -> EventEntry:
        """The event it belongs to."""
        event: EventEntry | None = self.__pydantic_private__["_event"]  # type: ignore[index]
        assert event is not None, "a meeting is placed in its event by the catalog"
        return event

    @property
    def related(self) -> list[Related]:
        """Other meetings that share most of its topics."""
        return self.__pydantic_private__["_related"]  # type: ignore[index]

    @property
    def calendar(self) -> str:
        """Its iCalendar file beside its page, e.g. ``forum-2021/ac1-business-models-finance.ics``.

        A slug has no dot, so no page or folder of the site can take this name.
        """
        return self.page.removesuffix(".md") + ".ics"


@dataclass(frozen=True, eq=False)
class Related:
    """Another meeting that shares topics with a meeting."""

    meeting: MeetingEntry
    shared: tuple[str, ...]


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
