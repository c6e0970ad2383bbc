"""Stage 2 of the pipeline: check the documents against the data model.

Each document is validated by :mod:`meetings.model`; then the records are
checked against each other (one meeting per cluster number and per slug in
an event, meeting dates inside the event's dates, event addresses unique and
the same as their folders' names, no event's description or sources copied
from another's, every source id cited listed in the event's sources, and
every source listed cited).
Every mistake becomes a :class:`~meetings.problems.Problem` that names the
file, the line and column, and the field, says what was expected and, for a
misspelt key, suggests the nearest valid one.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .load import Document, Locations, Place, describe_value
from .model import _SLUG, Event, Meeting
from .problems import Problem, field_path
from .words import number_of

RESERVED_SLUGS = frozenset({"index"})
_COMMENTED_VALUE = re.compile(r"(?:^|[:-])\s+(#.*)$")
_CHECKED_FIELD = {"date_order": ("end_date",), "time_order": ("end",)}
"""The field a check of a whole record (or block) is about, by the check's error type."""


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Meeting
    file: str


@dataclass(frozen=True)
class EventRecord:
    event: Event
    file: str
    meetings: tuple[MeetingRecord, ...]


def validate(
    documents: Iterable[Document], reserved: Iterable[str] = (), unread: Iterable[str] = ()
) -> tuple[list[EventRecord], list[Problem]]:
    """Validate every document; return the valid events and every problem.

    ``reserved`` names addresses at the top of the site that pages already
    use (``topics``, ``assets``…), which an event may not take. ``unread``
    names the event folders with a file that could not be read.
    """
    problems: list[Problem] = []
    events: dict[str, tuple[Event, Document]] = {}
    meetings: dict[str, list[tuple[Meeting, Document]]] = {}
    # Event folders with a record that failed: what it cites is not known.
    incomplete: set[str] = set(unread)

    for document in documents:
        model = Event if document.kind == "event" else Meeting
        try:
            record = model.model_validate(document.data)
        except ValidationError as error:
            problems += problems_from(error, document, model)
            incomplete.add(document.folder)
            continue
        if isinstance(record, Event):
            events[document.folder] = (record, document)
        else:
            meetings.setdefault(document.folder, []).append((record, document))

    problems += _check_events(events.values(), frozenset(reserved))
    result: list[EventRecord] = []
    for folder, (event, event_document) in events.items():
        folder_meetings = meetings.get(folder, [])
        problems += _check_meetings(event, event_document, folder_meetings)
        problems += _check_citations(
            event, event_document, folder_meetings, every_record=folder not in incomplete
        )
        result.append(
            EventRecord(
                event,
                event_document.file,
                tuple(
                    MeetingRecord(meeting, document.file) for meeting, document in folder_meetings
                ),
            )
        )
    return result, problems


# --------------------------------------------------------------------------
# Records against each other
# --------------------------------------------------------------------------


def _check_events(
    events: Iterable[tuple[Event, Document]], reserved: frozenset[str]
) -> list[Problem]:
    events = list(events)
    problems: list[Problem] = []
    seen: dict[str, Document] = {}
    for event, document in events:
        slug = event.slug
        if slug in reserved:
            message = f"'{slug}' is already the address of a page of the site; choose another slug"
            problems.append(_at(document, ("slug",), message))
        elif slug in seen:
            message = (
                f"'{slug}' is already the slug of the event in {seen[slug].file}; "
                "each event needs its own"
            )
            problems.append(_at(document, ("slug",), message))
        else:
            seen[slug] = document
        if slug != document.folder:
            problems.append(_at(document, ("slug",), _folder_message(document.folder, slug)))
    return problems + _check_copies(events)


