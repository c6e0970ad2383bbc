"""The ``meetings`` MkDocs plugin: the last stage of the pipeline.

With ``plugins: [meetings]`` in ``mkdocs.yml``, ``mkdocs build`` and
``mkdocs serve`` do the whole job:

* ``on_config`` does all of the plugin's work. It reads where everything is
  from the configuration (:class:`~meetings.layout.Site`), checks the build's
  settings (``site_url``, ``repo_url``: https:// addresses; ``SOURCE_DATE_EPOCH``)
  and that every file of ``docs/`` and the theme is a regular file of the
  project (:mod:`meetings.folders`: no link, no pipe), reads and
  validates the records (``clusters_dir``, ``clusters/`` by default: stages
  1 to 3), renders the pages (stage 4), gives each the
  :class:`~mkdocs.structure.files.File` MkDocs will build it from, and makes
  the open data files (stage 5: ``meetings.json``, the feed, the calendars),
  whose addresses are those of these files. MkDocs cleans the site folder
  only after ``on_config``, so a mistake in a record, or any failure of
  ours, stops the build with ``site/`` (or the pages ``mkdocs serve``
  shows) exactly as it was. The navigation gets a section for each of the
  newest events here (pages added later would be left out of an explicit
  ``nav``); older events' pages are outside it, reached through the home page.
* ``on_files`` adds the files made in memory, each page with the
  (percent-encoded) address of its record for the edit button; nothing is
  written into ``docs/``, so a deleted record leaves no stale page behind.
* ``on_page_markdown`` puts the About page's list of sources and of what no
  source gives, made in ``on_config`` from the records, and the hand-written
  pages' words on the edit buttons and "Report a problem" (only where the
  repository is known), in place of their markers.
* ``on_env`` and ``on_page_context`` give the theme the feed's address and
  each record page's JSON-LD and link-preview tags, printed by
  ``overrides/partials/open-data.html``.
* ``on_build_error`` turns a site folder that cannot be written (read-only,
  full) into one line instead of a traceback.
* ``on_serve`` watches the records and the templates for live reload. When a
  rebuild fails, whatever the reason, the errors are printed and the last
  good pages keep being served (MkDocs alone would stall every request until
  the next good build).

Drafts (README, "Drafts"): ``mkdocs build`` leaves them out of the site,
with one line saying which; ``mkdocs serve`` (the command, from
``on_startup``) shows each complete one, marked "Draft" on its page, and
prints the problems of the others.

The plugin object lives as long as the ``mkdocs`` command (it has
``on_startup``): ``mkdocs serve`` keeps it from one rebuild to the next, and
``on_config`` makes every record-derived value anew for each build.
"""

from __future__ import annotations

import errno
import functools
import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import quote

import jinja2
import markupsafe
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext
from pydantic_core import PydanticCustomError

from .catalog import Catalog, collect, sort_key
from .config import MeetingsConfig
from .exports import FEED_FILE, build_time, export_files, source_date_epoch
from .folders import check_folders
from .history import last_changed
from .layout import Site
from .metadata import PageHead, Picture, page_heads, plain_head
from .navigation import navigation, outside_nav
from .problems import InvalidRecords, visible
from .render import ABOUT_BLOCKS, environment, fill_markers, render_pages, sources_page
from .values import web_address

if TYPE_CHECKING:  # only for annotations: `mkdocs build` need not import the server
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class RecordsError(PluginError):
    """The records are wrong; raised before MkDocs has touched the site folder."""


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates as compiled once, kept for the next rebuild of ``mkdocs serve``.

    MkDocs makes a new theme environment for every rebuild, which compiled
    Material's templates again (40 % of the processor time of a rebuild of
    the real site), and the plugin a new one for its page templates (0.05 s
    more). Jinja checks each template's source against the one compiled, so an
    edited template is compiled anew.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


Hook = TypeVar("Hook", bound=Callable[..., Any])


