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

import contextlib
import dataclasses
import functools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from .load import Document, folder_entries, read_event_folder
from .memo import KeptWork, Memo, no_memo
from .problems import Problem

if TYPE_CHECKING:  # only for annotations: `mkdocs build` need not import the server
    from mkdocs.config.defaults import MkDocsConfig
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
        self._listing: list[tuple[Path, str]] | None = None
        """The entries of the records' folder, as the last build found them."""
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
                if len(inside) < 2:  # an entry of the records' folder itself
                    self._listing = None

    def heard(self) -> bool:
        """Whether the watcher reported a change since the last build read the folders."""
        with self._lock:
            return bool(self._changed)

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
    """One build's reading of the event folders (a :data:`~meetings.load.ReadFolder`), and
    of the records' folder (:meth:`entries`)."""

    def __init__(self, reader: FolderReader, changed: set[str] | None) -> None:
        self._reader, self._changed = reader, changed
        self._read: dict[tuple[Path, Path], tuple[list[Document], list[Problem]]] = {}

    def entries(self, root: Path) -> list[tuple[Path, str]]:
        """The entries of the records' folder: as last time, unless the watcher saw one of
        them change (or none is watched)."""
        reader = self._reader
        with reader._lock:
            listing = reader._listing if self._changed is not None else None
        if listing is None:
            listing = folder_entries(root)
            with reader._lock:
                reader._listing = listing
        return listing

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

    def __init__(self, serving: bool = False, dirty: bool = False) -> None:
        self.serving = serving
        self.dirty = serving and dirty
        self.kept = KeptWork()
        self.folders = FolderReader()
        self._pages: Incremental | None = None

    @property
    def memo(self) -> Memo:
        return self.kept if self.serving else no_memo

    def read_folder(self, root: Path) -> FolderRead | None:
        return self.folders.reader(root) if self.serving else None

    def pages(self, site_dir: str) -> Incremental | None:
        """In ``mkdocs serve --dirty``, what is kept of the pages MkDocs built."""
        if not self.dirty:
            return None
        if self._pages is None or self._pages.journal.site_dir != Path(site_dir):
            self._pages = Incremental(Path(site_dir))
        self._pages.begin()
        return self._pages


# --------------------------------------------------------------------------
# mkdocs serve --dirty: MkDocs builds again only the pages that changed
# --------------------------------------------------------------------------


@dataclass
class _Page:
    """What a page or file was in the last good build, for when MkDocs skips it."""

    file: File
    source: Hashable = None
    """What a page of ``docs/`` is made from: its text and the plugin's blocks in it
    (None: a file the plugin made, whose :class:`File` is made anew when it changes)."""
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    markdown: str | None = None
    anchors: set[str] | None = None
    content: str | None = None
    """The HTML of a page of ``docs/``, which may hold a list that a plugin fills in
    (Material's tags plugin wants one for each page with a list)."""
    restored: int = 0
    """The build that gave it back (a file kept from the last build keeps its object)."""
    entries: list[Any] = field(default_factory=list)
    """Its entries in Material's search index."""


