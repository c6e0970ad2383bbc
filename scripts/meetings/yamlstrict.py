"""The strict YAML dialect of the records.

The dialect is the YAML 1.2 core schema, which has none of YAML 1.1's
surprises: ``no``, ``on``, ``yes``, ``2021-06-10`` and ``1_000`` are text,
read exactly as written. Only ``true``/``false``, ``null``/``~`` and plain
decimal numbers are anything else. Refused, each with the place it is written:

* anchors and aliases (``&a`` / ``*a``), which also keeps "billion laughs"
  files from growing in memory, and merge keys (``<<``);
* explicit tags (``!!int "abc"``, ``!!map``, ``!python/...``): a value is
  what it looks like, or it is refused;
* duplicate keys, and keys that are not words;
* values nested more than :data:`MAX_DEPTH` levels deep;
* a list item continued on a more-indented line that starts with ``- ``:
  YAML joins the two into one item ("lighthouse projects - youth"), never
  what an editor means by an over-indented ``- youth``. (A long item that a
  YAML writer wrapped before a `` - `` of its text is its text: the line
  it continues is longer than any writer's width, :data:`WRAP_WIDTH`.)

Unquoted text may go on over several lines, as YAML writers (PyYAML,
ruamel.yaml, editors' formatters) wrap long values: it is read as YAML reads
it, the lines joined by spaces. A continued line that looks like a key
(``  gist: …``) is a mistake YAML itself refuses.

One departure from YAML: in folded (``>-``) and unquoted text, a blank line
stays a blank line (a new paragraph), where YAML would leave a single line
break. LibYAML's C parser does the parsing where PyYAML has it.

:func:`read_yaml` reads a whole document and returns every rule it breaks
with the data of the rest, each refused value read as nothing (``None``), so
that validation can go on and list every other problem of the file too. Only
text that YAML cannot parse at all stops the reading (a :class:`yaml.YAMLError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.cyaml import CParser  # type: ignore[attr-defined]  # not in the stubs
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import describe_value

_MAX_DIGITS = 100
"""Longer integers are refused (Python refuses to convert beyond 4,300 digits)."""
MAX_DEPTH = 20
"""Values nested deeper are refused; a meeting needs four levels."""

ValuePath = tuple[Any, ...]


class DialectError(ConstructorError):
    """A rule of the dialect is broken at ``problem_mark``; ``path`` names the value, if known."""

    def __init__(self, message: str, mark: yaml.Mark, path: ValuePath | None = None):
        super().__init__(None, None, message, mark)
        self.path = path


@dataclass(frozen=True)
class Reading:
    """A document as the strict dialect reads it: :func:`read_yaml`'s answer."""

    data: Any
    errors: list[DialectError]
    """Every rule of the dialect the document breaks, in the order they are written."""
    dropped: frozenset[ValuePath]
    """The paths of the values read as nothing because of an error (what validation would
    then say about them would only repeat it)."""


class _CoreResolver(yaml.resolver.BaseResolver):
    """Resolve plain scalars by the YAML 1.2 core schema, and nothing else."""


_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

if yaml.__with_libyaml__:

    class StrictLoader(CParser, _CoreResolver):
        """LibYAML's parser with the YAML 1.2 core schema; :func:`read_yaml` builds the data."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _CoreResolver.__init__(self)

else:  # pragma: no cover - PyYAML built without LibYAML

    class StrictLoader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _CoreResolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _CoreResolver.__init__(self)


def compose(text: str) -> Node | None:
    """The node tree of one YAML document (raises :class:`yaml.YAMLError` if it cannot be
    parsed): :func:`read_yaml` builds the data from it, :mod:`meetings.locate` finds values."""
    loader = StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml(text: str) -> Reading:
    """One YAML document in the strict dialect: its data, and every rule of the dialect broken.

    A refused value is read as ``None`` (a refused key drops its pair, a
    repeated key its second value), and the rest as written. Raises
    :class:`yaml.YAMLError` only when YAML cannot parse the text at all.
    """
    root = compose(text)
    if root is None:
        return Reading(None, [], frozenset())
    return _Reader(text).read(root)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document in the strict dialect.

    Raises :class:`yaml.YAMLError` (a :class:`DialectError`, the first, for the dialect's rules).
    """
    reading = read_yaml(text)
    if reading.errors:
        raise reading.errors[0]
    return reading.data


