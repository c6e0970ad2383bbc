"""Stage 3 of the pipeline: the validated records as one site.

:func:`collect` runs the first stages (read, validate) and returns a
:class:`Catalog`: the events, newest first, each with its meetings in cluster
order, and what the pages need from all of them at once (the page of every
record, the topics, the related meetings). Everything here is computed once
per build; the templates only present it.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .load import read_records
from .model import Event, Meeting, Source
from .problems import InvalidRecords
from .validate import EventRecord, validate

RELATED_LIMIT = 5


@dataclass(eq=False)
class MeetingEntry:
    """A meeting as the site publishes it."""

    meeting: Meeting
    file: str
    """The YAML file it comes from, e.g. ``clusters/forum-2021/ac1.yaml``."""
    event: EventEntry
    page: str
    """The generated Markdown page, e.g. ``forum-2021/ac1-business-models-finance.md``."""
    related: list[Related] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The page's address relative to the site root, e.g. ``forum-2021/ac1/``."""
        return page_url(self.page)

    @property
    def sources(self) -> list[Source]:
        """Every source of the page: the record's own first, then those of its facts."""
        return [self.event.event.source(source_id) for source_id in self.meeting.cited]

    @property
    def title_names_cluster(self) -> bool:
        """Whether its title says which Action Cluster held it (number and name), as
        "Action Cluster 1 - Business Models & Finance meeting" does: its page then
        does not say it again."""
        meeting = self.meeting
        title = meeting.title.casefold()
        return (
            f"action cluster {meeting.cluster.number}" in title
            and meeting.cluster.name.casefold() in title
        )

    @property
    def calendar(self) -> str:
        """Its iCalendar file beside its page, e.g. ``forum-2021/ac1-business-models-finance.ics``.

        A slug has no dot, so no page or folder of the site can take this name.
        """
        return self.page.removesuffix(".md") + ".ics"


