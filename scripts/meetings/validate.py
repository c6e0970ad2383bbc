"""Stage 2 of the pipeline: check the documents against the data model.

Each document is validated by :mod:`meetings.model`, with the rules of a
single record the model cannot state alone (each topic is a word of the
meeting's own summary; the first line points editors' tools to the record's
JSON Schema); then the records are checked against each other (one meeting
per cluster number and per slug in an event, meeting dates inside the event's
dates, event addresses unique and the same as their folders' names, no
event's description or sources copied from another's, every source id cited
listed in the event's sources, and every source listed cited, every quoted
word found in the sources cited beside it: :mod:`meetings.quotes`, and an
attendance reported only by sources written after the meeting).
Every mistake becomes a :class:`~meetings.problems.Problem` that names the
file, the line and column, and the field, says what was expected and, for a
misspelt key, suggests the nearest valid one.

Drafts (``draft: true`` on a meeting or an event: every file of a draft
event is one) are checked the same way, but their problems are warnings
(:attr:`Problem.warning`): they keep the draft out of the site, and the
rest is published. Where a draft and a published record claim one cluster
number, slug or spelling of a topic, the draft yields. A meeting that is not
a draft in a draft event is a mistake: it could never be published.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

from pydantic import ValidationError

from .explain import problems_from
from .load import Document
from .memo import Key, Memo, no_memo
from .model import Event, Meeting
from .problems import Problem, field_path
from .published import EventEntry, MeetingEntry
from .quotes import check_quotations
from .topics import check_topic_words, check_topics
from .values import _SLUG

RESERVED_SLUGS = frozenset({"index"})
"""Meeting slugs an event's own pages use."""
RESERVED_MEETING_SLUG = "'{value}' is the address of the event's own page; choose another slug"
RESERVED_EVENT_SLUG = "'{value}' is already the address of a page of the site; choose another slug"
SCHEMA_COMMENT = "# yaml-language-server: $schema="
"""How a record's first line points editors' tools to its JSON Schema."""


def validate(
    documents: Iterable[Document],
    reserved: Iterable[str] = (),
    unread: Iterable[str] = (),
    schema_dir: Path | None = None,
    memo: Memo = no_memo,
) -> tuple[list[EventEntry], list[Problem]]:
    """Validate every document; return the valid events, with their meetings, and every problem.

    ``reserved`` names addresses at the top of the site that pages already
    use (``topics``, ``assets``…), which an event may not take. ``unread``
    names the event folders with a file that could not be read. With
    ``schema_dir``, the folder of the editors' JSON Schemas, each record's
    first line must point to its schema there. Drafts are among the events
    and meetings returned (:func:`meetings.catalog.collect` decides which are
    shown); their problems are warnings; where a draft and a published record
    claim the same value, the draft yields.

    Each event folder is validated on its own (:func:`_validate_folder`), then
    the records against those of the other folders. With a ``memo`` (``mkdocs
    serve``), an event folder whose documents are those of the last build (not
    read again: :class:`~meetings.preview.FolderReader`) gives the entries
    validated before; in a folder read again, a record whose file and event
    file read as before is the entry validated before; the checks across
    folders are done again only where those entries changed.
    """
    reserved = frozenset(reserved)
    unread = frozenset(unread)
    by_folder: dict[str, list[Document]] = {}
    for document in documents:
        by_folder.setdefault(document.folder, []).append(document)
    folders = [
        memo(
            ("folder", tuple(folder_documents), folder in unread, schema_dir),
            functools.partial(
                _validate_folder, folder_documents, folder in unread, schema_dir, memo
            ),
        )
        for folder, folder_documents in by_folder.items()
    ]
    problems = [problem for folder in folders for problem in folder.problems]
    draft_files = set().union(*(folder.draft_files for folder in folders))
    draft_folders = {folder.draft_folder for folder in folders} - {None}
    is_draft = _drafts(draft_files, draft_folders)
    # The published records first, the drafts after them (they yield), as one list would be.
    events = [f.event for f in sorted(folders, key=lambda f: f.event_is_draft) if f.event]
    every_event = tuple(event for event, _ in events)
    checked = memo(("events", every_event, reserved), lambda: _check_events(events, reserved))
    problems += mark_drafts(checked, is_draft)
    # Every published meeting first, of every folder, then the drafts: a draft yields to a
    # published meeting of another event too (each folder's meetings are in that order).
    meetings = [pair for folder in folders for pair in folder.meetings[: folder.published]]
    meetings += [pair for folder in folders for pair in folder.meetings[folder.published :]]
    # A check that found nothing is not done again while every meeting has the topics it
    # had then (a problem found names lines, which any edit may move: looked for again).
    topics = Key(*(folder.topics for folder in folders))
    found = memo(("topics", topics), lambda: check_topics(meetings))
    problems += mark_drafts(
        check_topics(meetings) if found and memo is not no_memo else found, is_draft
    )
    return list(every_event), problems


