"""What every stage reports when an editor's file is wrong.

A :class:`Problem` is one mistake in one file. It prints as one line an
editor's tools can jump to::

    clusters/forum-2021/ac1.yaml:12:3: recording.url: http: links are not allowed; …

Stages collect problems instead of stopping at the first, so that one run
shows every mistake in every file. A problem of a draft (a record with
``draft: true``, or any file of a draft event) is a *warning*: it keeps the
draft out of the site, not the rest of the records, and prints as
``FILE:LINE:COL: warning: field: message``.

A line never carries a control character to the terminal: a file name or a
value quoted in a message may hold anything (an escape sequence that clears
the screen and prints a fake "OK"), so every character that is not printable
is shown as its Python escape (:func:`visible`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file.

    ``line`` and ``column`` count from 1 and are ``None`` when the mistake
    has no place in the file (an unreadable file, a missing ``event.yaml``).
    ``field`` is the dotted path of the field, e.g. ``topics[2]``. ``warning``
    marks a problem of a draft.
    """

    file: str
    line: int | None
    column: int | None
    field: str | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        kind = " warning:" if self.warning else ""
        field = f" {self.field}:" if self.field else ""
        return visible(f"{place}:{kind}{field} {self.message}")


class InvalidRecords(Exception):
    """Raised when the records cannot be published; carries every problem found.

    ``problems`` are the errors and the drafts' warnings, in the order of the files;
    the message counts the errors.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = in_order(problems)
        errors = [p for p in self.problems if not p.warning]
        super().__init__(count_problems(errors))

    def report(self) -> str:
        """Every problem, one line each."""
        return "\n".join(str(problem) for problem in self.problems)


def count_problems(problems: Iterable[Problem]) -> str:
    """ "3 problems in 2 files"."""
    problems = list(problems)
    count, files = len(problems), len({p.file for p in problems})
    return f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}"


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """The problems, each once, in the order of their files and places."""
    return sorted(set(problems), key=_sort_key)


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.file, problem.line or 0, problem.column or 0, problem.message)


def field_path(loc: Iterable[str | int]) -> str:
    """Format a location such as ``('topics', 2)`` as ``topics[2]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def visible(text: str) -> str:
    """``text`` with every character that is not printable shown as its escape.

    Control characters (C0, C1, the terminal's escape sequences), line and
    paragraph separators, bidirectional controls and unassigned characters
    become ``\\x1b``, ``\\u2028``, ``\\u202e``…; the space is kept.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def describe_value(value: Any) -> str:
    """Name a YAML value's kind in the words an editor uses."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of 'key: value' fields"
    return "text"
