"""The text of a new record file: every field of the model, explained, for an editor to fill in.

Required fields are written out, with their value when known and empty
otherwise; optional fields are commented out (``# key:``); each field is
preceded by its description from the model. :mod:`meetings.scaffold` decides
where the file goes and what is known of it.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .model import Event, Meeting
from .values import Text

WIDTH = 88
_RUNNING_TEXT = typing.get_args(Text)[-1]


def meeting_template(
    event: Event | None,
    number: int,
    title: str,
    slug: str,
    schema: str,
) -> str:
    """The text of a new meeting file: every field of :class:`Meeting`, explained.

    ``schema`` is the address of the meeting schema relative to the file, for
    editors' tools (``../../docs/schema/meeting.schema.json``).
    """
    known: dict[tuple[str, ...], Any] = {
        ("draft",): True,
        ("slug",): slug,
        ("cluster", "number"): number,
        ("title",): title,
    }
    notes: dict[tuple[str, ...], str] = {}
    if event is not None:
        start, end = event.start_date.isoformat(), event.end_date.isoformat()
        if start == end:
            known[("date",)] = event.start_date
        else:
            notes[("date",)] = f"{event.name} ran from {start} to {end}."
        ids = ", ".join(source.id for source in event.sources)
        notes[("cites",)] = (
            f"The sources listed in the event's event.yaml: {ids}. A source not there yet "
            "is added to that list first."
        )
    name = event.name if event else "its event"
    head = [
        f"# yaml-language-server: $schema={schema}",
        f"# A new meeting of {name}, made by 'make new'.",
        "#",
        "# Fill in every empty field: 'make validate' lists those still empty.",
        "# Lines starting with '# key:' are optional fields. Use one only when a",
        "# source gives the fact (never guess): remove the '# ' at the start of",
        "# each line of its block. While 'draft: true' is there, the published",
        "# site leaves the meeting out and 'make serve' shows it once complete;",
        "# remove that line to publish it.",
        "",
    ]
    body = _fields(Meeting, (), known, notes)
    return "\n".join(head + body) + "\n"


def event_template(slug: str, name: str | None, schema: str) -> str:
    """The text of a new ``event.yaml``: every field of :class:`Event`, explained."""
    known: dict[tuple[str, ...], Any] = {("draft",): True, ("slug",): slug}
    if name:
        known[("name",)] = name
    head = [
        f"# yaml-language-server: $schema={schema}",
        "# A new event, made by 'make new-event'. The folder's name is the slug.",
        "#",
        "# Fill in every empty field from the event's sources (never guess):",
        "# 'make validate' lists those still empty. Lines starting with '# key:' are",
        "# optional fields: remove the '# ' at the start of each line of a block to",
        "# use one. While 'draft: true' is there, the published site leaves the",
        "# event and all its meetings out, and 'make serve' shows it once complete;",
        "# remove that line to publish it.",
        '# Then add the meetings: make new TITLE="…" EVENT=' + slug,
        "",
    ]
    return "\n".join(head + _fields(Event, (), known, {})) + "\n"


def _fields(
    model: type[BaseModel],
    path: tuple[str, ...],
    known: dict[tuple[str, ...], Any],
    notes: dict[tuple[str, ...], str],
) -> list[str]:
    lines: list[str] = []
    for name, info in model.model_fields.items():
        here = (*path, name)
        block = _field(name, info, here, known, notes)
        if not info.is_required() and here not in known:
            block = [_comment_out(line) for line in block]
        if lines and not path:
            lines.append("")  # a blank line between the record's own fields
        lines += _describe(info, notes.get(here)) + block
    return lines


def _field(
    name: str,
    info: FieldInfo,
    path: tuple[str, ...],
    known: dict[tuple[str, ...], Any],
    notes: dict[tuple[str, ...], str],
) -> list[str]:
    """The lines of one field, at indentation 0, without its description."""
    annotation = _unwrap(info.annotation)
    origin = typing.get_origin(annotation)
    if path in known:
        return [f"{name}: {_scalar(known[path])}"]
    if _is_model(annotation):
        return [f"{name}:", *_indent(_fields(annotation, path, known, notes), "  ")]
    if origin is list:
        item = _unwrap(typing.get_args(annotation)[0])
        if _is_model(item):
            return [f"{name}:", "  -", *_indent(_fields(item, path, known, notes), "    ")]
        return [f"{name}:", "  -"]
    if _RUNNING_TEXT in info.metadata:
        return [f"{name}: >-"]
    return [f"{name}:"]


def _describe(info: FieldInfo, note: str | None) -> list[str]:
    annotation = _unwrap(info.annotation)
    words = info.description or ""
    if typing.get_origin(annotation) is Literal:
        choices = ", ".join(str(choice) for choice in typing.get_args(annotation))
        words += f" One of: {choices}."
    if _RUNNING_TEXT in info.metadata:
        words += (
            " Write it on the lines below, indented by two spaces; "
            "a blank line starts a new paragraph."
        )
    if note:
        words += f" {note}"
    if not info.is_required():
        words = "Optional. " + words
    return textwrap.wrap(
        words, WIDTH - 2, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False
    )


def _comment_out(line: str) -> str:
    return "# " + line


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line for line in lines]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    # Quoted, with YAML's double-quoted escapes, unless it reads back as the same text.
    plain = re.fullmatch(r"[A-Za-z][\w ,.&()'/+-]*", text) and not re.search(r" #|: ", text)
    if plain and text.lower() not in {"true", "false", "null"}:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, …]`` as ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
