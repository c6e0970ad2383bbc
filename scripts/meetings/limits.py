"""What a record's values may hold beyond their type: safe characters, a range of
dates, the names of real time zones.

Each rule keeps out a value that validation would otherwise accept and the
build, a terminal or a visitor's page could not take: the feed's XML refuses
control characters and noncharacters; bidirectional controls reorder what a
page or a terminal shows; invisible characters hide text, or make two words
that look the same differ; a day at the ends of the calendar cannot be moved
to UTC; a folder of the time zone database, or a name only one machine knows
(``localtime``), is not a zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
import unicodedata
import zoneinfo

from pydantic_core import PydanticCustomError

YAML_LINE_BREAKS = "\x85\u2028\u2029"
"""Next line, line and paragraph separators: line breaks for YAML (LibYAML reads YAML
1.1), but not for most editors, which show the two lines as one."""

_INVISIBLE = (
    # Unicode's Default_Ignorable_Code_Point: what a font shows as nothing at all...
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    # ...and the other format characters (category Cf)
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f"
)


def _within(body: str, last: str) -> str:
    """The part of a character class's ``body`` (characters and ranges ``a-b``, nothing
    else) up to the character ``last``."""
    kept: list[str] = []
    index = 0
    while index < len(body):
        if body[index + 1 : index + 2] == "-" and index + 2 < len(body):
            first, end = body[index], body[index + 2]
            index += 3
        else:
            first = end = body[index]
            index += 1
        if first <= last:
            end = min(end, last)
            kept.append(first if first == end else f"{first}-{end}")
    return "".join(kept)


def _class(body: str) -> re.Pattern[str]:
    """``[body]``, or a pattern that finds nothing if ``body`` is empty."""
    return re.compile(f"[{body}]" if body else "(?!)")


def _in_bmp(text: str) -> bool:
    """Whether every character of ``text`` is of the Basic Multilingual Plane (to U+FFFF)."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


class Characters:
    """A set of characters to find in text: a regular expression's ``[...]``, read fast.

    Python's regular expressions test a character against a class holding
    characters beyond U+FFFF one range after another: finding one of
    :data:`UNSAFE_CHARACTERS` in 400 characters took 50 µs, a tenth of
    validating 10,000 meetings. Text of ASCII or of the Basic Multilingual
    Plane (nearly all text) is searched with the part of the class it can hold,
    which Python reads as a table: the same answer, 10 to 40 times sooner (a
    property test compares them).
    """

    def __init__(self, body: str) -> None:
        self.pattern = re.compile(f"[{body}]")
        """The whole class."""
        self._ascii = _class(_within(body, chr(0x7F)))
        self._bmp = _class(_within(body, chr(0xFFFF)))

    def _for(self, text: str) -> re.Pattern[str]:
        if text.isascii():
            return self._ascii
        return self._bmp if _in_bmp(text) else self.pattern

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The first of the characters in ``text`` from ``pos``, as ``re.search`` finds it."""
        return self._for(text).search(text, pos)

    def match(self, text: str) -> re.Match[str] | None:
        """Whether ``text`` starts with one of the characters, as ``re.match`` says."""
        return self.pattern.match(text)

    def findall(self, text: str, pos: int = 0) -> list[str]:
        """Every one of the characters in ``text`` from ``pos``."""
        return self._for(text).findall(text, pos)


INVISIBLE = Characters(f"{YAML_LINE_BREAKS}{_INVISIBLE}")
"""Characters that no file of the records may hold, anywhere (a value, a key, a comment):
YAML's extra line breaks, and invisible characters (zero-width spaces and joiners,
direction marks, a byte order mark inside the text, the "tag" characters U+E0000 to
U+E007F that can spell a whole hidden sentence, Hangul fillers, variation selectors).
A text written with one looks like another, or hides what it says."""

UNSAFE_CHARACTERS = Characters(
    "\x00-\x09\x0b-\x1f\x7f-\x9f"  # C0 and C1 controls (a tab too), but for the line break
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e\u2066-\u2069"  # bidirectional controls
    + _INVISIBLE
    + "\ud800-\udfff"  # surrogates, which are not characters
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters...
     + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0x10000, 0x110000, 0x10000))
    # ...of every plane
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
            else "an invisible character"
            if INVISIBLE.match(char)
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


_NAMES = {"\x85": "NEXT LINE"}
"""Names of characters that Unicode gives only as an alias (a control has no name)."""


def invisible_problem(text: str) -> tuple[int, str] | None:
    """The first of :data:`INVISIBLE` in ``text``: its index, and what to say about it."""
    found = INVISIBLE.search(text)
    if found is None:
        return None
    char = found.group()
    name = f"U+{ord(char):04X} ({_NAMES.get(char) or unicodedata.name(char, 'unnamed')})"
    if char in YAML_LINE_BREAKS:
        message = (
            f"{name} is a line break for YAML but not for most editors; "
            "remove it, or start a new line with Enter"
        )
    else:
        message = f"{name} is invisible; remove it"
    count = len(INVISIBLE.findall(text, found.start()))
    if count > 1:
        message += f" (the file holds {count} such characters)"
    return found.start(), message


TZDATA = "tzdata"
"""The package of the IANA time zone database the records mean (pinned in the lock):
its list of zone names, and each zone's rules."""
NOT_A_ZONE = frozenset({"Factory"})
"""Names of the database that are no place's time ("Factory" says "local time zone
must be set")."""


@functools.cache
def time_zones() -> frozenset[str]:
    """The zone names of the IANA database, from the ``tzdata`` package's list.

    Not the machine's own database: its folders hold other files (``localtime``,
    ``posixrules``, ``posix/…``), and its version differs from one machine to the
    next, so a record would mean another time elsewhere and builds would differ.
    """
    names = importlib.resources.files(TZDATA).joinpath("zones").read_text(encoding="utf-8")
    return frozenset(names.split()) - NOT_A_ZONE


@functools.cache
def zone_info(name: str) -> zoneinfo.ZoneInfo:
    """The rules of a zone of :func:`time_zones`, read from the ``tzdata`` package."""
    if name not in time_zones():
        raise KeyError(name)
    folder = importlib.resources.files(f"{TZDATA}.zoneinfo")
    with folder.joinpath(*name.split("/")).open("rb") as data:
        return zoneinfo.ZoneInfo.from_file(data, key=name)
