"""Where the project keeps its files and where the site publishes them: one value, :class:`Site`.

``mkdocs.yml`` says it all: ``docs_dir``, ``site_url``, ``use_directory_urls``
and the ``meetings`` plugin's settings (``clusters_dir``, ``templates_dir``…).
The plugin builds the value from the configuration MkDocs hands it
(:meth:`Site.from_config`); the ``meetings`` command and the scaffold load
``mkdocs.yml`` the same way (:meth:`Site.load`). Nothing else names a folder.

Addresses are MkDocs' own: a page's address is the ``url`` of the
:class:`~mkdocs.structure.files.File` MkDocs makes for it, so that
``use_directory_urls: false`` (``forum-2021/ac1.html``) and ``true``
(``forum-2021/ac1/``) both give the address of a file that exists.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.structure.files import File

from .config import MeetingsConfig
from .navigation import NAV_EVENTS
from .render import TEMPLATES

SCHEMA_FOLDER = "schema"
"""Where the JSON Schemas live under ``docs/``, and so where the site publishes them."""


@dataclass(frozen=True)
class Site:
    """The site ``mkdocs.yml`` describes: its folders, its address, its settings."""

    url: str | None
    """The address the site is published at (``site_url``), ending with ``/``."""
    name: str
    description: str | None = None
    root: Path = field(default_factory=Path.cwd)
    """The project folder: the one holding ``mkdocs.yml``."""
    clusters_dir: Path = Path("clusters")
    """The records: one folder per event (the plugin's ``clusters_dir``)."""
    docs_dir: Path = Path("docs")
    templates_dir: Path = TEMPLATES
    overrides_dir: Path | None = None
    """The theme's ``custom_dir`` (``overrides/``), if any."""
    use_directory_urls: bool = True
    nav_events: int = NAV_EVENTS
    repo_url: str | None = None
    """The repository the records are edited in (``repo_url``), if known: the edit
    buttons, "Report a problem" and the pages that mention them depend on it."""
    _urls: dict[str, str] = field(default_factory=dict, init=False, compare=False, repr=False)
    _addresses: dict[str, str] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.url and not self.url.endswith("/"):
            object.__setattr__(self, "url", self.url + "/")
        for name in ("clusters_dir", "docs_dir", "templates_dir", "overrides_dir"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, self.root / getattr(self, name))

    @classmethod
    def from_config(cls, config: MkDocsConfig, plugin: MeetingsConfig | None = None) -> Site:
        """The site of a loaded MkDocs configuration and the ``meetings`` plugin's settings."""
        if plugin is None:
            found = config.plugins.get("meetings")
            plugin = found.config if found is not None else MeetingsConfig()
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return cls(
            url=config.site_url or None,
            name=config.site_name,
            description=config.site_description,
            root=root,
            clusters_dir=Path(plugin.clusters_dir),
            docs_dir=Path(config.docs_dir),
            templates_dir=Path(plugin.templates_dir) if plugin.templates_dir else TEMPLATES,
            overrides_dir=Path(config.theme.custom_dir) if config.theme.custom_dir else None,
            use_directory_urls=config.use_directory_urls,
            nav_events=plugin.nav_events,
            repo_url=config.repo_url or None,
        )

    @classmethod
    def load(cls, root: Path) -> Site:
        """The site of ``root/mkdocs.yml``; raises ValueError if MkDocs cannot load it."""
        path = root / "mkdocs.yml"
        try:
            return cls.from_config(load_config(config_file=str(path)))
        except (ConfigurationError, OSError) as error:
            raise ValueError(f"cannot read {path}: {error}") from None

    @property
    def schema_dir(self) -> Path:
        """The JSON Schemas for editors' tools and of ``meetings.json``."""
        return self.docs_dir / SCHEMA_FOLDER

    @property
    def read_folders(self) -> list[Path]:
        """The project's folders whose files the build reads or publishes, but the records':
        ``docs/``, the theme's ``custom_dir``, the page templates if they are the project's."""
        folders = [self.docs_dir, self.overrides_dir]
        if self.templates_dir != TEMPLATES:
            folders.append(self.templates_dir)
        return [folder for folder in folders if folder is not None]

    def require_url(self) -> str:
        """``site_url``; raises ValueError when ``mkdocs.yml`` sets none."""
        if not self.url:
            raise ValueError(
                "mkdocs.yml sets no site_url: the calendars, the feed and meetings.json "
                "give the absolute address of every page, so they need it"
            )
        return self.url

    def know(self, files: Iterable[File]) -> None:
        """Take the addresses of the files MkDocs builds the site from (no need to work
        them out again)."""
        self._urls.update((file.src_uri, file.url) for file in files)

    def page_url(self, path: str) -> str:
        """The address of a file of the site (``path`` relative to ``docs/``), relative to
        its root, as MkDocs gives it: ``forum-2021/ac1/`` or ``forum-2021/ac1.html``."""
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = File(path, None, "", self.use_directory_urls).url
        return url

    def address(self, path: str) -> str:
        """The absolute address of a file of the site (``path`` relative to ``docs/``)."""
        address = self._addresses.get(path)
        if address is None:
            address = self._addresses[path] = join_url(self.require_url(), self.page_url(path))
        return address

    def shown(self, path: Path) -> str:
        """A path as editors see it in messages: relative to the project folder."""
        try:
            return Path(os.path.relpath(path, self.root)).as_posix()
        except ValueError:  # pragma: no cover - another drive on Windows
            return path.as_posix()

    def taken_names(self) -> set[str]:
        """Top-level addresses that files in ``docs/`` already use."""
        if not self.docs_dir.is_dir():
            return set()
        entries = self.docs_dir.iterdir()
        names = {entry.stem if entry.suffix == ".md" else entry.name for entry in entries}
        return names - {"index"}


_NOT_PLAIN = frozenset(":?#;")


def join_url(base: str, relative: str) -> str:
    """``urljoin(base, relative)``, without its parsing where it only appends (a third of
    the time of the open data files at 10,000 meetings).

    A relative address of plain parts (no scheme, query, fragment or parameters, no
    empty part, none made of dots alone) after a base that ``urljoin`` leaves as it
    is just follows it; anything else is joined by ``urljoin`` (tests/test_fast_paths.py
    compares both).
    """
    *folders, last = relative.split("/")
    if (
        relative
        and _NOT_PLAIN.isdisjoint(relative)
        and all(folder.strip(".") for folder in folders)
        and (not last or last.strip("."))
        and _plain_base(base)
    ):
        return base + relative
    return urljoin(base, relative)


@functools.lru_cache(maxsize=16)
def _plain_base(base: str) -> bool:
    """Whether ``urljoin`` appends a plain part to ``base`` unchanged."""
    return base.endswith("/") and urljoin(base, "a") == base + "a"
