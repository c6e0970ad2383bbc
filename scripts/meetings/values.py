"""The value types of the records: one line of text, running text, a slug, an https address…

Each is an annotated type that :mod:`meetings.model` builds its records from,
with the checks and the messages an editor sees, and the JSON Schema editors'
tools read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from .limits import UNSAFE_CHARACTERS, in_date_range, refuse_unsafe, time_zones

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def _line(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    if "\n" in value or "\r" in value:
        raise PydanticCustomError("one_line", "must be a single line of text")
    return refuse_unsafe(value)


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return refuse_unsafe(value)


def _lowercase_words(kind: str, message: str) -> Callable[[str], str]:
    """A check that a value is lowercase letters and digits in words joined by hyphens."""

    def check(value: str) -> str:
        if not _SLUG.fullmatch(value):
            raise PydanticCustomError(kind, message, {"value": value})
        return value

    return check


_slug = _lowercase_words(
    "slug",
    "'{value}' is not a valid slug: use lowercase letters, digits and single "
    "hyphens, e.g. ac1-business-models-finance",
)
_source_id = _lowercase_words(
    "source_id",
    "'{value}' is not a source id: use lowercase letters, digits and single hyphens, e.g. article",
)


def _https_url(value: str) -> str:
    if any(ch.isspace() for ch in value) or UNSAFE_CHARACTERS.search(value):
        raise PydanticCustomError(
            "url", "a web address must not contain spaces; expected an https:// address"
        )
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname and "." in parts.hostname:
        return value
    if parts.scheme == "http":
        raise PydanticCustomError(
            "url_scheme", "http: links are not allowed; use the https:// address"
        )
    if parts.scheme and parts.scheme != "https":
        raise PydanticCustomError(
            "url_scheme",
            "{scheme}: links are not allowed; expected an https:// address",
            {"scheme": parts.scheme},
        )
    raise PydanticCustomError(
        "url", "'{value}' is not a web address; expected https://…", {"value": value}
    )


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise PydanticCustomError(
                "date_format",
                "'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2021-06-10",
                {"value": value},
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_value", "{value} is not a day in the calendar (YYYY-MM-DD)", {"value": value}
            ) from None
    return value


def _clock(value: str) -> str:
    if not _CLOCK.fullmatch(value):
        raise PydanticCustomError(
            "clock",
            "'{value}' is not a time of day; write it as HH:MM in quotes, e.g. '14:30'",
            {"value": value},
        )
    return value


def _timezone(value: str) -> str:
    """A name of the IANA time zone database, such as ``Europe/Brussels``; not a folder
    of it (``Europe``), nor any other file that ``zoneinfo`` would try to open."""
    if value not in time_zones():
        raise PydanticCustomError(
            "timezone", "'{value}' is not a time zone name, e.g. Europe/Brussels", {"value": value}
        )
    return value


def _word(value: str) -> str:
    if not value or any(ch.isspace() for ch in value):
        raise PydanticCustomError(
            "word", "must be one word, without spaces (a spelling, not a phrase)"
        )
    return refuse_unsafe(value)


def distinct(items: list[str]) -> list[str]:
    seen: set[str] = set()
    for item in items:
        key = item.casefold()
        if key in seen:
            raise PydanticCustomError("duplicate", "'{item}' is listed twice", {"item": item})
        seen.add(key)
    return items


def distinct_names(items: list[Any]) -> list[Any]:
    distinct([item.name for item in items])
    return items


Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line)]
"""One line of text: a title, a name, a label."""

Text = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_text)]
"""Running text; a blank line starts a new paragraph."""

Slug = Annotated[
    str,
    Field(max_length=80),
    AfterValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}),
]
"""The last part of a page address: lowercase letters, digits and hyphens."""

HttpsUrl = Annotated[
    str,
    Field(max_length=2000),
    AfterValidator(_https_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https://", "maxLength": 2000}),
]
"""A web address; only https:// is accepted."""

IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    AfterValidator(in_date_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
"""A calendar day written YYYY-MM-DD."""

Clock = Annotated[
    str,
    AfterValidator(_clock),
    WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}),
]
"""A time of day written HH:MM (quoted in YAML)."""

Topic = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_line)]
"""A short topic label, shared between meetings to link them."""

TimeZone = Annotated[str, AfterValidator(_timezone)]
"""A time zone name of the IANA database, e.g. Europe/Brussels."""

SourceId = Annotated[
    str,
    Field(max_length=60),
    AfterValidator(_source_id),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 60}),
]
"""The id of a source in its event's list: lowercase letters, digits and hyphens."""

Cites = Annotated[list[SourceId], Field(min_length=1), AfterValidator(distinct)]
"""The ids of the sources that give a fact, from the event's list of sources."""

Word = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_word)]
"""One word as written, without spaces: a spelling a source's passage uses, or its correction."""
