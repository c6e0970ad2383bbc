"""Words in the site's English: days, spans of days, and counted things.

Shared by the page templates (as filters) and the messages to editors.
"""

from __future__ import annotations

from typing import Any

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value: Any) -> str:
    """``2021-06-10`` as ``10 June 2021`` (in English whatever the locale)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def date_range(start: Any, end: Any) -> str:
    """Two days as one span, naming each month and year once.

    ``10 June 2021`` (one day), ``9–10 June 2021``, ``30 June – 1 July 2021``,
    ``30 December 2021 – 2 January 2022``.
    """
    if end is None or end == start:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{long_date(end)}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} – {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"


def number_of(number: int, singular: str, plural: str | None = None) -> str:
    """A number with its noun, singular for one: ``1 meeting``, ``6 meetings``."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def reference(source: Any) -> str:
    """A source as a quotation names it: “title”, publisher, date, address."""
    title = f"“{source.title}”, " if source.title else ""
    date = f", {long_date(source.published)}" if source.published else ""
    return f"{title}{source.publisher}{date}, {source.url}"
