"""The value types of the records: one line of text, running text, a slug, an https address…

Each is an annotated type that :mod:`meetings.model` builds its records from,
with the checks and the messages an editor sees, and the JSON Schema editors'
tools read.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

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


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})", re.IGNORECASE)
"""A host name: labels of letters, digits and hyphens, the last one a word (a top-level
domain). Not a number (``0x7f.1`` is 127.0.0.1 to a browser), nor an address in brackets."""
_AUTHORITY = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]*\]|[^:\[\]]*)(?::(?P<port>[0-9]{1,5}))?")
_QUOTES = frozenset("\"'<>`")


def web_address(value: str, *, local_http: bool = False) -> str:
    """``value`` if it is an https:// address that leads where it shows; else an error that
    says why. With ``local_http``, http:// to this machine or its network is accepted too
    (``http://127.0.0.1:8000/``, the preview's).

    A browser reads an address by the WHATWG URL Standard, which differs from Python's
    ``urlsplit``: it reads ``\\`` as ``/``, takes the host after the last ``@``, decodes
    ``%2E`` in a host, reads ``0x7f.1`` as an IP address, skips extra slashes. Rather than
    guess, anything written such that a reader and a browser may not agree on the host is
    refused: the host is the plain ASCII name between ``https://`` and the first ``/``,
    ``?``, ``#`` or ``:``, and it is the one the browser goes to.
    """
    if any(ch.isspace() for ch in value) or UNSAFE_CHARACTERS.search(value):
        raise PydanticCustomError(
            "url", "a web address must not contain spaces; expected an https:// address"
        )
    scheme = _SCHEME.match(value)
    if scheme is None:
        raise PydanticCustomError(
            "url", "'{value}' is not a web address; expected https://…", {"value": value}
        )
    name = scheme[1].lower()
    if name not in ("https", "http"):
        raise PydanticCustomError(
            "url_scheme",
            "{scheme}: links are not allowed; expected an https:// address",
            {"scheme": scheme[1]},
        )
    http = PydanticCustomError(
        "url_scheme", "http: links are not allowed; use the https:// address"
    )
    if name == "http" and not local_http:
        raise http
    if _QUOTES.intersection(value):
        raise PydanticCustomError(
            "url",
            "a web address must not contain spaces, quotes or angle brackets; "
            "expected an https:// address",
        )
    if "\\" in value:
        raise PydanticCustomError(
            "url",
            "a web address must not contain a backslash (\\): browsers read it as '/', so the "
            "address would lead elsewhere than it shows; write '/'",
        )
    ambiguous = PydanticCustomError(
        "url",
        "'{value}' is not a web address; expected https:// and a host name such as example.org",
        {"value": value},
    )
    rest = value[scheme.end() :]
    if not rest.startswith("//") or rest.startswith("///"):
        raise ambiguous
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    if "@" in authority:
        after = _AUTHORITY.fullmatch(authority.rsplit("@", 1)[1])
        raise PydanticCustomError(
            "url_user",
            "the address holds '@' before its host, so it leads to '{host}', not to what "
            "comes before the '@'; write the address without it",
            {"host": (after["host"] if after else authority.rsplit("@", 1)[1]).lower()},
        )
    parts = _AUTHORITY.fullmatch(authority)
    if parts is None or (parts["port"] is not None and not 0 < int(parts["port"]) < 65536):
        raise ambiguous
    host = parts["host"]
    if not host.isascii():
        raise _look_alike(host)
    local = _local(host)
    if name == "http" and not local:
        raise http
    if not (_HOST.fullmatch(host) or (local_http and local)):
        raise ambiguous
    return value


def _https_url(value: str) -> str:
    return web_address(value)


def url_host(value: str) -> str:
    """The host of an address :func:`web_address` accepted, in lowercase."""
    authority = re.split(r"[/?#]", value.split("://", 1)[1], maxsplit=1)[0]
    parts = _AUTHORITY.fullmatch(authority)
    return (parts["host"] if parts else authority).lower()


def _local(host: str) -> bool:
    """Whether ``host`` names this machine or its local network (for http:// previews)."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    if host.startswith("[") != host.endswith("]") or (address.version == 6) != host.startswith("["):
        return False
    if address.version == 4 and host != str(address):  # 127.1, 0x7f.0.0.1: not as written
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def _look_alike(host: str) -> PydanticCustomError:
    """A host with a character that is not plain ASCII: it may imitate another host."""
    char = next(ch for ch in host if not ch.isascii())
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = "its punycode, xn--…"
    return PydanticCustomError(
        "url_host",
        "the host '{host}' holds U+{code} ({name}), which is not plain ASCII and may look "
        "like another letter; write the host in ASCII ({ascii}) if that is the one meant",
        {
            "host": host,
            "code": f"{ord(char):04X}",
            "name": unicodedata.name(char, "an unnamed character"),
            "ascii": ascii_host,
        },
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
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "pattern": "^https://[A-Za-z0-9.-]+(:[0-9]+)?([/?#][^\\s\\\\\"'<>`]*)?$",
            "maxLength": 2000,
        }
    ),
]
"""A web address; only https:// and a plain host name are accepted (:func:`web_address`)."""

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
