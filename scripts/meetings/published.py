"""The records as the site publishes them: in its pages, and as open data.

:class:`EventEntry` and :class:`MeetingEntry` are the one type each record has
once validated: the record itself (:mod:`meetings.model`), plus its place in
the site (file, page, event, related meetings), which the catalog fills in.
:class:`OpenData` is the shape of ``meetings.json``, whose JSON Schema
``meetings schema`` publishes like the editors' ones.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)
from pydantic.json_schema import SkipJsonSchema

from .model import Event, Meeting, Record, Source, Speaker
from .values import Slug

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
    def cited_sources(self) -> list[Source]:
        """Every source of the event's page.

        Those of its own facts, then each meeting's own first source (which gives
        its title and summary), since the page lists its meetings.
        """
        ids = [*self.cited, *(meeting.cites[0] for meeting in self.meetings)]
        return [self.source(source_id) for source_id in dict.fromkeys(ids)]

    @property
    def summary_sources(self) -> list[Source]:
        """The sources an overview of its meetings quotes (the home page's cards): each
        meeting's line (its gist, or its summary's first sentence) is quoted from its
        summary's source, its first."""
        ids = dict.fromkeys(meeting.cites[0] for meeting in self.meetings)
        return [self.source(source_id) for source_id in ids]

    @property
    def calendar(self) -> str:
        """The iCalendar file of all its meetings, at the top of the site: ``forum-2021.ics``."""
        return f"{self.slug}.ics"


class MeetingEntry(Meeting, _Placed):
    """A meeting as the site publishes it: its record, file, page, event and related meetings."""

    _event: EventEntry | None = PrivateAttr(None)
    _related: tuple[Related, ...] = PrivateAttr(())
    _related_shown: Hashable = PrivateAttr(())
    _cited_sources: list[Source] | None = PrivateAttr(None)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def event(self) -> EventEntry:
        """The event it belongs to."""
        event: EventEntry | None = self.__pydantic_private__["_event"]  # type: ignore[index]
        assert event is not None, "a meeting is placed in its event by the catalog"
        return event

    @property
    def cited_sources(self) -> list[Source]:
        """Every source of the page: the record's own first, then those of its facts.

        Worked out once: the page, its head, the feed and the calendars all list them.
        """
        private: dict[str, Any] = self.__pydantic_private__  # type: ignore[assignment]
        found = private["_cited_sources"]
        if found is None:
            found = private["_cited_sources"] = [
                self.event.source(source_id) for source_id in self.cited
            ]
        return found

    @property
    def title_names_cluster(self) -> bool:
        """Whether its title says which Action Cluster held it (number and name), as
        "Action Cluster 1 - Business Models & Finance meeting" does: its page then
        does not say it again."""
        title = self.title.casefold()
        return f"action cluster {self.cluster.number}" in title and (
            self.cluster.name.casefold() in title
        )

    @property
    def related(self) -> tuple[Related, ...]:
        """Other meetings that share most of its topics."""
        return self.__pydantic_private__["_related"]  # type: ignore[index]

    @property
    def related_shown(self) -> Hashable:
        """What its page shows of its related meetings (title, page, event's name, shared
        topics): what the page is made from, for :mod:`~meetings.memo`."""
        return self.__pydantic_private__["_related_shown"]  # type: ignore[index]

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


_NOT_PUBLISHED: Any = Field(False, exclude=True)
"""``draft``, which the open data leave out: the published site has no draft."""


class PublishedEvent(Event):
    """An event as the open data publishes it: its record and its addresses on the site."""

    draft: SkipJsonSchema[bool] = _NOT_PUBLISHED
    url: SiteUrl = Field(description="The address of the event's page.")
    calendar: SiteUrl = Field(
        description="The address of the event's iCalendar file, with all its meetings."
    )


class PublishedMeeting(Meeting):
    """A meeting as the open data publishes it: its record and its addresses on the site.

    What no source gives is left out, but for ``speakers``: always there, and
    ``null`` where no source names them, which an empty list would not say.
    """

    draft: SkipJsonSchema[bool] = _NOT_PUBLISHED
    speakers: list[Speaker] | None = Field(
        min_length=1,
        description=(
            "Speakers, as the sources name them; null where no source names them "
            "(unknown: not that nobody spoke)."
        ),
    )
    event: Slug = Field(description="The slug of the event the meeting belongs to.")
    url: SiteUrl = Field(description="The address of the meeting's page.")
    calendar: SiteUrl = Field(description="The address of the meeting's iCalendar file.")

    @model_serializer(mode="wrap")
    def _unknown_speakers(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if "speakers" in data:
            return data
        # In the record's order: null where a list of speakers would be.
        return {
            name: data.get(name)
            for name in type(self).model_fields
            if name in data or name == "speakers"
        }


class OpenData(Record):
    """The site's records as open data (meetings.json): every event and every meeting,
    as validated, with the addresses where the site publishes them."""

    schema_url: SiteUrl = Field(
        alias="$schema", description="The address of this JSON Schema, as published by the site."
    )
    attribution: str = Field(
        description="Where the quoted text comes from, and that it stays its publishers'."
    )
    events: list[PublishedEvent] = Field(description="Every event, newest first.")
    meetings: list[PublishedMeeting] = Field(
        description="Every meeting, by event (newest first), then by Action Cluster number."
    )
