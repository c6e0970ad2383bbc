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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .load import read_records
from .problems import InvalidRecords
from .published import EventEntry, MeetingEntry, Related
from .validate import validate

RELATED_LIMIT = 5


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

    ``base`` is the folder that paths in messages are relative to (the project
    folder); ``reserved`` the top-level addresses of ``docs/`` (see
    :meth:`~meetings.layout.Site.taken_names`). Raises
    :class:`~meetings.problems.InvalidRecords` with every problem found in
    every file when any record is wrong.
    """
    documents, problems = read_records(root, base)
    unread = {PurePosixPath(problem.file).parent.name for problem in problems}
    events, invalid = validate(documents, reserved, unread)
    problems += invalid
    if problems:
        raise InvalidRecords(problems)
    return build(events)


def build(events: Iterable[EventEntry]) -> Catalog:
    """Arrange validated records into a catalog: their pages, order, topics and relations."""
    ordered = sorted(events, key=lambda e: (e.start_date, e.slug), reverse=True)
    for event in ordered:
        event._page = f"{event.slug}/index.md"
        event.meetings.sort(key=lambda m: (m.cluster.number, m.slug))
        for meeting in event.meetings:
            meeting._event = event
            meeting._page = f"{event.slug}/{meeting.slug}.md"
    catalog = Catalog(ordered, _topics(ordered))
    _relate(catalog)
    return catalog


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
            for topic in meeting.topics:
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
    names = [[key_of[topic.casefold()] for topic in m.topics] for m in meetings]
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
        meeting._related = [
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