def _without_gc_pauses(hook: Hook) -> Hook:
    """Run ``hook`` with Python's cycle collector held off.

    Each pass of the collector walks every live object, and the pipeline makes
    hundreds of thousands that all live until the build ends: the passes cost
    about an eighth of the plugin's processor time at 10,000 meetings
    (``make bench``: 6.7 to 7.3 s with this, 7.9 to 8.2 s without).
    Nothing is lost: the collector runs again as soon as the hook returns.
    """

    @functools.wraps(hook)
    def run(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return hook(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run  # type: ignore[return-value]


class MeetingsPlugin(BasePlugin[MeetingsConfig]):
    """Publish the records under ``clusters/`` as pages of the site."""

    def __init__(self) -> None:
        self.preview = False
        """Whether drafts are shown: in ``mkdocs serve`` only (:meth:`on_startup`)."""
        self.catalog: Catalog | None = None
        self.site: Site | None = None
        self.heads: dict[str, PageHead] = {}
        self.picture: Picture | None = None
        """The link-preview picture (``social_image``), read once."""
        self.files: list[File] = []
        """Every page and open data file made from the records, as MkDocs will build them."""
        self.blocks: dict[str, dict[str, str]] = {}
        """The Markdown of each marker of :data:`~meetings.render.ABOUT_BLOCKS`, by page."""
        self.docs_files: list[Path] = []
        """The regular files of ``docs/`` and of the theme (:mod:`meetings.folders`)."""
        self.site_dir: Path | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Drafts: the preview shows the complete ones; a build to publish never does.
        self.preview = command == "serve"

    @_without_gc_pauses
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        site = self.site = Site.from_config(config, self.config)
        self.site_dir = Path(config.site_dir)
        try:
            site.require_url()
            _check_settings(config)
        except ValueError as error:
            raise PluginError(visible(str(error))) from None
        # Before MkDocs gathers a file: only regular files of the project are read.
        self.docs_files, problems = check_folders(site.read_folders, site.root)
        self.catalog = None
        try:
            self.catalog = collect(
                site.clusters_dir,
                site.root,
                site.taken_names(),
                preview=self.preview,
                schema_dir=site.schema_dir,
            )
        except InvalidRecords as error:
            problems += error.problems
        if problems:
            invalid = InvalidRecords(problems)
            for problem in invalid.problems:
                (log.info if problem.warning else log.error)(str(problem))
            raise RecordsError(
                f"{invalid}, listed above: nothing was built. "
                "Fix them and build again ('make validate' checks the files alone)."
            ) from invalid
        assert self.catalog is not None
        self._report_drafts(self.catalog)
        config.nav = navigation(self.catalog, config.nav, site.docs_dir, site.nav_events)
        if not config.repo_url:
            # No repository known (a clone without a GitHub origin, REPO_URL unset):
            # no edit buttons, rather than addresses of a repository that is not there.
            config.edit_uri = None
        env = environment(site.templates_dir)
        env.bytecode_cache = _COMPILED_TEMPLATES
        written = self._hand_written(site.docs_dir)
        self.files = self._made_files(config, env, sources_page(written))
        self.blocks = self._about_blocks(written, env, config)
        return config

    def _report_drafts(self, catalog: Catalog) -> None:
        """One line naming the drafts left out; in a preview, their problems first.

        Said at the INFO level: a draft is not a mistake, and ``--strict`` stops a
        build at the first warning.
        """
        if self.preview:
            for problem in catalog.warnings:
                log.info(str(problem))
        if catalog.left_out:
            why = (
                "not complete yet (the problems above)"
                if self.preview
                else "shown by 'make serve' once complete; remove 'draft: true' to publish one"
            )
            log.info(f"Drafts left out of the site, {why}: {', '.join(catalog.left_out)}")

    def _made_files(
        self, config: MkDocsConfig, env: jinja2.Environment, listed_at: str | None
    ) -> list[File]:
        """The pages and open data files made from the records, as MkDocs' files.

        MkDocs' :class:`File` gives each page its address (``use_directory_urls``
        and all); the page heads and the open data give those addresses.
        ``listed_at`` is the hand-written page with the list of every source.
        """
        assert self.catalog is not None and self.site is not None
        site = self.site
        hidden = outside_nav(self.catalog, site.nav_events)

        def file(path: str, content: str | bytes) -> File:
            inclusion = InclusionLevel.NOT_IN_NAV if path in hidden else InclusionLevel.UNDEFINED
            return File.generated(config, path, content=content, inclusion=inclusion)

        changed = last_changed(site.root, site.clusters_dir)
        pages = render_pages(self.catalog, env, listed_at, changed)
        made = [file(path, text) for path, text in pages.items()]
        site.know(made)
        image = self.config.social_image
        if image and not (site.docs_dir / image).is_file():
            raise PluginError(
                f"social_image: {site.shown(site.docs_dir / image)} does not exist "
                "(draw it with 'make social-image', or change the path in mkdocs.yml)"
            )
        if image:
            try:
                self.picture = Picture.read(site.docs_dir, image)
            except ValueError as error:
                shown = site.shown(site.docs_dir / image)
                raise PluginError(f"social_image: {shown} {error}") from None
        self.heads = page_heads(self.catalog, site, self.picture)
        try:
            exports = export_files(self.catalog, site, build_time(self.catalog))
        except ValueError as error:
            raise PluginError(str(error)) from None
        made += [file(path, data) for path, data in exports.items()]
        for made_file in made:  # checked here, before MkDocs cleans the site folder
            in_the_way = site.docs_dir / made_file.src_uri
            if os.path.lexists(in_the_way):
                raise PluginError(
                    f"{site.shown(in_the_way)} is in the way of a file made from "
                    f"{site.shown(site.clusters_dir)}/: remove it"
                )
        return made

    def _hand_written(self, docs_dir: Path) -> dict[str, str]:
        """The Markdown of each hand-written page, by its path under ``docs/``: its
        regular files (folders.py), not hidden ones."""
        written: dict[str, str] = {}
        for path in self.docs_files:
            page = path.relative_to(docs_dir).as_posix() if path.is_relative_to(docs_dir) else ""
            if not page.endswith(".md") or any(p.startswith(".") for p in page.split("/")):
                continue
            written[page] = path.read_text(encoding="utf-8")
        return written

    def _about_blocks(
        self, written: dict[str, str], env: jinja2.Environment, config: MkDocsConfig
    ) -> dict[str, dict[str, str]]:
        """The blocks that hand-written pages ask for with a marker, made now, not while
        MkDocs reads the pages (after it has cleaned the site folder)."""
        assert self.catalog is not None
        blocks: dict[str, dict[str, str]] = {}
        for page, text in written.items():
            for marker in ABOUT_BLOCKS:
                if marker in text:
                    block = fill_markers(marker, page, self.catalog, env, config.repo_url)
                    blocks.setdefault(page, {})[marker] = block
        return blocks

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.catalog is None or self.site is None:
            return files
        site = self.site
        sources = {entry.page: entry.file for entry in self.catalog.events}
        sources.update({entry.page: entry.file for entry in self.catalog.meetings})
        for file in self.files:
            if file.src_uri in sources:
                # The edit button opens the YAML file the page is made from; its
                # address is percent-encoded, whatever the file is called.
                relative = os.path.relpath(site.root / sources[file.src_uri], site.docs_dir)
                file.edit_uri = quote(Path(relative).as_posix(), safe="/")
            files.append(file)
        return files

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        if self.config.enabled and env.bytecode_cache is None:
            env.bytecode_cache = _COMPILED_TEMPLATES
        if self.site is not None:
            # Every page's head links the feed (overrides/partials/open-data.html).
            env.globals["meetings_feed"] = {
                "url": self.site.address(FEED_FILE),
                "title": self.site.name,
            }
        return env

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        # The About page's list of sources and of what no source gives (render.ABOUT_BLOCKS).
        for marker, block in self.blocks.get(page.file.src_uri, {}).items():
            markdown = markdown.replace(marker, block)
        return markdown

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        # JSON-LD, Open Graph and Twitter card tags of the pages made from a record;
        # the same tags, from the page's own title and description, on the others.
        head = self.heads.get(page.file.src_uri)
        if head is None and self.site is not None:
            site = self.site
            title = site.name if page.is_homepage else page.meta.get("title") or page.title
            description = page.meta.get("description") or site.description or str(title)
            url = page.canonical_url if site.url else None
            head = plain_head(str(title), description, url, site, self.picture)
        # The theme's context takes more keys than MkDocs' own TypedDict lists.
        cast(dict[str, Any], context)["meetings_head"] = head
        if page.canonical_url:
            # Material prints it as it is (<link rel="canonical">); SITE_URL is checked
            # already, and escaped here too. Markup: escaped once, wherever it is printed.
            page.canonical_url = markupsafe.escape(page.canonical_url)
        return context

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        # The not-found page (404.html) is a theme template, not a page.
        if self.site is not None and template_name == "404.html":
            site, image = self.site, self.picture
            head = plain_head("Page not found", site.description or site.name, None, site, image)
            cast(dict[str, Any], context)["meetings_head"] = head
        return context

    def on_build_error(self, *, error: Exception) -> None:
        """A site folder that cannot be written (read-only, full): one line, not a traceback."""
        if isinstance(error, OSError) and error.errno in _CANNOT_WRITE:
            site, name = self.site, str(error.filename)
            where = site.shown(self.site_dir) if site and self.site_dir else "its folder"
            if site and os.path.isabs(name):
                name = site.shown(Path(name))
            log.error(visible(f"cannot write the site into {where}/: {error.strerror} ({name})"))
            raise Abort("Aborted with a BuildError!") from None

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self.site is not None:
            server.watch(str(self.site.clusters_dir))
            server.watch(str(self.site.templates_dir))
            server.builder = _keeping_last_good_site(server.builder, Path(server.root))
        return server


_CANNOT_WRITE = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
)


def _check_settings(config: MkDocsConfig) -> None:
    """The addresses and the date the build is made with, before anything is built: https://
    addresses (or http:// on this machine), a ``SOURCE_DATE_EPOCH`` MkDocs can use."""
    for name, variable, value in (
        ("site_url", "SITE_URL", config.site_url),
        ("repo_url", "REPO_URL", config.repo_url),
    ):
        if value:
            try:
                web_address(value, local_http=True)
            except PydanticCustomError as error:
                raise ValueError(f"{name} ({variable}): {error}") from None
    source_date_epoch()


def _keeping_last_good_site(builder: Callable[..., None], site: Path) -> Callable[..., None]:
    """Wrap ``mkdocs serve``'s rebuild so that a failed one keeps the last good pages.

    MkDocs stalls every request after a failed rebuild, until a good one. Here
    any failure is reported and swallowed, so the server goes on serving. The
    plugin's own failures happen before MkDocs cleans the served folder; for
    any later one (a theme template, a page MkDocs refuses in strict mode),
    the folder is put back as it was: it is kept, as hard links (no copy of
    the files; MkDocs empties the folder before it writes new files), beside
    the folder while MkDocs rebuilds it. Requests wait for the rebuild to end,
    so none sees a half-built site.
    """

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> None:
        kept: Path | None = None
        if site.is_dir():
            kept = Path(tempfile.mkdtemp(prefix=".last-good-", dir=site.parent)) / "site"
            shutil.copytree(site, kept, copy_function=os.link, symlinks=True)
        try:
            builder(*args, **kwargs)
        except Exception as error:  # any failure: the last good pages are served
            if not isinstance(error, Abort):  # MkDocs has not said it yet
                log.error(f"The rebuild failed: {type(error).__name__}: {error}")
            if kept is not None:
                shutil.rmtree(site, ignore_errors=True)
                os.replace(kept, site)
            log.warning("The last good pages are still served; fix the problems above.")
        finally:
            if kept is not None:
                shutil.rmtree(kept.parent, ignore_errors=True)

    return build


def topic_order(tag: Any, *_: Any) -> tuple[str, str]:
    """The order of topics for Material's tags plugin, as in the catalog (``mkdocs.yml``:
    ``tags_sort_by`` and ``listings_tags_sort_by``)."""
    return sort_key(tag.name)