@dataclass(eq=False)
class EventEntry:
    """An event as the site publishes it."""

    event: Event
    file: str
    page: str
    meetings: list[MeetingEntry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return page_url(self.page)

    @property
    def sources(self) -> list[Source]:
        """Every source of the event's page (and of an overview of it, like the home page).

        Those of its own facts, then the source each meeting's summary quotes (its
        first), since the list of meetings quotes the start of each summary.
        """
        ids = [*self.event.cited, *(entry.meeting.cites[0] for entry in self.meetings)]
        return [self.event.source(source_id) for source_id in dict.fromkeys(ids)]

    @property
    def calendar(self) -> str:
        """The iCalendar file of all its meetings, at the top of the site: ``forum-2021.ics``."""
        return f"{self.event.slug}.ics"


@dataclass(frozen=True, eq=False)
class Related:
    """Another meeting that shares topics with a meeting."""

    entry: MeetingEntry
    shared: tuple[str, ...]


@dataclass
class Catalog:
    """Every event and meeting of the site, with their cross-references."""

    events: list[EventEntry]
    topics: dict[str, list[MeetingEntry]]
    """Each topic (as first written) with the meetings tagged with it."""

    @property
    def meetings(self) -> list[MeetingEntry]:
        return [meeting for event in self.events for meeting in event.meetings]


def collect(root: Path, base: Path | None = None, reserved: Iterable[str] = ()) -> Catalog:
    """Read and validate every record under ``root`` into a catalog.

    Raises :class:`~meetings.problems.InvalidRecords` with every problem
    found in every file when any record is wrong.
    """
    documents, problems = read_records(root, base)
    unread = {PurePosixPath(problem.file).parent.name for problem in problems}
    records, invalid = validate(documents, reserved, unread)
    problems += invalid
    if problems:
        raise InvalidRecords(problems)
    return build(records)


def build(records: Iterable[EventRecord]) -> Catalog:
    """Arrange validated records into a catalog."""
    events: list[EventEntry] = []
    for record in records:
        slug = record.event.slug
        entry = EventEntry(record.event, record.file, f"{slug}/index.md")
        entry.meetings = [
            MeetingEntry(m.meeting, m.file, entry, f"{slug}/{m.meeting.slug}.md")
            for m in sorted(
                record.meetings, key=lambda m: (m.meeting.cluster.number, m.meeting.slug)
            )
        ]
        events.append(entry)
    events.sort(key=lambda e: (e.event.start_date, e.event.slug), reverse=True)
    catalog = Catalog(events, _topics(events))
    _relate(catalog)
    return catalog


def page_url(page: str) -> str:
    """The directory-style address of a Markdown page, as MkDocs gives it."""
    stem = page.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def sort_key(text: str) -> tuple[str, str]:
    """Text in the order a person expects: case and accents aside, so that
    "Écoles" comes between "data" and "energy", and "GDPR" after "funding"
    (the text itself breaks ties, so that the order is the same every time)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)), text


def _topics(events: list[EventEntry]) -> dict[str, list[MeetingEntry]]:
    """Topics are matched without regard to case; the first spelling names them."""
    names: dict[str, str] = {}
    topics: dict[str, list[MeetingEntry]] = defaultdict(list)
    for event in events:
        for meeting in event.meetings:
            for topic in meeting.meeting.topics:
                name = names.setdefault(topic.casefold(), topic)
                topics[name].append(meeting)
    return dict(sorted(topics.items(), key=lambda item: sort_key(item[0])))


def _relate(catalog: Catalog) -> None:
    """Give each meeting the others that share most of its topics.

    Counting, for each meeting, the meetings listed under each of its topics
    grows with the square of the site when a topic is common (at 10,000
    meetings, with topics as unevenly used as in real archives, it took
    minutes). Instead, each topic is a set of meetings held as the bits of an
    integer, in catalog order, and the meetings sharing at least ``j`` of a
    meeting's topics are found with a few whole-set ``&`` and ``|``, which
    Python runs over 64 meetings per machine word. The best are then read off
    from the most shared down, each level in catalog order: the lowest bits.
    """
    meetings = catalog.meetings
    count = len(meetings)
    rank = {id(meeting): index for index, meeting in enumerate(meetings)}
    bits: dict[str, int] = {}
    for name, entries in catalog.topics.items():
        flags = bytearray((count + 7) // 8)
        for entry in entries:
            index = rank[id(entry)]
            flags[index >> 3] |= 1 << (index & 7)
        bits[name] = int.from_bytes(flags, "little")
    key_of = {name.casefold(): name for name in catalog.topics}
    names = [[key_of[topic.casefold()] for topic in m.meeting.topics] for m in meetings]
    named = [set(own) for own in names]
    everyone = (1 << count) - 1
    for index, meeting in enumerate(meetings):
        own = names[index]
        # at_least[j]: the meetings (this one too) sharing at least j of the topics so far.
        at_least = [everyone]
        for name in own:
            topic = bits[name]
            at_least.append(0)
            for j in range(len(at_least) - 1, 0, -1):
                if at_least[j - 1]:
                    at_least[j] |= at_least[j - 1] & topic
        at_least.append(0)
        best: list[int] = []
        for j in range(len(own), 0, -1):
            level = at_least[j] ^ at_least[j + 1]  # exactly j shared
            for other in _lowest_bits(level, RELATED_LIMIT + 1 - len(best)):
                if other != index and len(best) < RELATED_LIMIT:
                    best.append(other)
            if len(best) == RELATED_LIMIT:
                break
        meeting.related = [
            Related(meetings[other], tuple(name for name in own if name in named[other]))
            for other in best
        ]


_WINDOW = 256


def _lowest_bits(bits: int, limit: int) -> list[int]:
    """The positions of the ``limit`` lowest set bits, lowest first.

    Read a small window at a time: operations on a small integer cost
    nothing, whereas each one on the whole set copies all of it.
    """
    found: list[int] = []
    offset = 0
    while bits and len(found) < limit:
        window = bits & ((1 << _WINDOW) - 1)
        while window and len(found) < limit:
            lowest = window & -window
            found.append(offset + lowest.bit_length() - 1)
            window ^= lowest
        bits >>= _WINDOW
        offset += _WINDOW
    return found
