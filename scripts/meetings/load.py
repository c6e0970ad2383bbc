"""Stage 1 of the pipeline: read the YAML files under ``clusters/``.

The layout is one folder per event::

    clusters/
      forum-2021/
        event.yaml                        the event
        ac1-business-models-finance.yaml  one file per meeting
        ...

Files are read defensively, because editors are not programmers and a pull
request may hold anything. Each of these gives a
:class:`~meetings.problems.Problem` naming the file, and never an exception:

* a name that is not a slug (``[a-z0-9-]``, plus ``event.yaml``): names end
  up in addresses and messages, so a quote or a ``<`` in one could become
  markup;
* anything but a regular file or folder inside the repository: a symbolic
  link (to ``/dev/zero``, to a file outside), a named pipe, a device. Files
  are opened without following links and never read beyond
  :data:`MAX_FILE_BYTES` plus one byte;
* too large, not UTF-8, holding an invisible character or one of YAML's
  line breaks that editors do not show (:data:`~meetings.limits.INVISIBLE`,
  anywhere: in a value, a key or a comment), or not in the strict YAML
  dialect (:mod:`meetings.yamlstrict`), with the line where YAML is broken.

Nothing under ``clusters/`` is passed over in silence: a file that is not
read (``ac7-x.YAML``, ``ac7-x.yml``, ``notes.txt``) and a folder inside an
event folder are problems naming them. Only hidden files (``.DS_Store``,
``.ac7.yaml.swp``) and editors' backup files (``ac7.yaml~``, ``#ac7.yaml#``)
are left alone.

A file that YAML can parse is read whole even when it breaks rules of the
dialect (a tag, a repeated key): its :class:`Document` carries those
problems, so that validation lists them with every other problem of the file.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from .limits import invisible_problem
from .locate import Locations, field_at, reader_problem, yaml_problem
from .problems import Problem, describe_value
from .yamlstrict import MAX_DEPTH, ValuePath, parse_yaml, read_yaml

__all__ = [
    "EVENT_FILE",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "Document",
    "parse_yaml",
    "read_document",
    "read_records",
]

MAX_FILE_BYTES = 1_000_000
EVENT_FILE = "event.yaml"
SLUG_NAME = re.compile(r"[a-z0-9-]+")
"""What the name of an event folder, or of a meeting file before ``.yaml``, may hold."""

Kind = Literal["event", "meeting"]


@dataclass(frozen=True, eq=False)
class Document:
    """The data of one YAML file, before validation (one object per reading of the file:
    compared as an object, as a :mod:`~meetings.memo` key)."""

    file: str
    """The path shown to editors, e.g. ``clusters/forum-2021/ac1.yaml``."""
    path: Path
    kind: Kind
    folder: str
    """The event folder's name."""
    data: dict[str, Any]
    text: str
    """The file's text, kept to locate problems after validation."""
    problems: tuple[Problem, ...] = ()
    """What the strict dialect refused in the file (the values are read as nothing)."""
    dropped: frozenset[ValuePath] = frozenset()
    """The paths of those values: what validation would say about them repeats a problem."""

    @property
    def draft(self) -> bool:
        """Whether the record says ``draft: true`` (:attr:`meetings.model.Record.draft`)."""
        return self.data.get("draft") is True

    @functools.cached_property
    def locations(self) -> Locations:
        """Where each field is written: worked out once, when a first problem needs it."""
        return Locations(self.text)


ReadFolder = Callable[[Path, Path], tuple[list["Document"], list[Problem]]]
"""How an event folder is read: :func:`read_event_folder`, or a function that
gives what it gave last time for a folder nothing changed in (``mkdocs serve``)."""


Entries = Callable[[Path], list[tuple[Path, str]]]
"""The entries of a folder, by name, each with its kind: :func:`folder_entries`, or a
function that gives what it gave last time while nothing changed there (``mkdocs serve``)."""