class Incremental:
    """``mkdocs serve --dirty`` (``make serve``): only the pages that changed are built again,
    and the site stays whole.

    MkDocs 1.6 leaves a page out of a dirty build when its file says it is not
    modified (``File.is_modified``). Alone, that is where MkDocs stops:

    1. a file made in memory, as every page of the records is, always says it
       is modified (``mkdocs/structure/files.py``), so every page is built;
    2. a page it leaves out is neither read nor rendered: it has no title,
       metadata or anchors, so the navigation of the pages built again shows it
       without a title, and Material's tags plugin (the topics page) never
       hears of its tags;
    3. the page that lists the site (topics), or shows its navigation (every
       page), is not built again when another page's title or tags change;
    4. Material's search plugin, in a dirty build, keeps the last index and
       replaces the entries of the first page built again only
       (``material/plugins/search/plugin.py``, ``generate_search_index``): with
       two pages built again, or one removed, the index is wrong;
    5. a page or file removed since the last build stays in the site;
    6. files are written in place, over the last good ones.

    This class mends each, from the plugin's hooks: a file says it is modified
    when its content (for a page of ``docs/``, its text) differs from the last
    good build's, and every page when the navigation, the site's settings or
    the theme changed; the pages of ``docs/`` too when a page's title or tags
    changed, since they may list them (1, 3); a page left out gets back its
    title, metadata and anchors, and plugins hear of it again
    (``on_page_markdown``) when a page of ``docs/`` is built again (2); the
    search index is put together from each page's entries, in the order of a
    whole build (4); files of the last build that are gone are removed (5);
    and every file written or removed is first moved aside (:class:`Journal`),
    so that a failed build puts the last good site back (6).
    ``tests/test_preview.py`` compares the site served after each edit with a
    fresh build of the same files.
    """

    def __init__(self, site_dir: Path) -> None:
        self.journal = Journal(site_dir)
        self._last: dict[str, _Page] = {}
        self._settings: Hashable = None
        self._navigation: Hashable = None
        self._written: dict[str, File] = {}
        self._previous: tuple[dict[str, _Page], Hashable, Hashable, dict[str, File]] | None = None
        self._build = 0
        self._start()

    def begin(self) -> None:
        """A build starts (it may fail before it gets to the files)."""
        self._done = False
        # What the last build wrote stays: the first build of `mkdocs serve` runs before
        # the plugin wraps the server's rebuilds, which keep or undo what they write.
        self.journal.keep()

    def _start(self) -> None:
        self._build += 1
        self._now: dict[str, _Page] = {}
        self._changed: set[str] = set()
        self._everything = False
        self._lists = False
        self._writing: dict[str, File] = {}
        self._others: list[File] = []
        self._search: tuple[Any, int] | None = None
        self._config: tuple[MkDocsConfig, Files] | None = None
        self._nav: Navigation | None = None
        self._settings_now: Hashable = None
        self._done = False

    # The files of this build, and which of them changed

    def files(
        self, files: Files, made: list[File], settings: Hashable, blocks: dict[str, Any]
    ) -> None:
        """Before MkDocs reads the pages: say for each file whether it is modified.

        A file the plugin made is the last build's :class:`File` while its content is
        the same (:mod:`meetings.memo`): it is known by that, at the cost of a look-up.
        """
        self._start()
        ours = made[0].generated_by if made else None  # the plugin that made them
        self._everything = not self._last or settings != self._settings
        self._settings_now = settings
        last, now, changed, writing = self._last, self._now, self._changed, self._writing
        for file in files:
            if not file.inclusion.is_in_serve():
                continue
            uri = file.src_uri
            writing[uri] = file
            was = last.get(uri)
            if was is not None and was.file is file:
                now[uri] = was  # the same file as in the last build: unchanged
                continue
            if ours is not None and file.generated_by == ours:
                if was is not None and was.source is None and _same(was.file, file):
                    # Made again (another record of its event changed), the same content.
                    now[uri] = dataclasses.replace(was, file=file)
                else:
                    now[uri] = _Page(file)
                    changed.add(uri)
            elif file.is_documentation_page():
                source = (file.content_bytes, tuple(blocks.get(uri, {}).items()))
                now[uri] = _Page(file, source)
                if was is None or was.source != source:
                    changed.add(uri)
            else:  # a stylesheet or a picture: MkDocs compares the times of the files
                self._others.append(file)
                continue
            file.is_modified = functools.partial(self._is_modified, uri)  # type: ignore[method-assign]
        if now.keys() != last.keys():
            self._lists = True  # pages came or went: the lists of pages change

    def navigation(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """Once the navigation is known: every page shows it, so if a title in it changed,
        every page is built again; if a page's title or tags changed, so are the pages
        of ``docs/``, which may list pages (the topics page)."""
        self._config, self._nav = (config, files), nav
        if _navigation_key(nav.items, self.title) != self._navigation:
            self._everything = True
        for uri in self._changed:
            now, was = self._now[uri], self._last.get(uri)
            page = now.source is None and now.file.is_documentation_page()
            if page and (was is None or _listed(now.file) != (was.title, was.meta.get("tags"))):
                self._lists = True

    def title(self, uri: str) -> object:
        """A page's title as the navigation will show it: the last build's while its file
        is the same; a page of the records' own, from its front matter; for a page of
        ``docs/`` that changed, one that cannot be the last build's."""
        now, was = self._now.get(uri), self._last.get(uri)
        if now is None:
            return None
        if uri not in self._changed and was is not None:
            return was.title
        if now.source is None:
            return _listed(now.file)[0]
        return object()  # a page of docs/ that changed: its title may have

    def _is_modified(self, uri: str) -> bool:
        now = self._now[uri]
        if uri in self._changed:
            return True
        if not now.file.is_documentation_page():
            return False  # a file is made of its content alone
        modified = self._everything or (self._lists and now.source is not None)
        if not modified and now.restored != self._build and now.file.page is not None:
            # MkDocs asks as it reads the pages, in their order, and leaves this one out:
            # it gets back what the last build made of it, in its place in the order.
            self._restore(now.file.page, now)
        return modified

    # The pages MkDocs reads and builds

    def read(self, page: Page) -> None:
        """A page is read: keep its source and metadata."""
        now = self._now.get(page.file.src_uri)
        if now is not None:
            now.markdown, now.meta = page.markdown, dict(page.meta)

    def _restore(self, page: Page, now: _Page) -> None:
        """A page MkDocs leaves out gets back its title, metadata, anchors and (a page of
        ``docs/``) its HTML, and plugins hear of it again (``on_page_markdown``), in the
        order of a whole build: Material's tags plugin collects every page's tags there,
        for the topics page, the tags of the pages built and its ``tags.json``."""
        was = self._last[page.file.src_uri]
        now.title, now.meta, now.markdown, now.anchors = (
            was.title,
            was.meta,
            was.markdown,
            was.anchors,
        )
        now.content, now.entries, now.restored = was.content, was.entries, self._build
        page.title = was.title
        page.meta, page.markdown, page.content = dict(was.meta), was.markdown, was.content
        page.present_anchor_ids = was.anchors
        if page.markdown is not None and self._config is not None:
            config, files = self._config
            config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)

    def restore(self) -> None:
        """Before MkDocs writes: remove the files of the last build that are gone, and move
        aside the files it will copy again (in place)."""
        journal = self.journal
        for uri in self._written.keys() - self._writing.keys():
            journal.remove(self._written[uri].abs_dest_path)
        copied = [self._now[uri].file for uri in self._changed] + self._others
        for file in copied:
            if not file.is_documentation_page() and file.is_modified():
                journal.clear(file.abs_dest_path)

    def searching(self, search: Any) -> None:
        """Before Material's search plugin indexes a page."""
        index = getattr(search, "search_index", None)
        self._search = (index, len(index.entries)) if index is not None else None

    def built(self, page: Page) -> None:
        """A page is rendered, about to be written: keep what it is, and move the last one
        aside."""
        now = self._now.get(page.file.src_uri)
        if now is not None:
            now.title, now.anchors = page.title, page.present_anchor_ids
            if now.source is not None:
                now.content = page.content
            if self._search is not None:
                index, start = self._search
                now.entries = index.entries[start:]
        self.journal.clear(page.file.abs_dest_path)

    def writing(self, path: str) -> None:
        """MkDocs is about to write ``path`` (a theme's template: the sitemap, 404.html)."""
        self.journal.clear(path)

    def search_index(self, search: Any, config: MkDocsConfig) -> None:
        """Before Material's search plugin writes its index: every page's entries, in the
        order of a whole build, none kept from before."""
        index = getattr(search, "search_index", None)
        if index is None or not hasattr(search, "search_index_prev"):
            return
        index.entries = [entry for page in self._now.values() for entry in page.entries]
        search.search_index_prev = None
        self.journal.clear(os.path.join(config.site_dir, "search", "search_index.json"))

    def done(self) -> None:
        """The build has written its pages: unless it fails after all, it is the last good
        one (the files moved aside are forgotten or put back by the server's rebuild:
        :func:`~meetings.plugin._keeping_last_good_site`)."""
        self._previous = (self._last, self._settings, self._navigation, self._written)
        self._last, self._written = self._now, self._writing
        self._settings = self._settings_now
        if self._nav is not None:  # the navigation as built, with the titles the pages got
            self._navigation = _navigation_key(self._nav.items, self._built_title)
        self._done = True

    def _built_title(self, uri: str) -> object:
        page = self._now.get(uri)
        return page.title if page is not None else None

    def failed(self) -> None:
        """The build failed: the last good build stays the one to compare with."""
        if self._done and self._previous is not None:
            self._last, self._settings, self._navigation, self._written = self._previous
        self._previous, self._done = None, False


