"""libical's own checks of an iCalendar file, through ctypes.

libical is the C library of many calendar programs (Evolution, KDE's, GNOME's);
Debian packages it as ``libical3`` (``make test`` installs it:
``scripts/ensure-package``). It has no Python binding, so the few functions
needed are called through :mod:`ctypes`: the parser, which marks each line it
cannot read with an ``X-LIC-ERROR`` property, and ``icalrestriction_check``,
which adds one for each property a component lacks or repeats against
RFC 5545 (and, when the calendar has a ``METHOD``, against RFC 5546's rules
for that method: ``METHOD:PUBLISH`` requires an ``ORGANIZER``). libical 3.0
checks a VEVENT's required properties only under a ``METHOD``; without one,
:func:`problems` counts them itself, with libical's functions (RFC 5545,
3.6.1: one ``DTSTAMP``, one ``UID``, and one ``DTSTART`` in a calendar without
a ``METHOD``).

A missing library is an error, never a skipped test.
"""

from __future__ import annotations

import ctypes
import functools

SONAME = "libical.so.3"
"""The library of libical 3 (Debian's ``libical3``), whose functions are declared below."""


class LibicalMissing(RuntimeError):
    """libical cannot be loaded."""


@functools.cache
def library() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(SONAME)
    except OSError as error:
        raise LibicalMissing(
            f"{SONAME} cannot be loaded ({error}): the calendar tests check every .ics "
            "file with libical; 'make test' installs it (scripts/ensure-package libical3), "
            "or run 'sudo apt-get install --no-install-recommends libical3'"
        ) from None
    pointer = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalparser_parse_string.restype = pointer
    lib.icalcomponent_isa.argtypes = [pointer]
    lib.icalcomponent_isa.restype = ctypes.c_int
    lib.icalcomponent_kind_to_string.argtypes = [ctypes.c_int]
    lib.icalcomponent_kind_to_string.restype = ctypes.c_char_p
    lib.icalrestriction_check.argtypes = [pointer]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalcomponent_count_errors.argtypes = [pointer]
    lib.icalcomponent_count_errors.restype = ctypes.c_int
    lib.icalcomponent_as_ical_string.argtypes = [pointer]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_free.argtypes = [pointer]
    lib.icalcomponent_free.restype = None
    lib.icalcomponent_string_to_kind.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_string_to_kind.restype = ctypes.c_int
    lib.icalproperty_string_to_kind.argtypes = [ctypes.c_char_p]
    lib.icalproperty_string_to_kind.restype = ctypes.c_int
    for walk in ("icalcomponent_get_first_component", "icalcomponent_get_next_component"):
        getattr(lib, walk).argtypes = [pointer, ctypes.c_int]
        getattr(lib, walk).restype = pointer
    lib.icalcomponent_count_properties.argtypes = [pointer, ctypes.c_int]
    lib.icalcomponent_count_properties.restype = ctypes.c_int
    return lib


REQUIRED_ONCE = ("DTSTAMP", "UID", "DTSTART")
"""What RFC 5545 (3.6.1) requires once in every VEVENT of a calendar without a ``METHOD``."""


def _required_properties(lib: ctypes.CDLL, calendar: int) -> list[str]:
    """The VEVENTs' properties of :data:`REQUIRED_ONCE` that are missing or repeated."""
    vevent = lib.icalcomponent_string_to_kind(b"VEVENT")
    kinds = {name: lib.icalproperty_string_to_kind(name.encode()) for name in REQUIRED_ONCE}
    found = []
    event = lib.icalcomponent_get_first_component(calendar, vevent)
    number = 0
    while event:
        number += 1
        for name, kind in kinds.items():
            count = lib.icalcomponent_count_properties(event, kind)
            if count != 1:
                found.append(f"VEVENT {number}: {count} {name} properties, RFC 5545 requires 1")
        event = lib.icalcomponent_get_next_component(calendar, vevent)
    return found


def problems(data: bytes) -> list[str]:
    """What libical finds wrong in an iCalendar file: one line per ``X-LIC-ERROR``
    (an unreadable line, a property missing or repeated against RFC 5545), or why it
    is no calendar at all. An empty list is a calendar libical accepts."""
    lib = library()
    component = lib.icalparser_parse_string(data)
    if not component:
        return ["libical read no component at all"]
    try:
        kind = lib.icalcomponent_kind_to_string(lib.icalcomponent_isa(component)).decode()
        if kind != "VCALENDAR":
            # Several top-level components (libical's XROOT), or no calendar.
            return [f"libical read a {kind}, not one VCALENDAR"]
        method = lib.icalproperty_string_to_kind(b"METHOD")
        required = (
            []
            if lib.icalcomponent_count_properties(component, method)
            else (_required_properties(lib, component))
        )
        lib.icalrestriction_check(component)
        count = lib.icalcomponent_count_errors(component)
        text = lib.icalcomponent_as_ical_string(component).decode("utf-8", "replace")
        unfolded = text.replace("\r\n ", "").replace("\n ", "")
        found = [line for line in unfolded.splitlines() if line.startswith("X-LIC-ERROR")]
        # Every error the count saw is named (the count covers the components too).
        if len(found) < count:
            found.append(f"{count} errors in all")
        return found + required
    finally:
        lib.icalcomponent_free(component)