def read_records(
    root: Path,
    base: Path | None = None,
    read_folder: ReadFolder | None = None,
    entries: Entries | None = None,
) -> tuple[list[Document], list[Problem]]:
    """Read every event and meeting file under ``root``.

    ``base`` is the folder that paths in messages are relative to (the
    project root); by default the parent of ``root``. ``read_folder`` reads
    each event folder (by default :func:`read_event_folder`), ``entries``
    lists ``root`` (by default :func:`folder_entries`).
    """
    read_folder = read_folder or read_event_folder
    base = base or root.parent
    documents: list[Document] = []
    problems: list[Problem] = []
    if _kind(root) == "link":  # the records would be read from wherever it leads
        return [], [_problem(_shown(root, base), FOLDER_LINK)]
    if not root.is_dir():
        return [], [Problem(_shown(root, base), None, None, None, "folder not found")]

    for entry, kind in (entries or folder_entries)(root):
        if _ignored(entry.name):
            continue
        shown = _shown(entry, base)
        if kind == "folder":
            if not SLUG_NAME.fullmatch(entry.name):
                message = _NOT_A_SLUG.format(what="an event folder", example="forum-2022")
                problems.append(_problem(shown + "/", message))
                continue
            folder_documents, folder_problems = read_folder(entry, base)
            documents += folder_documents
            problems += folder_problems
        elif kind != "file":
            problems.append(_problem(shown, _NOT_A_FILE[kind]))
        elif _is_yaml(entry.name):
            problems.append(
                _problem(
                    shown,
                    "a record must be inside an event folder, e.g. clusters/forum-2021/; "
                    "move the file there",
                )
            )
        else:
            problems.append(_problem(shown, _NOT_READ.format(holds="only event folders")))
    return documents, problems


_NOT_A_SLUG = (
    "the name of {what} may hold only lowercase letters a-z, digits and hyphens, "
    "e.g. {example}; rename it"
)
FOLDER_LINK = "a symbolic link is not read; put the folder itself here"
_NOT_A_FILE = {
    "link": "a symbolic link is not read; put the record itself here, as a regular file",
    "other": "this is not a regular file (a pipe or a device?); a record is a text file",
    "folder": "a folder is not a record; give the folder another name than *.yaml",
}
_NOT_READ = (
    "not a record, so it is not read: {holds}; move this file out of the records' folder, "
    "or remove it"
)
_IN_AN_EVENT = "an event's folder holds its event.yaml and one .yaml file per meeting"


def folder_entries(folder: Path) -> list[tuple[Path, str]]:
    """The entries of ``folder``, by name (10 times faster to sort than paths), each with its
    kind (:func:`_kind`)."""
    return [(entry, _kind(entry)) for entry in sorted(folder.iterdir(), key=_name)]


def read_event_folder(folder: Path, base: Path) -> tuple[list[Document], list[Problem]]:
    """Read the event and meeting files of one event folder."""
    documents: list[Document] = []
    problems: list[Problem] = []
    if _kind(folder / EVENT_FILE) == "missing":
        problems.append(
            _problem(
                _shown(folder, base) + "/",
                f"no {EVENT_FILE} in this event folder; add one (see the README, 'Add an event')",
            )
        )
    for path in sorted(folder.iterdir()):
        if _ignored(path.name):
            continue
        shown = _shown(path, base)
        kind = _kind(path)
        if kind == "folder":
            problems.append(
                _problem(
                    shown + "/",
                    "a folder inside an event folder is not read: each record is a file "
                    f"directly in {_shown(folder, base)}/; move its files there, or remove it",
                )
            )
        elif kind != "file":
            problems.append(_problem(shown, _NOT_A_FILE[kind]))
        elif not _is_yaml(path.name):
            problems.append(_problem(shown, _NOT_READ.format(holds=_IN_AN_EVENT)))
        elif path.suffix.lower() == ".yml":
            problems.append(_problem(shown, "name the file with .yaml, not .yml"))
        elif path.suffix != ".yaml":
            problems.append(
                _problem(shown, f"name the file with .yaml in lowercase, not {path.suffix}")
            )
        elif path.name != EVENT_FILE and not SLUG_NAME.fullmatch(path.stem):
            message = _NOT_A_SLUG.format(what="a record's file", example="ac7-energy.yaml")
            problems.append(_problem(shown, message))
        else:
            kind_of: Kind = "event" if path.name == EVENT_FILE else "meeting"
            document, problem = read_document(path, kind_of, base)
            if document is None:
                problems += [problem] if problem else []
            else:
                documents.append(document)
    return documents, problems


