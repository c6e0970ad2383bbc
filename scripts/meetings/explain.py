"""Pydantic's validation errors in an editor's words, each located in the file.

:func:`problems_from` turns each error of a record's validation into a
:class:`~meetings.problems.Problem`: the file, line and column of the value
(or key), the field's dotted path, and a message that says what was expected
and, for a misspelt key, suggests the nearest valid one.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .load import Document
from .locate import Place
from .problems import Problem, describe_value, field_path
from .words import number_of

_COMMENTED_VALUE = re.compile(r"(?:^|[:-])\s+(#.*)$")
_CHECKED_FIELD = {"date_order": ("end_date",), "time_order": ("end",), "platform_host": ("url",)}
"""The field a check of a whole record (or block) is about, by the check's error type
(or, when it depends on the value, the check's ``at``: ``time.start``)."""


def problems_from(
    error: ValidationError, document: Document, model: type[BaseModel]
) -> list[Problem]:
    """One problem per validation error, located in the document's text."""
    where = document.locations
    problems = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        at = (item.get("ctx") or {}).get("at")
        loc = tuple(item["loc"]) + (tuple(at.split(".")) if at else _CHECKED_FIELD.get(kind, ()))
        if any(loc[: len(dropped)] == dropped for dropped in document.dropped):
            continue  # a value the YAML dialect refused: its problem is listed already
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


def _explain(item: ErrorDetails, place: Place) -> str:
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
    if kind == "bool_type":
        return f"expected true or false, found {found}"
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
