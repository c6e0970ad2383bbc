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
* an unquoted value continued on a more-indented line: YAML joins the lines
  into one value ("lighthouse projects - youth"), never what an editor means.

One departure from YAML: in folded (``>-``) text, a blank line stays a blank
line (a new paragraph), where YAML would leave a single line break. LibYAML's
C parser does the parsing where PyYAML has it.
"""

from __future__ import annotations

import re
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


class DialectError(ConstructorError):
    """A rule of the dialect is broken at ``problem_mark``; ``path`` names the value, if known."""

    def __init__(self, message: str, mark: yaml.Mark, path: tuple[Any, ...] | None = None):
        super().__init__(None, None, message, mark)
        self.path = path


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


class _StrictConstructor(yaml.constructor.BaseConstructor):
    """Build plain Python data; refuse aliases, duplicate keys and other tags."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise DialectError(
                "anchors and aliases (&name, *name) are not supported; write the value out in full",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise DialectError("merge keys (<<) are not supported", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise DialectError(
                    f"a key must be a word such as 'title', found {describe_value(key)}",
                    key_node.start_mark,
                )
            if key in mapping:
                raise DialectError(
                    f"duplicate key '{key}' (first given on line {first_line[key]}); "
                    "give each key once",
                    key_node.start_mark,
                )
            first_line[key] = key_node.start_mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_map(self, node: MappingNode):
        data: dict[Any, Any] = {}
        yield data
        data.update(self.construct_mapping(node))

    def construct_yaml_seq(self, node: SequenceNode):
        data: list[Any] = []
        yield data
        data.extend(self.construct_object(child) for child in node.value)

    def construct_scalar_as(self, node: ScalarNode) -> Any:
        value = node.value
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            if node.style == ">" and "\n" in value:
                # Folded (>-) text turns a blank line into one line break; keep it a
                # blank line, so that it starts a new paragraph.
                return value.replace("\n", "\n\n")
            return value
        if tag == "tag:yaml.org,2002:int":
            if len(value.lstrip("+-0")) > _MAX_DIGITS:
                raise DialectError(
                    f"a number of {len(value)} digits is too long; a record's numbers are small",
                    node.start_mark,
                )
            return int(value)
        if tag == "tag:yaml.org,2002:float":
            return float(value)
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        return None  # null

    def construct_undefined(self, node: Node) -> Any:  # pragma: no cover - tags are refused first
        raise DialectError(_tag_message(node), node.start_mark)


# (PyYAML's stubs accept only its own loader classes here.)
for _tag in ("str", "int", "float", "bool", "null"):
    _StrictConstructor.add_constructor(  # type: ignore[type-var]
        f"tag:yaml.org,2002:{_tag}", _StrictConstructor.construct_scalar_as
    )
_add = _StrictConstructor.add_constructor
_add("tag:yaml.org,2002:map", _StrictConstructor.construct_yaml_map)  # type: ignore[type-var]
_add("tag:yaml.org,2002:seq", _StrictConstructor.construct_yaml_seq)  # type: ignore[type-var]
_add(None, _StrictConstructor.construct_undefined)  # type: ignore[type-var]

if yaml.__with_libyaml__:

    class StrictLoader(CParser, _StrictConstructor, _CoreResolver):
        """LibYAML's parser with the strict constructor and the YAML 1.2 core schema."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _StrictConstructor.__init__(self)
            _CoreResolver.__init__(self)

else:  # pragma: no cover - PyYAML built without LibYAML

    class StrictLoader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _StrictConstructor,
        _CoreResolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _StrictConstructor.__init__(self)
            _CoreResolver.__init__(self)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document in the strict dialect.

    Raises :class:`yaml.YAMLError` (a :class:`DialectError` for the dialect's rules).
    """
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check(node, text)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def compose(text: str) -> Node | None:
    """The node tree of a document :func:`parse_yaml` has read, to locate its values."""
    loader = StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_key(node: ScalarNode) -> Any:
    """A mapping key as the strict constructor would build it."""
    return _StrictConstructor.construct_scalar_as(None, node)  # type: ignore[arg-type]


def _check(root: Node, text: str) -> None:
    """Refuse what the dialect does not allow, before anything is built.

    Walks the nodes without recursion, each node once (aliases share nodes),
    keys and values alike.
    """
    seen: set[int] = set()
    keys: set[int] = set()
    stack: list[tuple[Node, int, tuple[Any, ...]]] = [(root, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise DialectError(
                f"values are nested more than {MAX_DEPTH} levels deep; "
                "a record needs only a few levels",
                node.start_mark,
            )
        if _has_tag(text, node):
            raise DialectError(_tag_message(node), node.start_mark, path)
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                plain_key = isinstance(key_node, ScalarNode) and not _has_tag(text, key_node)
                key = parse_key(key_node) if plain_key else None
                # A problem of a key names the key (its parent, if the key is not plain).
                keys.add(id(key_node))
                stack.append((key_node, depth + 1, (*path, key) if plain_key else path))
                stack.append((value_node, depth + 1, (*path, key)))
        elif isinstance(node, SequenceNode):
            stack += [(child, depth + 1, (*path, i)) for i, child in enumerate(node.value)]
        elif (
            isinstance(node, ScalarNode)
            and not node.style
            and node.end_mark.line > node.start_mark.line
        ):
            raise _continued(node, text, path, is_key=id(node) in keys)


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


def _continued(
    node: ScalarNode, text: str, path: tuple[Any, ...], is_key: bool = False
) -> DialectError:
    """An unquoted value (or key) written over several lines: say which line continues which."""
    lines = text.splitlines()
    first = node.start_mark.line
    last = min(node.end_mark.line, len(lines) - 1)
    following = next((n for n in range(first + 1, last + 1) if lines[n].strip()), first + 1)
    content = lines[following] if following < len(lines) else ""
    column = len(content) - len(content.lstrip())
    shown = node.value if len(node.value) <= 60 else node.value[:57] + "..."
    mark = yaml.Mark("", 0, following, column, None, 0)  # no buffer: no snippet
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