def read_document(path: Path, kind: Kind, base: Path) -> tuple[Document | None, Problem | None]:
    """Read one file; return its document, or the problem that stopped it."""
    shown = _shown(path, base)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except _NotAFile as error:
        return None, _problem(shown, _NOT_A_FILE[error.kind])
    except OSError as error:
        return None, _problem(shown, f"cannot read the file: {error.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        size = max(len(raw), os.stat(path, follow_symlinks=False).st_size)
        return None, _problem(
            shown, f"the file is {size:,} bytes; a record may be at most {MAX_FILE_BYTES:,} bytes"
        )

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

    invisible = invisible_problem(text)
    if invisible is not None:
        # Before YAML reads the file: it would take U+2028 for a line break, which
        # editors do not show, and count the lines otherwise than they do.
        index, message = invisible
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return None, Problem(shown, line, column, field_at(text, line), message)

    try:
        reading = read_yaml(text)
    except yaml.MarkedYAMLError as error:
        return None, yaml_problem(shown, text, error)
    except yaml.YAMLError as error:
        return None, reader_problem(shown, text, error)

    data = reading.data
    refused = tuple(yaml_problem(shown, text, error) for error in reading.errors)
    if refused and not isinstance(data, dict):
        return None, refused[0]
    if data is None:
        return None, _problem(
            shown, f"the file is empty; it must hold the fields of {_a(kind)} (see the README)"
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
    return Document(shown, path, kind, path.parent.name, data, text, refused, reading.dropped), None


class _NotAFile(OSError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit`` + 1 of them.

    A symbolic link is not followed and anything but a regular file is refused
    (:class:`_NotAFile`) before a byte is read: ``/dev/zero`` would never end,
    and opening a named pipe would wait for a writer for ever.
    """
    kind = _kind(path)
    if kind != "file":
        raise _NotAFile(kind)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # replaced since the lstat
            raise _NotAFile("other")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _kind(path: Path) -> str:
    """``file``, ``folder``, ``link``, ``other`` or ``missing``, without following links."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return "other"


def _problem(shown: str, message: str) -> Problem:
    return Problem(shown, None, None, None, message)


def _a(kind: Kind) -> str:
    return "an event" if kind == "event" else "a meeting"


def _is_yaml(name: str) -> bool:
    """Whether the name ends as a YAML file's does, in any case (``.YAML`` and ``.yml`` too)."""
    return name.lower().endswith((".yaml", ".yml"))


def _name(path: Path) -> str:
    return path.name


def _ignored(name: str) -> bool:
    """Hidden files and editors' backup files."""
    return name.startswith((".", "#")) or name.endswith("~")


def _shown(path: Path, base: Path) -> str:
    """A path as editors see it in messages: relative to ``base``, with ``/``.

    A file's is its folder's, worked out once per folder (``os.path.relpath``
    cost a tenth of reading 10,000 records), and its name.
    """
    if path.name in ("", "..", base.name):  # the root, or perhaps base itself
        return _relative(path, base)
    folder = _relative(path.parent, base)
    return path.name if folder == "." else f"{folder}/{path.name}"


@functools.lru_cache(maxsize=1024)
def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.as_posix()