def _folder_message(folder: str, slug: str) -> str:
    rename = f"rename the folder to clusters/{slug}/"
    if _SLUG.fullmatch(folder):
        rename += f" or write 'slug: {folder}'"
    return (
        f"the event's folder is clusters/{folder}/ but its slug is '{slug}': "
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
    problems: list[Problem] = []
    numbers: dict[int, Document] = {}
    slugs: dict[str, Document] = {}
    for meeting, document in meetings:
        number, slug = meeting.cluster.number, meeting.slug
        if number in numbers:
            message = (
                f"Action Cluster {number} already has a meeting in this event, in "
                f"{numbers[number].file}; each cluster number once per event"
            )
            problems.append(_at(document, ("cluster", "number"), message))
        else:
            numbers[number] = document
        if slug in RESERVED_SLUGS:
            message = f"'{slug}' is the address of the event's own page; choose another slug"
            problems.append(_at(document, ("slug",), message))
        elif slug in slugs:
            message = (
                f"'{slug}' is already the slug of {slugs[slug].file}; each meeting needs its own"
            )
            problems.append(_at(document, ("slug",), message))
        else:
            slugs[slug] = document
        if not event.start_date <= meeting.date <= event.end_date:
            message = (
                f"{meeting.date.isoformat()} is outside the event's dates "
                f"({event.start_date.isoformat()} to {event.end_date.isoformat()} "
                f"in {event_document.file})"
            )
            problems.append(_at(document, ("date",), message))
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
    known = ", ".join(listed)
    cited: set[str] = set()
    records: list[tuple[Event | Meeting, Document]] = [(event, event_document), *meetings]
    for record, document in records:
        for path, source_id in record.citations():
            cited.add(source_id)
            if source_id not in listed:
                close = difflib.get_close_matches(source_id, listed, n=1, cutoff=0.7)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"cite one of: {known}, or add the source there (id, title, "
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


def _at(document: Document, path: tuple[Any, ...], message: str) -> Problem:
    place = Locations(document.text).of_value(path)
    return Problem(document.file, place.line, place.column, field_path(path), message)


# --------------------------------------------------------------------------
# Pydantic's errors in an editor's words
# --------------------------------------------------------------------------


def problems_from(
    error: ValidationError, document: Document, model: type[BaseModel]
) -> list[Problem]:
    """One problem per validation error, located in the document's text."""
    where = Locations(document.text)
    problems = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        loc = tuple(item["loc"]) + _CHECKED_FIELD.get(kind, ())
        if kind == "extra_forbidden":
            place = where.of_key(loc)
            message = _unknown_field(model, loc)
        elif kind == "missing":
            place = where.of_value(loc[:-1])
            message = _missing_field(model, loc)
        else:
            place = where.of_value(loc)
            message = _explain(item, place)
            if item.get("input") is None:
                message += _comment_hint(document.text, where.of_key(loc))
        problems.append(
            Problem(document.file, place.line, place.column, field_path(loc) or None, message)
        )
    return problems


def _unknown_field(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    key = loc[-1]
    owner = _model_at(model, loc[:-1])
    valid = list(owner.model_fields) if owner else []
    close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.7)
    if close:
        return f"unknown field '{key}'; did you mean '{close[0]}'?"
    return f"unknown field '{key}'; the fields here are: {', '.join(valid)}"


def _comment_hint(text: str, place: Place) -> str:
    """Explain an empty value whose text YAML read as a comment (``title: #1``)."""
    lines = text.splitlines()
    line = lines[place.line - 1] if 0 < place.line <= len(lines) else ""
    match = _COMMENTED_VALUE.search(line)
    if not match:
        return ""
    return f"; '#' starts a comment in YAML: put the text in quotes: \"{match[1]}\""


def _missing_field(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    owner = _model_at(model, loc[:-1])
    info = owner.model_fields.get(str(loc[-1])) if owner else None
    hint = f" ({info.description})" if info and info.description else ""
    return f"required field is missing; add '{loc[-1]}:'{hint}"


def _explain(item: dict[str, Any], place: Place) -> str:
    kind = item["type"]
    value = item.get("input")
    ctx = item.get("ctx") or {}
    found = describe_value(value)
    if isinstance(value, str) and len(value) <= 40:
        found = f"text {value!r}"
    if kind == "string_type":
        message = f"expected text, found {found}"
        if place.raw:
            message += f'; to keep it as text, put it in quotes: "{place.raw}"'
        return message
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        message = f"expected a whole number, found {found}"
        quoted_number = isinstance(value, str) and value.strip().isdigit()
        return message + ("; write it without quotes" if quoted_number else "")
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = next(iter(ctx.values()), "")
        words = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        return f"{value} is out of range; it must be {words} {bound}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list (one '- item' per line), found {found}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"expected a block of 'key: value' fields, found {found}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, found {value!r}"
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing"}:
        return f"expected a date written YYYY-MM-DD, e.g. 2021-06-10, found {found}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is {len(value)} characters long; it may be at most {ctx.get('max_length')}"
    if kind == "too_short":
        return f"must list at least {number_of(ctx.get('min_length', 1), 'item')}"
    if kind == "too_long":
        return f"lists {ctx.get('actual_length')} items; at most {ctx.get('max_length')} allowed"
    return str(item["msg"])


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the fields at ``loc`` (through lists and optionals)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """Unwrap ``X | None``, ``list[X]`` and ``Annotated[X, …]`` down to a model class."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else None
        elif origin in (list, tuple, typing.Annotated):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation
