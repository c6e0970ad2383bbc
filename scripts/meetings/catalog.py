"""Stage 3 of the pipeline: the validated records as one site.

:func:`collect` runs the first stages (read, validate) and returns a
:class:`Catalog`: the events, newest first, each with its meetings in cluster
order, and what the pages need from all of them at once (the page of every
record, the topics, the related meetings). Everything here is computed once
per build; the templates only present it.

Drafts (README, "Drafts") are left out of the catalog, an event with all its
meetings, and so are the sources that only drafts cite; a preview
(``mkdocs serve``) keeps each draft that has no problem left.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .load import Document, Entries, ReadFolder, read_records
from .memo import Key, Memo, no_memo
from .problems import InvalidRecords, Problem, in_order
from .published import EventEntry, MeetingEntry, Related
from .validate import drafts, mark_drafts, validate
from .words import number_of

RELATED_LIMIT = 5


@dataclass
class Catalog:
    """Every event and meeting of the site, with their cross-references."""

    events: list[EventEntry]
    warnings: list[Problem] = field(default_factory=list)
    """The problems of the drafts."""
    left_out: list[str] = field(default_factory=list)
    """What the site leaves out, as drafts: their files (an event's as its folder, with its
    meetings), and the sources only drafts cite."""

    @functools.cached_property
    def topics(self) -> dict[str, list[MeetingEntry]]:
        """Each topic (as first written) with the meetings tagged with it."""
        return _topics(self.events)

    @functools.cached_property
    def meetings(self) -> list[MeetingEntry]:
        return [meeting for event in self.events for meeting in event.meetings]

    @functools.cached_property
    def everything(self) -> Key:
        """Every entry, in order: what a page made from the whole catalog is made from (a
        :mod:`~meetings.memo` key; the catalog is a function of its entries)."""
        return Key(tuple(self.events), tuple(self.meetings))

    def shown(self, event: EventEntry) -> Key:
        """What the pages of ``event`` and of its meetings are made from, as a
        :mod:`~meetings.memo` key: the event, its meetings, and what each meeting's
        page shows of its related meetings (:attr:`MeetingEntry.related_shown`)."""
        keys = self._shown_keys
        key = keys.get(event)
        if key is None:
            meetings = tuple(event.meetings)
            related = tuple(meeting.related_shown for meeting in meetings)
            key = keys[event] = Key(event, meetings, related)
        return key

    def records(self, event: EventEntry) -> Key:
        """The entries of ``event`` and of its meetings, as a :mod:`~meetings.memo` key."""
        keys = self._records_keys
        key = keys.get(event)
        if key is None:
            key = keys[event] = Key(event, tuple(event.meetings))
        return key

    @functools.cached_property
    def _shown_keys(self) -> dict[EventEntry, Key]:
        return {}

    @functools.cached_property
    def _records_keys(self) -> dict[EventEntry, Key]:
        return {}


def collect(
    root: Path,
    base: Path | None = None,
    reserved: Iterable[str] = (),
    *,
    preview: bool = False,
    schema_dir: Path | None = None,
    memo: Memo = no_memo,
    read_folder: ReadFolder | None = None,
    entries: Entries | None = None,
) -> Catalog:
    """Read and validate every record under ``root`` into a catalog.

    ``base`` is the folder that paths in messages are relative to (the project
    folder); ``reserved`` the top-level addresses of ``docs/`` (see
    :meth:`~meetings.layout.Site.taken_names`); ``schema_dir`` the folder of the
    editors' JSON Schemas, which each record's first line must point to
    (:func:`~meetings.validate.validate`). Raises
    :class:`~meetings.problems.InvalidRecords` with every problem found in
    every file when any record is wrong; the drafts' problems are warnings,
    in :attr:`Catalog.warnings`. Drafts are left out, unless ``preview``: then
    each complete one is in (a draft event with its complete meetings).
    ``memo``, ``read_folder`` and ``entries`` keep the work of the last build
    (``mkdocs serve``: :mod:`meetings.memo`, :mod:`meetings.preview`).
    """
    documents, problems = read_records(root, base, read_folder, entries)
    unread = {PurePosixPath(problem.file).parent.name for problem in problems}
    events, invalid = validate(documents, reserved, unread, schema_dir, memo)
    if problems:  # of reading the files (the drafts' are warnings)
        problems = mark_drafts(problems, drafts(documents))
    problems = problems + invalid
    if any(not problem.warning for problem in problems):
        raise InvalidRecords(problems)
    warnings = in_order(problems)
    unfinished = {problem.file for problem in warnings} if preview else None
    events, sources = _shown(events, unfinished, memo)
    catalog = build(events, memo)
    catalog.warnings = warnings
    catalog.left_out = _left_out(documents, unfinished) + sources
    return catalog


def _shown(
    events: list[EventEntry], unfinished: set[str] | None, memo: Memo = no_memo
) -> tuple[list[EventEntry], list[str]]:
    """The events and meetings the site shows, and the sources it leaves out with the drafts.

    ``unfinished`` are the files with problems, in a preview; without one, every
    draft is left out. An event keeps only the sources its shown records cite.
    With a ``memo``, an event is looked at again only when its entry, its
    meetings' entries or which of their files are unfinished changed (the
    sources each record cites, counted for every event at every rebuild, took
    as long as the rest of a one-record edit at 10,000 meetings).
    """
    kept: list[EventEntry] = []
    sources_left_out: list[str] = []
    for event in events:
        # As a set: the catalog puts the meetings in order later (build), in place.
        meetings = frozenset(event.meetings)
        waiting = None
        if unfinished is not None:
            files = (event.file, *(meeting.file for meeting in meetings))
            waiting = frozenset(file for file in files if file in unfinished) if unfinished else ()
        key = ("shown", event, meetings, waiting)
        shown, left_out = memo(key, functools.partial(_shown_of, event, unfinished))
        if shown is not None:
            kept.append(shown)
        sources_left_out += left_out
    return kept, sources_left_out


def _shown_of(
    event: EventEntry, unfinished: set[str] | None
) -> tuple[EventEntry | None, list[str]]:
    """The event as the site shows it (None: left out, a draft), and the sources it leaves
    out with the drafts (:func:`_shown`)."""

    def shown(record: EventEntry | MeetingEntry) -> bool:
        return not record.draft or (unfinished is not None and record.file not in unfinished)

    if not shown(event):
        return None, []
    meetings = [meeting for meeting in event.meetings if shown(meeting)]
    cited = set(event.cited).union(*(meeting.cited for meeting in meetings))
    if len(meetings) == len(event.meetings) and len(cited) == len(event.sources):
        return event, []
    sources = [source for source in event.sources if source.id in cited]
    left_out = [
        f"the source '{source.id}' of {event.file}, which only they cite"
        for source in event.sources
        if source.id not in cited
    ]
    placed = event.model_copy(update={"sources": sources})
    placed._file, placed._meetings = event.file, meetings
    return placed, left_out


def _left_out(documents: Iterable[Document], unfinished: set[str] | None) -> list[str]:
    """The drafts the site leaves out: a draft event as its folder, with its meetings; a draft
    meeting of a published (or, in a preview, shown) event as its file. In a preview, only
    those with problems are left out."""
    documents = list(documents)
    events = {d.folder: d for d in documents if d.kind == "event"}
    # A draft says so, or its event does (meetings.validate.drafts).
    draft_events = {folder for folder, event in events.items() if event.draft}
    out: list[str] = []
    drafted = [d for d in documents if d.folder in draft_events or d.draft]
    for document in sorted(drafted, key=lambda document: document.file):
        if unfinished is not None and document.file not in unfinished:
            continue  # shown
        event = events.get(document.folder)
        if document.kind == "event":
            folder = str(PurePosixPath(document.file).parent)
            count = sum(d.kind == "meeting" and d.folder == document.folder for d in documents)
            out.append(f"{folder}/ (the event and its {number_of(count, 'meeting')})")
        elif (
            event is None
            or not event.draft
            or (unfinished is not None and event.file not in unfinished)
        ):
            out.append(document.file)
    return out


def build(events: Iterable[EventEntry], memo: Memo = no_memo) -> Catalog:
    """Arrange validated records into a catalog: their pages, order, topics and relations.

    With a ``memo``, an event whose entry and meetings' entries are those of the
    last build is already in place.
    """
    ordered = sorted(events, key=lambda e: (e.start_date, e.slug), reverse=True)
    topics = [
        memo(("placed", event, frozenset(event.meetings)), functools.partial(_place, event))
        for event in ordered
    ]
    catalog = Catalog(ordered)
    _relate(catalog, Key(*topics), memo)
    return catalog


def _place(event: EventEntry) -> Key:
    """Give an event and its meetings their pages, and its meetings their order; return
    their topics, in that order."""
    event._page = f"{event.slug}/index.md"
    event.meetings.sort(key=lambda m: (m.cluster.number, m.slug))
    for meeting in event.meetings:
        meeting._event = event
        meeting._page = f"{event.slug}/{meeting.slug}.md"
    return Key(*(tuple(meeting.topics) for meeting in event.meetings))


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


def _relate(catalog: Catalog, topics: Key, memo: Memo = no_memo) -> None:
    """Give each meeting the others that share most of its topics.

    Which ones depends only on every meeting's topics, in catalog order
    (``topics``, by event): with a ``memo``, while they are the same, the
    meetings found last time are given again, and only to the meetings whose
    entry, or the entry of one they are given, is not the last build's (an
    edit replaces a few entries; looking at the 50,000 others took longer
    than the rest of a rebuild).
    """
    meetings = catalog.meetings
    relations: _Relations = memo(("related", topics), lambda: _Relations(_most_shared(catalog)))
    given = relations.given if _LAST_GIVEN[0] is relations else None
    todo: Iterable[int] = range(len(meetings))
    if given is not None and len(given) == len(meetings):
        changed = [
            i for i, (was, now) in enumerate(zip(given, meetings, strict=True)) if was is not now
        ]
        todo = sorted({*changed, *(other for i in changed for other in relations.referrers[i])})
    for index in todo:
        meeting, best = meetings[index], relations.best[index]
        kept = meeting.related
        if len(kept) == len(best) and all(
            old.meeting is meetings[other] and old.shared == shared
            for old, (other, shared) in zip(kept, best, strict=True)
        ):
            continue
        related = tuple(Related(meetings[other], shared) for other, shared in best)
        meeting._related = related
        # What its page shows of them: see render.render_pages.
        meeting._related_shown = Key(
            *((r.meeting.title, r.meeting.page, r.meeting.event.name, r.shared) for r in related)
        )
    relations.given, _LAST_GIVEN[0] = meetings, relations


class _Relations:
    """The related meetings of every meeting, by index in catalog order, and to which
    entries they were last given."""

    def __init__(self, best: list[list[tuple[int, tuple[str, ...]]]]) -> None:
        self.best = best
        self.referrers: list[list[int]] = [[] for _ in best]
        """For each meeting, the meetings it is related to (that list it)."""
        for index, found in enumerate(best):
            for other, _ in found:
                self.referrers[other].append(index)
        self.given: list[MeetingEntry] | None = None


_LAST_GIVEN: list[_Relations | None] = [None]
"""The relations last given to meetings in this process: a meeting not given again by
:func:`_relate` must hold what these gave it."""


def _most_shared(catalog: Catalog) -> list[list[tuple[int, tuple[str, ...]]]]:
    """For each meeting, in catalog order, the others (by index) that share most of its
    topics, with the topics they share.

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
    found = []
    for index in range(count):
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
        found.append([(other, tuple(n for n in own if n in named[other])) for other in best])
    return found


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
