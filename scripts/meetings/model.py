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
supports, and the passages of it the site quotes); records cite them by id in
``cites``. A record's own ``cites`` covers its title, date and text; a fact
that not all of them give (a speaker's role, a project, a partnership, the
recording, an event's dates) carries its own. :meth:`Record.citations` finds
every one of them, for validation (every id listed, every source cited) and for
the pages, which show each fact's sources where the fact is.

Quoted means verbatim. A field marked :data:`QUOTATION` or :data:`NAME`
(``x-quoted`` in the JSON Schema) holds a source's own words, and
:meth:`Record.quotations` says which sources must hold them: those cited
beside it. Validation (:mod:`meetings.quotes`) finds each one in those
sources' passages.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import quote_plus

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from .limits import zone_info
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
    Word,
    distinct,
    distinct_names,
    url_host,
)

QUOTATION = "quotation"
"""A field of running text quoted from its sources: whole sentences of one of their
passages (after white space is made single spaces), a cut marked with "…", each
paragraph on its own. Spelling corrections are those listed with the source."""
NAME = "name"
"""A field that names something in its sources' words: words of one of their passages."""


def quoted(kind: str) -> JsonDict:
    """The mark of a field holding a source's words (its JSON Schema says so too)."""
    return {"x-quoted": kind}


QUOTES_FIRST: JsonDict = {"x-quotes": "first-cite"}
"""The mark of a record whose quoted fields quote the first source of its ``cites``
(a meeting, an event); other records' quote each source they cite."""

CITES_FIELDS = ("cites", "dates_cites")
"""The fields that cite sources by id."""

# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------

DRAFT = Field(
    False,
    description=(
        "While true, the record is a draft (make new and make new-event write it): "
        "make validate lists its problems as warnings, the published site leaves it out "
        "(an event with all its meetings), and make serve shows it, marked Draft, once it is "
        "complete. Remove the line to publish it."
    ),
)
"""The ``draft`` field of an event and of a meeting (README, "Drafts")."""


class Record(BaseModel):
    """Base of every record: strict, closed to unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def citations(self, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Every source id this record cites, with the path of its place in the record.

        Found wherever the model has a ``cites`` field, at any depth, so that a fact
        added to the model with its own ``cites`` is checked and shown without more code.
        """
        for name in _fields_holding(type(self), CITES):
            value = getattr(self, name)
            if name in CITES_FIELDS:
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
        found = sorted(  # stable
            self.citations(), key=lambda item: (len(item[0]) > 2, item[0][0] != "cites")
        )
        return list(dict.fromkeys(source for _, source in found))

    @classmethod
    def quotes_first_source(cls) -> bool:
        """Whether the record's quoted fields quote the first of its ``cites`` alone (a
        meeting's summary is its first source's paragraph: :data:`QUOTES_FIRST`), or
        each of them (a speaker's name is in every source cited beside it)."""
        extra = cls.model_config.get("json_schema_extra")
        return isinstance(extra, dict) and extra.get("x-quotes") == QUOTES_FIRST["x-quotes"]

    def quotations(
        self, path: tuple[str | int, ...] = (), cites: tuple[str, ...] = ()
    ) -> Iterator[tuple[tuple[str | int, ...], str, str, tuple[str, ...]]]:
        """Every field holding a source's words: its path, kind (:data:`QUOTATION` or
        :data:`NAME`), text, and the ids of the sources that must hold it.

        Those are the ``cites`` of the nearest record that has them (a cluster's
        name is its meeting's), found at any depth like :meth:`citations`.
        """
        own = getattr(self, "cites", None)
        if own is not None:
            cites = tuple(own[:1]) if self.quotes_first_source() else tuple(own)
        fields = type(self).model_fields
        for name in _fields_holding(type(self), QUOTED):
            value = getattr(self, name)
            extra = fields[name].json_schema_extra
            if isinstance(extra, dict) and isinstance(value, str):
                yield (*path, name), str(extra["x-quoted"]), value, cites
            elif isinstance(value, Record):
                yield from value.quotations((*path, name), cites)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, Record):
                        yield from item.quotations((*path, name, index), cites)


CITES = "cites"
QUOTED = "quoted"


@functools.cache
def _fields_holding(model: type[Record], what: str) -> tuple[str, ...]:
    """The fields of ``model`` where :meth:`Record.citations` (``what`` is :data:`CITES`)
    or :meth:`Record.quotations` (:data:`QUOTED`) can find something, in their order: a
    ``cites`` field or a quoted one, or one whose type can hold a record with such a
    field. The others (dates, names, a source's passages) are not walked: citations
    and quotations are asked for every record several times a build.
    """
    _walking.add(model)
    try:
        found = []
        for name, info in model.model_fields.items():
            holds = name in CITES_FIELDS if what == CITES else _is_quoted(info.json_schema_extra)
            inner = _records_in(info.annotation)
            if (
                holds
                or inner is None
                or any(record in _walking or _fields_holding(record, what) for record in inner)
            ):
                found.append(name)
        return tuple(found)
    finally:
        _walking.discard(model)


