"""The data model: what an event file and a meeting file may say.

This module is the single source of truth for the records. Validation, the page
templates, the exports and the JSON Schema that editors' tools read
(``meetings schema``) all come from the classes below; nothing else describes
the shape of a record.

Every model is strict: unknown keys are errors, and values are never coerced
(a ``true`` where text is due is an error, not the word "True"). Facts that no
source gives today (times, an organiser) have optional fields, so that they
can be added later without a code change; the pages leave out what is not
known.

Every fact traces to a source. Each event lists its sources once, in
``event.yaml`` (:class:`Source`: id, title, publisher, date, address, what it
supports); records cite them by id in ``cites``. A record's own ``cites`` covers
its title, dates and text; a fact that not all of them give (a speaker, a
project, a partnership) carries its own ``cites``. :meth:`Record.citations` finds
every one of them, for validation (every id listed, every source cited) and for
the pages, which show each fact's sources where the fact is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import quote_plus

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .values import (
    Cites,
    Clock,
    HttpsUrl,
    IsoDate,
    Line,
    Slug,
    SourceId,
    Text,
    TimeZone,
    Topic,
    distinct,
    distinct_names,
)

# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


class Record(BaseModel):
    """Base of every record: strict, closed to unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def citations(self, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Every source id this record cites, with the path of its place in the record.

        Found wherever the model has a ``cites`` field, at any depth, so that a fact
        added to the model with its own ``cites`` is checked and shown without more code.
        """
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name == "cites":
                for index, source in enumerate(value):
                    yield (*path, name, index), source
            elif isinstance(value, Record):
                yield from value.citations((*path, name))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, Record):
                        yield from item.citations((*path, name, index))

    @property
    def cited(self) -> list[str]:
        """The ids this record cites, each once: its own ``cites`` first, then its facts'."""
        found = sorted(self.citations(), key=lambda item: len(item[0]) > 2)  # stable
        return list(dict.fromkeys(source for _, source in found))


class Source(Record):
    """A published document that facts come from, described in the project's own words."""

    id: SourceId = Field(
        description="A short name for the source, which records cite, e.g. article."
    )
    title: Line | None = Field(
        None,
        description=(
            "The document's title, exactly as published. Leave it out when the copy at hand "
            "shows none: the pages then show its address."
        ),
    )
    publisher: Line = Field(description="Who published it, e.g. Smart Cities Marketplace news.")
    published: IsoDate | None = Field(
        None, description="Publication date, YYYY-MM-DD, where the document gives one."
    )
    url: HttpsUrl = Field(description="The https:// address of the document.")
    supports: Text = Field(
        description="Which facts of the records it gives, in the project's own words."
    )

    @property
    def label(self) -> str:
        """The title, or else the address without its scheme."""
        return self.title or self.url.removeprefix("https://")


class Statement(Record):
    """A fact in a sentence, with the sources that give it."""

    text: Text = Field(description="The fact, in the words of its first source.")
    cites: Cites = Field(description="The ids of the sources that give it.")


class Attendance(Record):
    """How people took part, as a source states it."""

    mode: Literal["online", "offline", "mixed"] = Field(description="How people took part.")
    cites: Cites = Field(description="The ids of the sources that state it.")


class Organizer(Record):
    """Who holds the event, only as a source names them."""

    name: Line = Field(description="The organiser's name.")
    url: HttpsUrl | None = Field(None, description="The organiser's https:// web site.")
    cites: Cites = Field(description="The ids of the sources that name the organiser.")


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
    role: Line | None = Field(
        None, description="What they did in the meeting, in the source's words."
    )
    cites: Cites = Field(description="The ids of the sources that name the speaker.")


class Project(Record):
    """A project or initiative the meeting names."""

    name: Line = Field(description="Its name, exactly as a source gives it.")
    url: HttpsUrl | None = Field(
        None, description="The https:// address of its own record or site, from a source."
    )
    cites: Cites = Field(
        description="The ids of the sources that name it (and give its address, if any)."
    )


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
        None,
        max_length=40,
        description=(
            "A short name for the navigation, e.g. Forum 2021; used when every event the "
            "navigation lists has one."
        ),
    )
    start_date: IsoDate = Field(description="First day, YYYY-MM-DD.")
    end_date: IsoDate = Field(description="Last day, YYYY-MM-DD.")
    description: Text = Field(description="What the event is, from the sources.")
    action_clusters: Text | None = Field(
        None, description="What an Action Cluster is, from the sources."
    )
    partnership: Statement | None = Field(
        None, description="A partnership a source states, in its words and tense."
    )
    organizer: Organizer | None = Field(
        None, description="Who holds the event. Only where a source names them."
    )
    attendance: Attendance | None = Field(
        None, description="How people took part in all its meetings. Only where a source says."
    )
    cites: Cites = Field(
        description=(
            "The ids of the sources (from 'sources' below) of the event's dates and text; "
            "the first is the one whose words the description quotes."
        )
    )
    sources: list[Source] = Field(
        min_length=1,
        description=(
            "Every source of the event and its meetings, once. Records cite them by id; "
            "each one listed must be cited."
        ),
    )

    @model_validator(mode="after")
    def _check_dates(self) -> Event:
        if self.end_date < self.start_date:
            raise PydanticCustomError(
                "date_order",
                "end_date {end} is before start_date {start}",
                {"end": self.end_date.isoformat(), "start": self.start_date.isoformat()},
            )
        return self

    def source(self, source_id: str) -> Source:
        """The listed source with this id (validation has checked that there is one)."""
        return next(source for source in self.sources if source.id == source_id)


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
    projects: Annotated[list[Project], AfterValidator(distinct_names)] = Field(
        default_factory=list, description="Projects and initiatives the meeting names."
    )
    recording: Recording | None = Field(None, description="The meeting's recording.")
    cites: Cites = Field(
        description=(
            "The ids of the sources (listed in the event's event.yaml) of the meeting's "
            "title, date, summary, topics and recording; the first is the one whose "
            "paragraph the summary quotes."
        )
    )
    speakers: list[Speaker] = Field(
        default_factory=list, description="Speakers, only as a source names them."
    )
    announced_as: Statement | None = Field(
        None, description="What an announcement before the meeting said it would be."
    )
    attendance: Attendance | None = Field(
        None, description="How people took part, where a source says (else the event's)."
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


def json_schema(model: type[Record]) -> dict[str, Any]:
    """The JSON Schema of a record, for editors' tools (draft 2020-12)."""
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