@dataclass(frozen=True)
class _Folder:
    """The records of one event folder, validated and checked against each other."""

    event: tuple[EventEntry, Document] | None
    meetings: list[tuple[MeetingEntry, Document]]
    """Its meetings, the published ones first."""
    problems: list[Problem]
    topics: Key
    """Each meeting's file and topics."""
    draft_files: frozenset[str]
    draft_folder: str | None
    """The folder, as problems name it, if its event is a draft."""
    event_is_draft: bool
    published: int
    """How many of its meetings are published (not drafts): the first ones."""


def _validate_folder(
    documents: list[Document], unread: bool, schema_dir: Path | None, memo: Memo
) -> _Folder:
    """Validate the documents of one event folder (``unread``: one of its files could not
    be read) and check them against each other. With a ``memo``, a record whose file and
    event file read as before is the entry validated before."""
    is_draft = drafts(documents)
    # The published records first: where a draft and another claim the same value,
    # the draft yields.
    documents = sorted(documents, key=lambda document: is_draft(document.file))
    problems: list[Problem] = []
    event: tuple[EventEntry, Document] | None = None
    meetings: list[tuple[MeetingEntry, Document]] = []
    # A record that failed: what it cites is not known.
    incomplete = unread
    # A meeting's entry holds its event's (its sources, its page): kept only with it.
    event_text = next((d.text for d in documents if d.kind == "event"), None)
    for document in documents:
        problems += document.problems
        if schema_dir is not None:
            problems += _check_schema_line(document, schema_dir)
        model = EventEntry if document.kind == "event" else MeetingEntry
        try:
            validated = functools.partial(model.model_validate, document.data)
            record = cast(
                EventEntry | MeetingEntry,
                memo((model, document.file, document.text, event_text), validated),
            )
        except ValidationError as error:
            problems += problems_from(error, document, model)
            incomplete = True
            continue
        if isinstance(record, MeetingEntry):
            problems += check_topic_words(record, document)
        if document.problems:  # read as far as it could be: not a record to publish
            incomplete = True
            continue
        record._file = document.file
        if isinstance(record, EventEntry):
            event = (record, document)
        else:
            meetings.append((record, document))
    if event is not None:
        entry, event_document = event
        problems += _check_meetings(entry, event_document, meetings)
        problems += _check_citations(entry, event_document, meetings, every_record=not incomplete)
        problems += check_quotations(entry, event_document, [(entry, event_document), *meetings])
        problems += _check_reports(entry, event_document, meetings)
        entry._meetings = [meeting for meeting, _ in meetings]
    problems = mark_drafts(problems, is_draft) + _check_draft_events(documents)
    topics = Key(*((document.file, tuple(meeting.topics)) for meeting, document in meetings))
    event_documents = [d for d in documents if d.kind == "event"]
    draft_folder = next(
        (str(PurePosixPath(d.file).parent) for d in event_documents if d.draft), None
    )
    return _Folder(
        event,
        meetings,
        problems,
        topics,
        frozenset(d.file for d in documents if d.draft),
        draft_folder,
        event is not None and is_draft(event[1].file),
        sum(not is_draft(document.file) for _, document in meetings),
    )


def drafts(documents: Iterable[Document]) -> Callable[[str], bool]:
    """Whether a file (as problems name it) is a draft's: a record that says ``draft: true``,
    or any file or folder in the folder of an event that says so."""
    documents = list(documents)
    files = {d.file for d in documents if d.draft}
    folders = {
        str(PurePosixPath(d.file).parent) for d in documents if d.kind == "event" and d.draft
    }
    return lambda file: file in files or str(PurePosixPath(file.rstrip("/")).parent) in folders


def _drafts(files: set[str], folders: set[str | None]) -> Callable[[str], bool]:
    """:func:`drafts` from the draft files and draft event folders already found."""
    return lambda file: file in files or str(PurePosixPath(file.rstrip("/")).parent) in folders


def mark_drafts(problems: Iterable[Problem], is_draft: Callable[[str], bool]) -> list[Problem]:
    """The problems, those of drafts as warnings."""
    return [
        dataclasses.replace(problem, warning=True) if is_draft(problem.file) else problem
        for problem in problems
    ]


def _check_draft_events(documents: Sequence[Document]) -> list[Problem]:
    """A meeting that is not a draft in a draft event: it could never be published."""
    draft_events = {d.folder: d for d in documents if d.kind == "event" and d.draft}
    problems = []
    for document in documents:
        event = draft_events.get(document.folder)
        if event is not None and document.kind == "meeting" and not document.draft:
            message = (
                f"this meeting is not a draft, but its event is ({event.file}), and a meeting "
                "is published with its event: remove 'draft: true' from the event too, or "
                "write 'draft: true' here"
            )
            problems.append(dataclasses.replace(_at(document, (), message), field=None))
    return problems