_walking: set[type[Record]] = set()
"""The models :func:`_fields_holding` is working out: a model that holds itself holds
whatever it holds."""


def _is_quoted(extra: object) -> bool:
    return isinstance(extra, dict)


def _records_in(annotation: Any) -> set[type[Record]] | None:
    """The record types a field's type can hold (``list[Speaker] | None``: Speaker);
    None where the type does not say (``Any``)."""
    if annotation is Any:
        return None
    if get_origin(annotation) is None and isinstance(annotation, type):
        return {annotation} if issubclass(annotation, Record) else set()
    found: set[type[Record]] = set()
    for argument in get_args(annotation):
        inner = _records_in(argument)
        if inner is None:
            return None
        found |= inner
    return found


class Correction(Record):
    """A word the source misspells, and the site's spelling of it in its quotations."""

    misspelt: Word = Field(description="The word as the source writes it, e.g. possiblity.")
    corrected: Word = Field(description="The word as the site quotes it, e.g. possibility.")

    @model_validator(mode="after")
    def _check(self) -> Correction:
        if self.misspelt == self.corrected:
            raise PydanticCustomError("correction_same", "is the same word as the one misspelt")
        if _edits(self.misspelt.casefold(), self.corrected.casefold()) > 2:
            raise PydanticCustomError(
                "correction_distance",
                "'{corrected}' is not a spelling of '{misspelt}' (more than two letters "
                "differ): a correction mends a misspelt word, it never changes one word for "
                "another; quote the source's word, or cut it with '…'",
                {"misspelt": self.misspelt, "corrected": self.corrected},
            )
        return self

    def __str__(self) -> str:
        return f"{self.misspelt} → {self.corrected}"


