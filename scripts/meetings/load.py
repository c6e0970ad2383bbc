"""Stage 1 of the pipeline: read the YAML files under ``clusters/``.

The layout is one folder per event::

    clusters/
      forum-2021/
        event.yaml                        the event
        ac1-business-models-finance.yaml  one file per meeting
        ...

Files are read defensively, because editors are not programmers and a file
may be anything: too large, not UTF-8, broken YAML. Each such file gives a
:class:`~meetings.problems.Problem` with the file and, where YAML is broken,
the line; it never raises.

The YAML dialect is the YAML 1.2 core schema, which has none of YAML 1.1's
surprises: ``no``, ``on``, ``yes``, ``2021-06-10`` and ``1_000`` are text,
read exactly as written. Only ``true``/``false``, ``null``/``~`` and plain
decimal numbers are anything else. Anchors and aliases (``&a`` / ``*a``),
merge keys, explicit tags and duplicate keys are refused, which also keeps
"billion laughs" files from growing in memory; so are values nested more
than :data:`MAX_DEPTH` levels deep. One departure from YAML: in folded
(``>-``) and plain text, a blank line stays a blank line (a new paragraph),
where YAML would leave a single line break. LibYAML's C parser does the
parsing where PyYAML has it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.constructor import ConstructorError
from yaml.cyaml import CParser  # type: ignore[attr-defined]  # not in the stubs
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem, field_path

MAX_FILE_BYTES = 1_000_000
_MAX_DIGITS = 100
"""Longer integers are refused (Python refuses to convert beyond 4,300 digits)."""
MAX_DEPTH = 20
"""Values nested deeper are refused; a meeting needs four levels."""
EVENT_FILE = "event.yaml"

Kind = Literal["event", "meeting"]


@dataclass(frozen=True)
class Document:
    """The data of one YAML file, before validation."""

    file: str
    """The path shown to editors, e.g. ``clusters/forum-2021/ac1.yaml``."""
    path: Path
    kind: Kind
    folder: str
    """The event folder's name."""
    data: dict[str, Any]
    text: str
    """The file's text, kept to locate problems after validation."""