def _same(was: File, now: File) -> bool:
    """Whether two files the plugin made hold the same content (and a page, the same edit
    link: the record it is made from may have moved)."""
    if now.is_documentation_page():
        return was.content_string == now.content_string and was.edit_uri == now.edit_uri
    return was.content_bytes == now.content_bytes


def _listed(file: File) -> tuple[Any, Any]:
    """The title and tags a page of the records gives in its front matter."""
    _, meta = get_data(file.content_string)
    return meta.get("title"), meta.get("tags")


def _navigation_key(items: list[Any], title: Callable[[str], object]) -> Hashable:
    """The navigation as every page shows it: titles (a page's, from ``title`` unless the
    navigation gives it), addresses and nesting."""
    key: list[Hashable] = []
    for item in items:
        if isinstance(item, Section):
            key.append(("section", item.title, _navigation_key(item.children, title)))
        elif isinstance(item, Page):
            shown = item.__dict__.get("title") or title(item.file.src_uri)
            key.append(("page", item.file.src_uri, item.url, shown))
        else:
            key.append(("link", item.title, getattr(item, "url", None)))
    return tuple(key)


class Journal:
    """Every file a build writes or removes is moved aside first, so that a failed build
    can put the last good site back, and a good one forgets it (:meth:`keep`).

    A dirty build writes over the files it builds again: the last good one's
    hard links (:func:`~meetings.plugin._keeping_last_good_site`) would change
    with them. Moving aside only what a build touches also costs a few files,
    not the whole site.
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._aside: Path | None = None
        self._saved: dict[str, Path] = {}
        self._created: set[str] = set()

    def clear(self, path: str) -> None:
        """``path`` is about to be written: move the file there aside, if there is one."""
        if path in self._saved or path in self._created:
            return
        if not os.path.lexists(path):
            self._created.add(path)
            return
        if self._aside is None:
            self._aside = Path(tempfile.mkdtemp(prefix=".last-good-", dir=self.site_dir.parent))
        kept = self._aside / str(len(self._saved))
        os.replace(path, kept)
        self._saved[path] = kept

    def remove(self, path: str) -> None:
        """Remove a file that the site no longer has (and its folder, if now empty)."""
        if not os.path.lexists(path):
            return
        self.clear(path)
        self._created.discard(path)
        folder = os.path.dirname(path)
        with contextlib.suppress(OSError):  # not empty, or the site's own folder
            while Path(folder) != self.site_dir:
                os.rmdir(folder)
                folder = os.path.dirname(folder)

    def keep(self) -> None:
        """The build ended well: forget the files moved aside."""
        if self._aside is not None:
            shutil.rmtree(self._aside, ignore_errors=True)
        self._aside, self._saved, self._created = None, {}, set()

    def undo(self) -> None:
        """The build failed: remove what it wrote, put back what it moved aside."""
        for path in self._created:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        for path, kept in self._saved.items():
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with contextlib.suppress(IsADirectoryError):
                shutil.rmtree(path) if os.path.isdir(path) else None
            os.replace(kept, path)
        self.keep()
