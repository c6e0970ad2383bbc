"""Every file the build reads or publishes is a regular file of the project.

MkDocs walks ``docs/`` following symbolic links (``os.walk(followlinks=True)``),
reads every page and copies every other file into the site; the theme's
``custom_dir`` (``overrides/``) gives templates and files the same way. So a
link ``docs/env.md -> /proc/self/environ`` would publish the build's
environment (CI uploads a pull request's ``site/``), a link to a folder
outside would publish that folder, ``docs/zero.md -> /dev/zero`` would fill
the memory and a named pipe would stop the build for ever.

:func:`check_site` therefore walks, without following a link, every folder
the build reads: ``docs_dir``, the theme's ``custom_dir``, the page templates
(when they are the project's), and the records' folder itself (whose files
:mod:`meetings.load` reads with the same rule). Each entry must be a regular
file or a folder; anything else (a symbolic link, wherever it points, a pipe,
a device, a socket) is one :class:`~meetings.problems.Problem`. The plugin
does this in ``on_config``, before MkDocs gathers a file.

One exception: the link an editor (Emacs) leaves beside a file being edited,
``.#name``, which points nowhere. Nothing reads it (MkDocs leaves out hidden
files, the records' reader skips them), and refusing it would stop the preview
whenever a file is open in the editor.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .load import FOLDER_LINK
from .load import _kind as load_kind
from .problems import Problem

FILE_LINK = "a symbolic link is not read; put the file itself here, as a regular file"
NOT_REGULAR = "this is not a regular file (a pipe or a device?); the build reads only regular files"
OUTSIDE = "this folder is outside the project ({path}); keep what the build reads in the project"
EDITOR_LOCK = ".#"


def check_folder(folder: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """The regular files under ``folder``, at any depth, and a problem for each entry that
    is neither a regular file nor a folder. Paths in problems are relative to ``root``.

    The folder itself must be a folder, not a link, and inside ``root``.
    """
    shown = _relative(folder, root)
    kind = _kind(folder)
    if kind == "missing":
        return [], []
    if kind != "folder":
        return [], [_problem(shown, kind, folder)]
    real, real_root = os.path.realpath(folder), os.path.realpath(root)
    if os.path.commonpath([real, real_root]) != real_root:
        return [], [Problem(shown, None, None, None, OUTSIDE.format(path=real))]
    files: list[Path] = []
    problems: list[Problem] = []
    folders = [folder]
    while folders:
        current = folders.pop()
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                elif entry.is_file(follow_symlinks=False):
                    files.append(path)
                elif not _editor_lock(entry):
                    problems.append(_problem(_relative(path, root), _kind(path), path))
    return sorted(files), sorted(problems)


def check_folders(folders: Iterable[Path], root: Path) -> tuple[list[Path], list[Problem]]:
    """:func:`check_folder` of each folder (each once)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for folder in dict.fromkeys(folders):
        found, wrong = check_folder(folder, root)
        files += found
        problems += wrong
    return files, problems


def _editor_lock(entry: os.DirEntry[str]) -> bool:
    """An editor's lock, ``.#name``: a link that leads to no folder (MkDocs would walk one)."""
    return (
        entry.name.startswith(EDITOR_LOCK)
        and entry.is_symlink()
        and not entry.is_dir(follow_symlinks=True)
    )


def _kind(path: Path) -> str:
    """:mod:`meetings.load`'s kind of an entry (never following a link), a link told apart
    by what it leads to: ``file-link`` or ``folder-link``."""
    kind = load_kind(path)
    if kind == "link":
        return "folder-link" if path.is_dir() else "file-link"
    return kind


def _problem(shown: str, kind: str, path: Path) -> Problem:
    message = {"file-link": FILE_LINK, "folder-link": FOLDER_LINK}.get(kind, NOT_REGULAR)
    return Problem(shown, None, None, None, message)


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.as_posix()
