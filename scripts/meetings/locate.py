"""Where a value is written in a record's file, for messages.

A problem names the file, the line, the column and the field. For a file
that YAML cannot read, :func:`yaml_problem` turns the parser's error into an
editor's words and guesses the field from the indentation (:func:`field_at`);
for a record that was read, :class:`Locations` knows where each key and value
is written. A document computes its locations once, when a first problem needs
them, however many problems there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem, field_path
from .yamlstrict import MAX_DEPTH, DialectError, compose, parse_key


@dataclass(frozen=True)
class Place:
    line: int
    column: int
    raw: str | None = None
    """The scalar exactly as written, if the value is a plain (unquoted) scalar."""


class Locations:
    """Where each key and value of a document is written."""

    def __init__(self, text: str) -> None:
        self.values: dict[tuple[Any, ...], Place] = {}
        self.keys: dict[tuple[Any, ...], Place] = {}
        try:
            node = compose(text)
        except yaml.YAMLError:  # pragma: no cover - the document was read before
            return
        if node is not None:
            self._walk(node)

    def _walk(self, root: Node) -> None:
        stack: list[tuple[Node, tuple[Any, ...]]] = [(root, ())]
        seen: set[int] = set()
        while stack:
            node, path = stack.pop()
            raw = node.value if isinstance(node, ScalarNode) and not node.style else None
            self.values[path] = Place(node.start_mark.line + 1, node.start_mark.column + 1, raw)
            if id(node) in seen:
                continue  # an alias, which the dialect refuses: never walked twice
            seen.add(id(node))
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode):
                        key = parse_key(key_node)
                        mark = key_node.start_mark
                        self.keys[(*path, key)] = Place(mark.line + 1, mark.column + 1)
                        stack.append((value_node, (*path, key)))
            elif isinstance(node, SequenceNode):
                stack += [(child, (*path, i)) for i, child in enumerate(node.value)]

    def of_value(self, path: tuple[Any, ...]) -> Place:
        """The value at ``path``, or else the nearest enclosing one."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Place(1, 1))

    def of_key(self, path: tuple[Any, ...]) -> Place:
        return self.keys.get(path) or self.of_value(path)


def yaml_problem(shown: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """The problem of a file that the strict dialect refuses, in an editor's words."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = error.problem or "the YAML cannot be read"
    context = error.context or ""
    field_line = line
    if isinstance(error, DialectError):
        message = problem
        if error.path:
            return Problem(shown, line, column, field_path(error.path), message)
    elif mark and text[mark.index : mark.index + 1] == "\t":
        message = "a tab character is used for indentation; indent with spaces only"
    elif "could not find expected ':'" in problem:
        if error.context_mark:
            # YAML notices at the next line; the line without its ':' is where the key began.
            line, column = error.context_mark.line + 1, error.context_mark.column + 1
            field_line = None
        message = "this line is missing its ':' or is indented wrongly; align the keys of one block"
    elif "mapping values are not allowed" in problem:
        message = "a ':' appears where no key can start; check the indentation, or quote the text"
    elif "expected a single document" in context + problem:
        field_line = None
        message = "the file holds more than one YAML document ('---'); keep one record per file"
    elif "nesting depth" in problem:
        field_line = None  # the path to the place would be a thousand fields long
        message = (
            f"values are nested more than {MAX_DEPTH} levels deep; a record needs only a few levels"
        )
    elif error.context_mark and ("flow" in context or "quoted scalar" in context):
        # The field is where the bracket or quote was opened, not where YAML gave up.
        opened = error.context_mark
        field_line = opened.line + 1
        if "escape" in problem:
            message = (
                "a backslash in double quotes starts an escape such as \\n; "
                "write \\\\ for a backslash, or use single quotes"
            )
        else:
            # An unclosed bracket or quote: point where it was opened.
            line, column = field_line, opened.column + 1
            what = text[opened.index : opened.index + 1]
            closing = {"[": "]", "{": "}"}.get(what)
            advice = (
                f"close it with {closing!r}, or put the whole text in quotes"
                if closing
                else "end the text with the same quote mark"
            )
            message = f"the {what!r} opened on line {field_line} is not closed; {advice}"
    elif "cannot start any token" in problem and mark:
        message = (
            f"a value cannot start with {text[mark.index : mark.index + 1]!r} in YAML; "
            "put the text in quotes"
        )
    elif "found undefined alias" in problem:
        message = "'*' at the start of a value is YAML syntax; put the text in quotes"
    elif "did not find expected key" in problem:
        message = (
            "this line does not continue the 'key: value' lines above; "
            "check its indentation, and that no quote above is left open"
        )
    else:
        message = problem
        if error.context_mark:
            message += f" ({context} on line {error.context_mark.line + 1})"
    return Problem(shown, line, column, field_at(text, field_line) if field_line else None, message)


def reader_problem(shown: str, text: str, error: yaml.YAMLError) -> Problem:
    """The problem of a file holding a character that YAML does not allow."""
    position = getattr(error, "position", None)
    line = column = None
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    reason = getattr(error, "reason", None) or str(error)
    return Problem(
        shown,
        line,
        column,
        field_at(text, line) if line else None,
        f"{reason}: the file holds a character that YAML does not allow; remove it",
    )


_KEY_LINE = re.compile(r"^(?P<indent>[ -]*)(?P<key>[\w~][\w.~+-]*)\s*:(?:\s|$)")


def field_at(text: str, line: int) -> str | None:
    """Best guess of the field being written at ``line``, for broken YAML.

    Follows the indentation of the ``key:`` lines above it; this is only a
    hint for the message, which also gives the line.
    """
    stack: list[tuple[int, str]] = []
    # Lines as editors count them: split at line feeds only (splitlines() would split
    # at U+2028 and others, which editors show as no break at all).
    for number, content in enumerate(text.split("\n")[:line], start=1):
        match = _KEY_LINE.match(content.replace("\t", " "))
        if not match:
            if number == line and content.lstrip(" -").startswith("#"):
                # A comment belongs to the blocks it is indented in, if any.
                indent = len(content) - len(content.lstrip(" -"))
                while stack and stack[-1][0] >= indent:
                    stack.pop()
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match["key"]))
        if number == line:
            break
    return field_path(key for _, key in stack) or None