def _check_schema_line(document: Document, schema_dir: Path) -> list[Problem]:
    """The first line points editors' tools (VS Code, with the YAML extension) to the
    record's JSON Schema, as ``make new`` writes it."""
    name = "event.schema.json" if document.kind == "event" else "meeting.schema.json"
    target = Path(os.path.relpath(schema_dir / name, document.path.parent)).as_posix()
    expected = SCHEMA_COMMENT + target
    first = document.text.split("\n", 1)[0].rstrip("\r")
    if first.rstrip() == expected:
        return []
    message = (
        f"the first line must be '{expected}', which gives editors' tools (VS Code with "
        "the YAML extension) the record's JSON Schema, for completion and checks while typing"
        + ("; it points elsewhere" if first.startswith(SCHEMA_COMMENT) else "; add it")
    )
    return [Problem(document.file, 1, 1, None, message)]


# --------------------------------------------------------------------------
# Records against each other
# --------------------------------------------------------------------------


def _check_events(
    events: Iterable[tuple[Event, Document]], reserved: frozenset[str]
) -> list[Problem]:
    events = list(events)
    problems = _claims(
        ((event.slug, document) for event, document in events),
        ("slug",),
        taken="'{value}' is already the slug of the event in {file}; each event needs its own",
        reserved=reserved,
        why_reserved=RESERVED_EVENT_SLUG,
    )
    for event, document in events:
        if event.slug != document.folder:
            problems.append(_at(document, ("slug",), _folder_message(document, event.slug)))
    return problems + _check_copies(events)


def _folder_message(document: Document, slug: str) -> str:
    folder = PurePosixPath(document.file).parent  # clusters/forum-2021, as editors see it
    rename = f"rename the folder to {folder.parent / slug}/"
    if _SLUG.fullmatch(folder.name):
        rename += f" or write 'slug: {folder.name}'"
    return (
        f"the event's folder is {folder}/ but its slug is '{slug}': "
        f"an event's folder is named by its slug; {rename}"
    )


def _check_copies(events: Iterable[tuple[Event, Document]]) -> list[Problem]:
    """An event whose description or sources are another event's, word for word.

    That is what a copied ``event.yaml`` publishes when it is not rewritten:
    the old event's text, under the new event's name.
    """
    problems: list[Problem] = []
    seen: dict[tuple[str, Any], Document] = {}
    for event, document in events:
        for field, key, fix in (
            (
                "description",
                " ".join(event.description.split()),
                "write this event's own, from its sources",
            ),
            (
                "sources",
                tuple(sorted(source.model_dump_json() for source in event.sources)),
                "list the sources that state this event's facts",
            ),
        ):
            first = seen.setdefault((field, key), document)
            if first is not document:
                message = f"the same {field} as the event in {first.file}: {fix}"
                problems.append(_at(document, (field,), message))
    return problems


def _check_meetings(
    event: Event, event_document: Document, meetings: Sequence[tuple[Meeting, Document]]
) -> list[Problem]:
    problems = _claims(
        ((meeting.cluster.number, document) for meeting, document in meetings),
        ("cluster", "number"),
        taken="Action Cluster {value} already has a meeting in this event, in {file}; "
        "each cluster number once per event",
    )
    problems += _claims(
        ((meeting.slug, document) for meeting, document in meetings),
        ("slug",),
        taken="'{value}' is already the slug of {file}; each meeting needs its own",
        reserved=RESERVED_SLUGS,
        why_reserved=RESERVED_MEETING_SLUG,
    )
    for meeting, document in meetings:
        if not event.start_date <= meeting.date <= event.end_date:
            message = (
                f"{meeting.date.isoformat()} is outside the event's dates "
                f"({event.start_date.isoformat()} to {event.end_date.isoformat()} "
                f"in {event_document.file})"
            )
            problems.append(_at(document, ("date",), message))
    return problems


def _claims(
    claims: Iterable[tuple[Hashable, Document]],
    path: tuple[str, ...],
    *,
    taken: str,
    reserved: Collection[Hashable] = frozenset(),
    why_reserved: str = "",
) -> list[Problem]:
    """A problem for each file that claims a value another file claimed first, or a
    reserved one; ``taken`` and ``why_reserved`` say so with ``{value}`` and ``{file}``."""
    problems: list[Problem] = []
    first: dict[Hashable, Document] = {}
    for value, document in claims:
        if value in reserved:
            problems.append(_at(document, path, why_reserved.format(value=value)))
        elif value in first:
            message = taken.format(value=value, file=first[value].file)
            problems.append(_at(document, path, message))
        else:
            first[value] = document
    return problems


