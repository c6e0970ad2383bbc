"""What a record's values may hold beyond their type: safe characters, a range of
dates, the names of real time zones.

Each rule keeps out a value that validation would otherwise accept and the
build, a terminal or a visitor's page could not take: the feed's XML refuses
control characters and noncharacters; bidirectional controls reorder what a
page or a terminal shows; a day at the ends of the calendar cannot be moved
to UTC; a folder of the time zone database is not a zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zoneinfo

from pydantic_core import PydanticCustomError

UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f"  # C0 and C1 controls (a tab too), but for the line break
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e\u2066-\u2069"  # bidirectional controls
    "\ud800-\udfff"  # surrogates, which are not characters
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters...
    + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0x10000, 0x110000, 0x10000))
    + "]"  # ...of every plane
)
"""Characters no text of a record may hold: they can hide or reorder text on a page,
rewrite a terminal, or make the feed invalid XML (which refuses them)."""


def refuse_unsafe(value: str) -> str:
    """``value``, unless it holds one of :data:`UNSAFE_CHARACTERS`: then the first is named."""
    unsafe = UNSAFE_CHARACTERS.search(value)
    if unsafe:
        char = unsafe.group()
        kind = (
            "a bidirectional control"
            if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069"
            else "a line separator"
            if char in "\u2028\u2029"
            else "a control character"
            if unicodedata.category(char) == "Cc"
            else "not a character"
        )
        raise PydanticCustomError(
            "unsafe_char",
            "must not contain U+{code} ({kind}); remove it",
            {"code": f"{ord(char):04X}", "kind": kind},
        )
    return value


FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)
"""The dates a record may give: any day of a meeting, far from the ends of the calendar
(a time zone east of UTC on 0001-01-01 is a day that Python cannot write)."""


def in_date_range(value: dt.date) -> dt.date:
    """``value``, unless it is before :data:`FIRST_DATE` or after :data:`LAST_DATE`."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise PydanticCustomError(
            "date_range",
            "{value} is too far in the past or the future; a record's dates are from {first} to "
            "{last}",
            {
                "value": value.isoformat(),
                "first": FIRST_DATE.isoformat(),
                "last": LAST_DATE.isoformat(),
            },
        )
    return value


@functools.cache
def time_zones() -> frozenset[str]:
    """The zone names of the IANA database (the system's, or the ``tzdata`` package)."""
    return frozenset(zoneinfo.available_timezones())