def _edits(one: str, other: str) -> int:
    """The letters to change, add, remove or swap (two side by side) to make one word the other."""
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, a in enumerate(one, 1):
        current = [i]
        for j, b in enumerate(other, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == other[j - 2] and one[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _distinct_misspellings(corrections: list[Correction]) -> list[Correction]:
    distinct([correction.misspelt for correction in corrections])
    return corrections


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
    passages: list[Text] = Field(
        default_factory=list,
        description=(
            "The passages of the document that the records quote or name, each word for word "
            "as published (its misspellings too), one paragraph each; mark a cut with '…'. "
            "Every quoted field must be found in a passage of each source cited beside it."
        ),
    )
    corrections: Annotated[list[Correction], AfterValidator(_distinct_misspellings)] = Field(
        default_factory=list,
        description=(
            "The site's corrections of the document's spelling in its quotations, each once "
            "(misspelt: possiblity, corrected: possibility); the pages list them."
        ),
    )

    @property
    def label(self) -> str:
        """The title, or else the address without its scheme."""
        return self.title or self.url.removeprefix("https://")


class Statement(Record):
    """A fact in a source's words, with the sources that give it."""

    text: Text = Field(
        description=(
            "The source's words, quoted: whole sentences, or cut with '…'. Each source "
            "cited must hold them in one of its passages."
        ),
        json_schema_extra=quoted(QUOTATION),
    )
    cites: Cites = Field(description="The ids of the sources that give it.")


class Affiliation(Record):
    """An organisation a speaker belongs to, as a source names it."""

    name: Line = Field(
        description="Its name, in the source's words, e.g. empirica.",
        json_schema_extra=quoted(NAME),
    )
    cites: Cites = Field(description="The ids of the sources that give it.")


class Attendance(Record):
    """How people take part, as a source states it: announced beforehand, or reported."""

    mode: Literal["online", "offline", "mixed"] = Field(description="How people take part.")
    status: Literal["announced", "reported"] = Field(
        description=(
            "'announced' where a source written before the meeting says it will be so (a "
            "plan, published as such), 'reported' where one written after it says it was so."
        )
    )
    cites: Cites = Field(description="The ids of the sources that state it.")


class Organizer(Record):
    """Who holds the event, only as a source names them."""

    name: Line = Field(description="The organiser's name.", json_schema_extra=quoted(NAME))
    url: HttpsUrl | None = Field(None, description="The organiser's https:// web site.")
    cites: Cites = Field(description="The ids of the sources that name the organiser.")


class Cluster(Record):
    """The Action Cluster that held the meeting."""

    number: int = Field(ge=1, le=99, description="The Action Cluster's number, 1 to 99.")
    name: Line = Field(
        description="The Action Cluster's name, e.g. Citizen Focus.",
        json_schema_extra=quoted(NAME),
    )


PLATFORM_HOSTS = {"YouTube": ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be")}
"""The hosts of each platform a recording may be on: its ``url`` must lead to one of them."""


class Recording(Record):
    """Where the meeting's recording can be watched."""

    title: Line = Field(
        description="The recording's title, exactly as the source names it.",
        json_schema_extra=quoted(NAME),
    )
    platform: Literal["YouTube"] = Field(description="Where the recording is published.")
    channel: Line | None = Field(
        None, description="The channel that published it.", json_schema_extra=quoted(NAME)
    )
    url: HttpsUrl | None = Field(
        None,
        description=(
            "The verified address of the video itself. Leave it out when unknown: the "
            "page then links to a search for the exact title. Never guess a video id."
        ),
    )
    cites: Cites = Field(
        description="The ids of the sources that say where the recording is (and name it)."
    )

    @model_validator(mode="after")
    def _check_host(self) -> Recording:
        hosts = PLATFORM_HOSTS[self.platform]
        if self.url is not None and url_host(self.url) not in hosts:
            raise PydanticCustomError(
                "platform_host",
                "a recording on {platform} is at one of its addresses ({hosts}); "
                "this one leads to {host}",
                {"platform": self.platform, "hosts": ", ".join(hosts), "host": url_host(self.url)},
            )
        return self

    @property
    def search_url(self) -> str:
        """A search on the platform for the recording's exact title."""
        return "https://www.youtube.com/results?search_query=" + quote_plus(f'"{self.title}"')


class Speaker(Record):
    """A person who spoke at the meeting, as a source names them."""

    name: Line = Field(
        description="The speaker's name, as a source gives it.", json_schema_extra=quoted(NAME)
    )
    affiliation: Affiliation | None = Field(
        None, description="Their organisation, as a source gives it, with its sources."
    )
    role: Statement | None = Field(
        None,
        description="What they did in the meeting, quoted from a source, with its sources.",
    )
    cites: Cites = Field(description="The ids of the sources that name the speaker.")


class Project(Record):
    """A project or initiative the meeting names."""

    name: Line = Field(
        description="Its name, exactly as a source gives it.", json_schema_extra=quoted(NAME)
    )
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

    draft: bool = DRAFT
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
    dates_cites: Cites = Field(
        description="The ids of the sources (from 'sources' below) that give the dates."
    )
    description: Text = Field(
        description="What the event is, quoted from the first source of 'cites'.",
        json_schema_extra=quoted(QUOTATION),
    )
    action_clusters: Text | None = Field(
        None,
        description="What an Action Cluster is, quoted from the first source of 'cites'.",
        json_schema_extra=quoted(QUOTATION),
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
            "The ids of the sources (from 'sources' below) of the event's text; the first "
            "is the one whose words the description and the Action Clusters' text quote."
        )
    )
    sources: list[Source] = Field(
        min_length=1,
        description=(
            "Every source of the event and its meetings, once. Records cite them by id; "
            "each one listed must be cited."
        ),
    )

    model_config = ConfigDict(json_schema_extra=QUOTES_FIRST)

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

    draft: bool = DRAFT
    slug: Slug = Field(
        description="Address of the meeting's page, e.g. ac1-business-models-finance."
    )
    cluster: Cluster = Field(description="The Action Cluster that held the meeting.")
    title: Line = Field(
        description="The meeting's title, as the source names it.", json_schema_extra=quoted(NAME)
    )
    date: IsoDate = Field(description="The day of the meeting, YYYY-MM-DD.")
    summary: Text = Field(
        description="What the meeting discussed: the source's paragraph, quoted.",
        json_schema_extra=quoted(QUOTATION),
    )
    gist: Line | None = Field(
        None,
        description=(
            "One line for overviews, quoted from the summary's source (cut with '…'). "
            "Left out: the summary's first sentence."
        ),
        json_schema_extra=quoted(QUOTATION),
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
            "title, date, summary and topics; the first is the one whose paragraph the "
            "summary quotes, and which names the meeting (its words are among that "
            "source's passages in event.yaml)."
        )
    )
    speakers: list[Speaker] | None = Field(
        None,
        min_length=1,
        description=(
            "Speakers, only as a source names them. Left out when no source names them "
            "(unknown, which is not the same as none)."
        ),
    )
    announced_as: Statement | None = Field(
        None,
        description="What an announcement before the meeting said it would be, quoted from it.",
    )
    attendance: Attendance | None = Field(
        None, description="How people took part, where a source says (else the event's)."
    )
    time: TimeSlot | None = Field(
        None, description="Start and end times, where a source gives them."
    )

    model_config = ConfigDict(json_schema_extra=QUOTES_FIRST)

    @model_validator(mode="after")
    def _check_time(self) -> Meeting:
        """A time that exists once on the meeting's day in its zone: not in the hour the
        clocks skip when summer time starts, nor in the one they repeat when it ends."""
        if self.time is None:
            return self
        zone = zone_info(self.time.timezone)
        for field, clock in (("start", self.time.start), ("end", self.time.end)):
            if clock is None:
                continue
            wall = dt.datetime.combine(self.date, dt.time.fromisoformat(clock))
            first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
            if first.utcoffset() == second.utcoffset():
                continue
            context = {"at": f"time.{field}", "when": f"{self.date.isoformat()} {clock}"}
            if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall:
                raise PydanticCustomError(
                    "time_gap",
                    "{when} does not exist in {zone}: the clocks go forward across it that "
                    "night; check the time in the source",
                    {**context, "zone": self.time.timezone},
                )
            raise PydanticCustomError(
                "time_twice",
                "{when} happens twice in {zone}: the clocks go back across it that night; "
                "give the time in UTC (timezone: UTC) if the source says which",
                {**context, "zone": self.time.timezone},
            )
        return self

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