def parse_key(node: ScalarNode) -> Any:
    """A mapping key as the strict dialect reads it."""
    return _scalar(node)


def _scalar(node: ScalarNode) -> Any:
    """A scalar's value (its number of digits checked by :class:`_Reader` first)."""
    value = node.value
    tag = node.tag
    if tag == "tag:yaml.org,2002:str":
        if (not node.style or node.style == ">") and "\n" in value:
            # A blank line in folded (>-) or unquoted text is one line break for YAML;
            # keep it a blank line, so that it starts a new paragraph.
            return value.replace("\n", "\n\n")
        return value
    if tag == "tag:yaml.org,2002:int":
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        return float(value)
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    return None  # null


class _Reader:
    """Builds a document's data from its nodes, in the order they are written, and collects
    every rule of the dialect they break.

    One walk without recursion, each node once: an alias (a node met a second
    time) is refused and never walked again, so aliases cost nothing.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.errors: list[DialectError] = []
        self.dropped: set[ValuePath] = set()
        self.first: dict[int, ValuePath] = {}
        """The path where each node was met first."""
        self.aliased: set[int] = set()

    def read(self, root: Node) -> Reading:
        holder: list[Any] = [None]
        # Each entry: a node, its depth, its path, its parent's kind, and where its value goes.
        stack: list[tuple[Node, int, ValuePath, str, Any, Any]] = [(root, 1, (), "", holder, 0)]
        while stack:
            node, depth, path, parent, target, slot = stack.pop()
            target[slot] = self._value(node, depth, path, parent, stack)
        self.errors.sort(key=lambda error: error.problem_mark.index)  # type: ignore[union-attr]
        return Reading(holder[0], self.errors, frozenset(self.dropped))

    def _refuse(
        self, message: str, node: Node, path: ValuePath | None, dropped: ValuePath | None = None
    ) -> None:
        self.errors.append(DialectError(message, node.start_mark, path))
        if dropped is not None:
            self.dropped.add(dropped)

    def _value(self, node: Node, depth: int, path: ValuePath, parent: str, stack: list[Any]) -> Any:
        key = id(node)
        if key in self.first:  # an alias: refused once, at its anchor
            if key not in self.aliased:
                self.aliased.add(key)
                self._refuse(_ALIAS, node, self.first[key] or None)
            self.dropped.add(path)
            return None
        self.first[key] = path
        if depth > MAX_DEPTH:
            message = (
                f"values are nested more than {MAX_DEPTH} levels deep; "
                "a record needs only a few levels"
            )
            self._refuse(message, node, None, path)  # the field: its first key is enough
            return None
        if _has_tag(self.text, node):
            self._refuse(_tag_message(node), node, path, path)
            return None
        if isinstance(node, ScalarNode):
            if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-0")) > _MAX_DIGITS:
                message = (
                    f"a number of {len(node.value)} digits is too long; "
                    "a record's numbers are small"
                )
                self._refuse(message, node, path, path)
                return None
            if not node.style and node.end_mark.line > node.start_mark.line and parent == "list":
                continued = _dash_line(node, self.text)
                if continued is not None:
                    self.errors.append(_continued(node, self.text, path, continued))
                    self.dropped.add(path)
                    return None
            return _scalar(node)
        if isinstance(node, SequenceNode):
            items: list[Any] = [None] * len(node.value)
            for index in range(len(node.value) - 1, -1, -1):
                child = node.value[index]
                stack.append((child, depth + 1, (*path, index), "list", items, index))
            return items
        assert isinstance(node, MappingNode)
        mapping: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        pending: list[tuple[Node, Any]] = []
        for key_node, value_node in node.value:
            name = self._key(key_node, depth, path)
            if name is _NO_KEY:
                continue
            if name in mapping:
                message = (
                    f"duplicate key '{name}' (first given on line {first_line[name]}); "
                    "give each key once"
                )
                self._refuse(message, key_node, (*path, name))
                continue
            first_line[name] = key_node.start_mark.line + 1
            mapping[name] = None
            pending.append((value_node, name))
        for value_node, name in reversed(pending):
            stack.append((value_node, depth + 1, (*path, name), "map", mapping, name))
        return mapping

    def _key(self, node: Node, depth: int, path: ValuePath) -> Any:
        """A mapping key, or :data:`_NO_KEY` when it is refused (and its pair dropped)."""
        key = id(node)
        if key in self.first:
            if key not in self.aliased:
                self.aliased.add(key)
                self._refuse(_ALIAS, node, path or None)
            return _NO_KEY
        self.first[key] = path
        if node.tag == "tag:yaml.org,2002:merge":
            self._refuse("merge keys (<<) are not supported", node, path or None)
            return _NO_KEY
        if _has_tag(self.text, node):
            plain = parse_key(node) if isinstance(node, ScalarNode) else None
            named = (*path, plain) if isinstance(plain, str) else path or None
            self._refuse(_tag_message(node), node, named, named)
            return _NO_KEY
        multiline = node.end_mark.line > node.start_mark.line
        if isinstance(node, ScalarNode) and not node.style and multiline:
            lines = self.text.splitlines()
            following = next(
                n
                for n in range(node.start_mark.line + 1, node.end_mark.line + 1)
                if lines[n].strip()
            )
            named = (*path, _scalar(node))
            self.errors.append(_continued(node, self.text, named, following, is_key=True))
            # The key the editor began on its first line: what validation says of it repeats this.
            self.dropped.add((*path, node.value.split()[0]))
            return _NO_KEY
        if isinstance(node, ScalarNode):
            if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-0")) > _MAX_DIGITS:
                value: Any = 0
            else:
                value = _scalar(node)
            if isinstance(value, str):
                return value
            found = describe_value(value)
        else:
            found = "a list" if isinstance(node, SequenceNode) else "a block of 'key: value' fields"
        self._refuse(f"a key must be a word such as 'title', found {found}", node, path or None)
        return _NO_KEY


_ALIAS = "anchors and aliases (&name, *name) are not supported; write the value out in full"
_NO_KEY = object()
"""A refused key: its pair is left out."""

_ANCHOR = re.compile(r"&[^\s]+\s+")


def _has_tag(text: str, node: Node) -> bool:
    """Whether the node is written with a tag (``!!int``, ``!x``), after any anchor."""
    start = node.start_mark.index
    if text.startswith("&", start):
        anchor = _ANCHOR.match(text, start)
        if anchor:
            start = anchor.end()
    return text.startswith("!", start)


def _tag_message(node: Node) -> str:
    return f"the tag {node.tag} is not supported; remove it and write a plain value"


_DASH = re.compile(r"\s*-(?:\s|$)")


WRAP_WIDTH = 40
"""YAML writers wrap only lines longer than their width, 40 characters at the least (PyYAML's
narrowest in the tests; 80 by default, as ruamel.yaml and editors' formatters)."""


def _dash_line(node: ScalarNode, text: str) -> int | None:
    """The first line (from 0) continuing an unquoted list item with ``- ``, where no writer
    would have wrapped it: the line it continues is shorter than :data:`WRAP_WIDTH`. A writer
    wraps a long item as ``… Action Cluster 1`` / ``- Business Models``, which is its text."""
    lines = text.splitlines()
    for number in range(node.start_mark.line + 1, min(node.end_mark.line, len(lines) - 1) + 1):
        if _DASH.match(lines[number]) and len(lines[number - 1].rstrip()) < WRAP_WIDTH:
            return number
    return None


def _continued(
    node: ScalarNode, text: str, path: ValuePath | None, following: int, is_key: bool = False
) -> DialectError:
    """A list item continued on a more-indented '- ' line, or a key on several lines: say
    which line continues which."""
    lines = text.splitlines()
    first = node.start_mark.line
    content = lines[following]
    column = len(content) - len(content.lstrip())
    shown = node.value if len(node.value) <= 60 else node.value[:57] + "..."
    index = sum(len(line) for line in text.splitlines(keepends=True)[:following]) + column
    mark = yaml.Mark("", index, following, column, None, 0)  # no buffer: no snippet
    if is_key:
        message = (
            f"line {following + 1} continues the unquoted key of line {first + 1}, and YAML "
            f"reads them as one key, {shown!r}; write a key on one line, followed by ':'"
        )
    else:
        message = (
            f"line {following + 1} continues the unquoted text of line {first + 1}, and YAML "
            f"reads them as one value, {shown!r}; for a new list item, indent its '- ' like the "
            "items above; for a text on several lines, write '>-' after the key and the text "
            "below it"
        )
    return DialectError(message, mark, path)