# --------------------------------------------------------------------------
# The strict YAML dialect
# --------------------------------------------------------------------------


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
            raise ConstructorError(
                None,
                None,
                "anchors and aliases (&name, *name) are not supported; write the value out in full",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ConstructorError(
                    None, None, "merge keys (<<) are not supported", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise ConstructorError(
                    None,
                    None,
                    f"a key must be a word such as 'title', found {describe_value(key)}",
                    key_node.start_mark,
                )
            if key in mapping:
                raise ConstructorError(
                    None,
                    None,
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
            if node.style in (">", "", None) and "\n" in value:
                # Folded (>-) and plain text turn a blank line into one line break;
                # keep it a blank line, so that it starts a new paragraph.
                return value.replace("\n", "\n\n")
            return value
        if tag == "tag:yaml.org,2002:int":
            if len(value.lstrip("+-0")) > _MAX_DIGITS:
                raise ConstructorError(
                    None,
                    None,
                    f"a number of {len(value)} digits is too long; a record's numbers are small",
                    node.start_mark,
                )
            return int(value)
        if tag == "tag:yaml.org,2002:float":
            return float(value)
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        return None  # null

    def construct_undefined(self, node: Node) -> Any:
        raise ConstructorError(
            None,
            None,
            f"the tag {node.tag} is not supported; remove it and write a plain value",
            node.start_mark,
        )


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


# --------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------


def read_records(root: Path, base: Path | None = None) -> tuple[list[Document], list[Problem]]:
    """Read every event and meeting file under ``root``.

    ``base`` is the folder that paths in messages are relative to (the
    project root); by default the parent of ``root``.
    """
    base = base or root.parent
    documents: list[Document] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return [], [Problem(_shown(root, base), None, None, None, "folder not found")]

    for entry in sorted(root.iterdir()):
        if _ignored(entry.name):
            continue
        if entry.is_file() and _is_yaml(entry.name):
            problems.append(
                Problem(
                    _shown(entry, base),
                    None,
                    None,
                    None,
                    "a record must be inside an event folder, e.g. clusters/forum-2021/; "
                    "move the file there",
                )
            )
        elif entry.is_dir():
            folder_documents, folder_problems = _read_event_folder(entry, base)
            documents += folder_documents
            problems += folder_problems
    return documents, problems


def _read_event_folder(folder: Path, base: Path) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    files = sorted(p for p in folder.iterdir() if _is_yaml(p.name) and not _ignored(p.name))
    if not (folder / EVENT_FILE).is_file():
        problems.append(
            Problem(
                _shown(folder, base) + "/",
                None,
                None,
                None,
                f"no {EVENT_FILE} in this event folder; add one (see the README, 'Add an event')",
            )
        )
    for path in files:
        if path.name != EVENT_FILE and path.suffix == ".yml":
            problems.append(
                Problem(_shown(path, base), None, None, None, "name the file with .yaml, not .yml")
            )
            continue
        kind: Kind = "event" if path.name == EVENT_FILE else "meeting"
        document, problem = read_document(path, kind, base)
        if document is None:
            problems += [problem] if problem else []
        else:
            documents.append(document)
    return documents, problems


def read_document(path: Path, kind: Kind, base: Path) -> tuple[Document | None, Problem | None]:
    """Read one file; return its document, or the problem that stopped it."""
    shown = _shown(path, base)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(
                shown,
                None,
                None,
                None,
                f"the file is {size:,} bytes; a record may be at most {MAX_FILE_BYTES:,} bytes",
            )
        raw = path.read_bytes()
    except OSError as error:
        return None, Problem(shown, None, None, None, f"cannot read the file: {error.strerror}")

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Problem(
            shown,
            line,
            column,
            field_at(raw.decode("utf-8-sig", errors="replace"), line),
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02X}); save it as UTF-8",
        )

    try:
        data = parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        return None, _yaml_problem(shown, text, error)
    except yaml.YAMLError as error:
        return None, _reader_problem(shown, text, error)

    if data is None:
        return None, Problem(
            shown,
            None,
            None,
            None,
            f"the file is empty; it must hold the fields of {_a(kind)} (see the README)",
        )
    if not isinstance(data, dict):
        return None, Problem(
            shown,
            1,
            1,
            None,
            f"expected the fields of {_a(kind)} as 'key: value' lines, "
            f"found {describe_value(data)}",
        )
    return Document(shown, path, kind, path.parent.name, data, text), None


def parse_yaml(text: str) -> Any:
    """Parse one YAML document in the strict dialect."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_depth(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_depth(root: Node) -> None:
    """Refuse values nested deeper than a record needs, before building them.

    Walks the nodes without recursion, each node once (aliases share nodes).
    """
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise ConstructorError(
                None,
                None,
                f"values are nested more than {MAX_DEPTH} levels deep; "
                "a record needs only a few levels",
                node.start_mark,
            )
        if isinstance(node, MappingNode):
            stack += [(child, depth + 1) for pair in node.value for child in pair]
        elif isinstance(node, SequenceNode):
            stack += [(child, depth + 1) for child in node.value]


# --------------------------------------------------------------------------
# Locating fields, for messages
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    line: int
    column: int
    raw: str | None = None
    """The scalar exactly as written, if the value is a plain (unquoted) scalar."""


class Locations:
    """Where each field of a document is written, computed only when needed."""

    def __init__(self, text: str) -> None:
        self.values: dict[tuple[Any, ...], Place] = {}
        self.keys: dict[tuple[Any, ...], Place] = {}
        try:
            loader = StrictLoader(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.YAMLError:  # pragma: no cover - the document was read before
            return
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: Node, path: tuple[Any, ...]) -> None:
        raw = node.value if isinstance(node, ScalarNode) and not node.style else None
        self.values[path] = Place(node.start_mark.line + 1, node.start_mark.column + 1, raw)
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    key = parse_key(key_node)
                    place = Place(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    self.keys[(*path, key)] = place
                    self._walk(value_node, (*path, key))
        elif isinstance(node, SequenceNode):
            for index, child in enumerate(node.value):
                self._walk(child, (*path, index))

    def of_value(self, path: tuple[Any, ...]) -> Place:
        """The value at ``path``, or else the nearest enclosing one."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Place(1, 1))

    def of_key(self, path: tuple[Any, ...]) -> Place:
        return self.keys.get(path) or self.of_value(path)


def parse_key(node: ScalarNode) -> Any:
    """A mapping key as the strict constructor would build it."""
    return _StrictConstructor.construct_scalar_as(None, node)  # type: ignore[arg-type]


def _yaml_problem(shown: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = error.problem or "the YAML cannot be read"
    context = error.context or ""
    field_line = line
    if mark and text[mark.index : mark.index + 1] == "\t":
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


def _reader_problem(shown: str, text: str, error: yaml.YAMLError) -> Problem:
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
    for number, content in enumerate(text.splitlines()[:line], start=1):
        match = _KEY_LINE.match(content.replace("\t", " "))
        if not match:
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match["key"]))
        if number == line:
            break
    return field_path(key for _, key in stack) or None


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


def _a(kind: Kind) -> str:
    return "an event" if kind == "event" else "a meeting"


def _is_yaml(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


def _ignored(name: str) -> bool:
    """Hidden files and editors' backup files."""
    return name.startswith((".", "#")) or name.endswith("~")


def _shown(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.as_posix()