def _check_citations(
    event: Event,
    event_document: Document,
    meetings: Sequence[tuple[Meeting, Document]],
    every_record: bool,
) -> list[Problem]:
    """Every id cited is in the event's list of sources, listed once, and each one is cited.

    A source is reported as never cited only when every record of the folder
    was read: a record with a mistake may be the one that cites it.
    """
    problems: list[Problem] = []
    listed: dict[str, int] = {}
    for index, source in enumerate(event.sources):
        if source.id in listed:
            message = (
                f"'{source.id}' is already the id of sources[{listed[source.id]}]; "
                "give each source its own id"
            )
            problems.append(_at(event_document, ("sources", index, "id"), message))
        else:
            listed[source.id] = index
    known = (
        f"cite one of: {', '.join(listed)}"
        if len(listed) <= _KNOWN_SHOWN
        else f"cite one of the {len(listed):,} ids listed there"
    )
    near = _Suggestions(listed)
    cited: set[str] = set()
    records: list[tuple[Event | Meeting, Document]] = [(event, event_document), *meetings]
    for record, document in records:
        for path, source_id in record.citations():
            cited.add(source_id)
            if source_id not in listed:
                close = near.of(source_id)
                hint = (
                    f"did you mean '{close}'?"
                    if close
                    else f"{known}, or add the source there (id, title, "
                    "publisher, published, url, supports)"
                )
                message = f"no source '{source_id}' in the sources of {event_document.file}; {hint}"
                problems.append(_at(document, path, message))
    if every_record:
        for source_id, index in listed.items():
            if source_id not in cited:
                message = (
                    f"the source '{source_id}' is listed but no record cites it; cite it "
                    f"('cites: [{source_id}]') beside the facts it gives, or remove it"
                )
                problems.append(_at(event_document, ("sources", index, "id"), message))
    return problems


def _check_reports(
    event: Event, event_document: Document, meetings: Sequence[tuple[Meeting, Document]]
) -> list[Problem]:
    """An attendance given as ``reported`` cites no source dated before what it reports.

    A source written before a meeting can only say what was planned: its word is
    published as ``announced``, never as what happened.
    """
    problems: list[Problem] = []
    records: list[tuple[Event | Meeting, Document, Any]] = [
        (event, event_document, event.start_date),
        *((meeting, document, meeting.date) for meeting, document in meetings),
    ]
    listed = {source.id: source for source in event.sources}
    for record, document, day in records:
        attendance = record.attendance
        if attendance is None or attendance.status != "reported":
            continue
        for index, source_id in enumerate(attendance.cites):
            source = listed.get(source_id)
            if source is not None and source.published and source.published < day:
                message = (
                    f"source '{source_id}' was published on {source.published.isoformat()}, "
                    f"before {day.isoformat()}: what it says is a plan; write "
                    "'status: announced', or cite a source written afterwards"
                )
                problems.append(_at(document, ("attendance", "cites", index), message))
    return problems


_KNOWN_SHOWN = 12
"""A message lists the ids an event's sources have up to this many."""
HINT_COMPARISONS = 50_000
"""How many (unknown id, listed id) pairs the "did you mean" search compares, at most, for
one event: past that, an unknown id gets no suggestion. Comparing every one of 8,000
unknown ids with every one of 4,000 sources took two minutes."""


class _Suggestions:
    """The listed id nearest to an unknown one, within a budget of comparisons."""

    def __init__(self, listed: Collection[str]) -> None:
        self.by_length: dict[int, list[str]] = {}
        for source_id in listed:
            self.by_length.setdefault(len(source_id), []).append(source_id)
        self.left = HINT_COMPARISONS
        self.found: dict[str, str | None] = {}

    def of(self, unknown: str) -> str | None:
        if unknown in self.found:
            return self.found[unknown]
        # Only ids of a length that can reach the cutoff: difflib's ratio is at most
        # 2 * shorter / (both lengths).
        size = len(unknown)
        candidates = [
            source_id
            for n, ids in self.by_length.items()
            if 2 * min(n, size) >= _CUTOFF * (n + size)
            for source_id in ids
        ]
        close: str | None = None
        if candidates and len(candidates) <= self.left:
            self.left -= len(candidates)
            found = difflib.get_close_matches(unknown, candidates, n=1, cutoff=_CUTOFF)
            close = found[0] if found else None
        self.found[unknown] = close
        return close


_CUTOFF = 0.7


def _at(document: Document, path: tuple[Any, ...], message: str) -> Problem:
    place = document.locations.of_value(path)
    return Problem(document.file, place.line, place.column, field_path(path), message)
