"""``mkdocs serve``: what the plugin keeps from one rebuild to the next.

MkDocs keeps a plugin that defines ``on_startup`` for every rebuild of one
``mkdocs serve`` (``mkdocs/config/config_options.py``, ``Plugins``), so the
plugin can keep its work. :class:`Preview` holds it:

* :class:`~meetings.memo.KeptWork`: every result of the pipeline, by what it
  was made from (:mod:`meetings.memo`);
* :class:`FolderReader`: the event folders as the last build read them. Which
  files changed, MkDocs' own file watcher says (the one that starts each
  rebuild): a folder is read again only when it reports a change in it, so a
  rebuild does not open the other 10,000 files (on this project's machines,
  looking at each file costs more than the rest of a one-record rebuild).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .load import Document, read_event_folder
from .memo import KeptWork, Memo, no_memo
from .problems import Problem

if TYPE_CHECKING:  # only for annotations: `mkdocs build` need not import the server
    from mkdocs.livereload import LiveReloadServer

QUIET_WAIT = 2.0
"""At most how long a rebuild waits for the watcher to hand over the changes it saw."""


class FolderReader:
    """The event folders under ``clusters/`` as last read, read again when a file in them changed.

    Until a watcher is attached (:meth:`watch`), and for any folder it has not
    seen before, every folder is read: that is what a build does.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[Path, Path], tuple[list[Document], list[Problem]]] = {}
        self._root: Path | None = None
        self._server: LiveReloadServer | None = None
        self._changed: set[str] = set()
        self._lock = threading.Lock()

    def watch(self, server: LiveReloadServer, root: Path) -> None:
        """Hear from the server's watcher which files change under ``root``."""
        import watchdog.events

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = self._heard  # type: ignore[method-assign]
        server.observer.schedule(handler, str(root), recursive=True)
        self._root, self._server = root.resolve(), server

    def _heard(self, event: Any) -> None:
        assert self._root is not None
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if not path:
                continue
            try:
                inside = Path(path).resolve().relative_to(self._root).parts
            except ValueError:
                continue
            with self._lock:
                self._changed.add(inside[0] if inside else "")

    def reader(self, root: Path) -> FolderRead:
        """How this build reads each event folder: again only where a file changed."""
        changed: set[str] | None = self._take_changes()
        watched = self._root is not None and Path(root).resolve() == self._root
        if not watched or (changed is not None and "" in changed):
            changed = None  # nothing heard yet, or the records' folder itself changed
        return FolderRead(self, changed)

    def _take_changes(self) -> set[str]:
        """The folders the watcher reported a change in since the last build, once every
        event it has seen is handed over (the event that started this rebuild too)."""
        server = self._server
        if server is not None:
            queue = server.observer.event_queue
            deadline = time.monotonic() + QUIET_WAIT
            while queue.unfinished_tasks and time.monotonic() < deadline:
                time.sleep(0.005)
        with self._lock:
            changed, self._changed = self._changed, set()
        return changed


class FolderRead:
    """One build's reading of the event folders (a :data:`~meetings.load.ReadFolder`)."""

    def __init__(self, reader: FolderReader, changed: set[str] | None) -> None:
        self._reader, self._changed = reader, changed
        self._read: dict[tuple[Path, Path], tuple[list[Document], list[Problem]]] = {}

    def __call__(self, folder: Path, base: Path) -> tuple[list[Document], list[Problem]]:
        key = (folder, base)
        found = self._reader.kept.get(key)
        if found is None or self._changed is None or folder.name in self._changed:
            found = read_event_folder(folder, base)
        self._read[key] = found
        return found

    def done(self) -> None:
        """Every folder is read: keep them for the next build (and forget any removed)."""
        self._reader.kept = self._read


class Preview:
    """What the plugin keeps in ``mkdocs serve`` (and nothing in a single build)."""

    def __init__(self, serving: bool = False) -> None:
        self.serving = serving
        self.kept = KeptWork()
        self.folders = FolderReader()

    @property
    def memo(self) -> Memo:
        return self.kept if self.serving else no_memo

    def read_folder(self, root: Path) -> FolderRead | None:
        return self.folders.reader(root) if self.serving else None
