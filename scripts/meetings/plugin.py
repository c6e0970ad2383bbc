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
* ``on_serve`` watches the records, the templates and the theme's overrides
  for live reload. When a rebuild fails, whatever the reason, the errors are
  printed, the last good pages keep being served (MkDocs alone would stall
  every request until the next good build), and every page served shows the
  errors at its top (:mod:`meetings.banner`).
* In ``mkdocs serve --dirty`` (``make serve``), the hooks from ``on_files`` on
  tell MkDocs which pages changed and keep the site whole
  (:class:`~meetings.preview.Incremental`).

Drafts (README, "Drafts"): ``mkdocs build`` leaves them out of the site,
with one line saying which; ``mkdocs serve`` (the command, from
``on_startup``) shows each complete one, marked "Draft" on its page, and
prints the problems of the others.

The plugin object lives as long as the ``mkdocs`` command (it has
``on_startup``): ``mkdocs serve`` keeps it, and its work, from one rebuild to
the next (:mod:`meetings.preview`): a record is read, validated and rendered
again only when its file, its event or what its pages show changed
(:mod:`meetings.memo`).
"""

from __future__ import annotations

import errno
import functools
import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast
from urllib.parse import quote

import jinja2
import markupsafe
from material.plugins.search.plugin import SearchPlugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext
from pydantic_core import PydanticCustomError

from .banner import ErrorLines, serving_errors
from .catalog import Catalog, collect, sort_key
from .config import MeetingsConfig
from .exports import DATA_FILE, FEED_FILE, build_time, export_files, source_date_epoch
from .folders import check_folders
from .history import last_changed
from .layout import Site
from .memo import Memo, scoped
from .metadata import PageHead, Picture, page_heads, plain_head
from .navigation import navigation
from .preview import Incremental, Preview
from .problems import InvalidRecords, visible
from .published import EventEntry
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
        self.catalog: Catalog | None = None
        self.site: Site | None = None
        self.heads: dict[str, PageHead] = {}
        self.picture: Picture | None = None
        """The link-preview picture (``social_image``), read at each build."""
        self.files: list[File] = []
        """Every page and open data file made from the records, as MkDocs will build them."""
        self.blocks: dict[str, dict[str, str]] = {}
        """The Markdown of each marker of :data:`~meetings.render.ABOUT_BLOCKS`, by page."""
        self.docs_files: list[Path] = []
        """The regular files of ``docs/`` and of the theme (:mod:`meetings.folders`)."""
        self.site_dir: Path | None = None
        self.preview = Preview()
        """What is kept from one rebuild of ``mkdocs serve`` to the next; and whether
        drafts are shown: in ``mkdocs serve`` only (:meth:`on_startup`)."""
        self.pages: Incremental | None = None
        """In ``mkdocs serve --dirty``: which pages MkDocs builds again, and the rest."""
        self.settings: Hashable = None
        """What every page is made with: ``mkdocs.yml`` and the theme's overrides."""
        self.errors: list[str] = []
        """The errors of the last rebuild of ``mkdocs serve``, if it failed (meetings.banner)."""

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining this method makes MkDocs keep the plugin for every rebuild of `mkdocs serve`.
        # Drafts: the preview shows the complete ones; a build to publish never does.
        self.preview = Preview(serving=command == "serve", dirty=dirty)

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
        memo = self.preview.memo
        reading = self.preview.read_folder(site.clusters_dir)
        self.pages = self.preview.pages(config.site_dir)
        self.catalog = None
        try:
            self.catalog = collect(
                site.clusters_dir,
                site.root,
                site.taken_names(),
                preview=self.preview.serving,
                schema_dir=site.schema_dir,
                memo=memo,
                read_folder=reading,
                entries=reading.entries if reading is not None else None,
            )
        except InvalidRecords as error:
            problems += error.problems
        finally:
            if reading is not None:
                reading.done()
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
        # What the pages are made with: the templates' text, and the site's settings.
        templates = scoped(memo, ("templates", _texts(site.templates_dir)))
        if self.pages is not None:
            # What every page is made with, besides its own text and the navigation.
            overrides = config.theme.custom_dir
            settings_file = Path(config.config_file_path or site.root / "mkdocs.yml")
            self.settings = (
                settings_file.read_bytes(),
                _texts(Path(overrides)) if overrides else (),
            )
        written = self._hand_written(site.docs_dir)
        self.files = self._made_files(config, env, sources_page(written), templates, memo)
        self.blocks = self._about_blocks(written, env, config, templates)
        self.preview.kept.done()
        return config

    def _report_drafts(self, catalog: Catalog) -> None:
        """One line naming the drafts left out; in a preview, their problems first.

        Said at the INFO level: a draft is not a mistake, and ``--strict`` stops a
        build at the first warning.
        """
        if self.preview.serving:
            for problem in catalog.warnings:
                log.info(str(problem))
        if catalog.left_out:
            why = (
                "not complete yet (the problems above)"
                if self.preview.serving
                else "shown by 'make serve' once complete; remove 'draft: true' to publish one"
            )
            log.info(f"Drafts left out of the site, {why}: {', '.join(catalog.left_out)}")

    def _made_files(
        self,
        config: MkDocsConfig,
        env: jinja2.Environment,
        listed_at: str | None,
        templates: Memo,
        memo: Memo,
    ) -> list[File]:
        """The pages and open data files made from the records, as MkDocs' files.

        MkDocs' :class:`File` gives each page its address (``use_directory_urls``
        and all); the page heads and the open data give those addresses.
        ``listed_at`` is the hand-written page with the list of every source. In
        ``mkdocs serve``, the files of an event whose pages and calendars are
        those of the last build are that build's (making 20,000 files, and
        working out their addresses, took longer than the rest of a one-record
        rebuild at 10,000 meetings).
        """
        catalog, site = self.catalog, self.site
        assert catalog is not None and site is not None
        # Which pages are left out of the navigation: outside_nav's, by event.
        shown_in_nav = set(catalog.events[: site.nav_events])
        # A file's address, edit link and inclusion come from these, and from mkdocs.yml.
        settings_file = Path(config.config_file_path or site.root / "mkdocs.yml")
        where = (site.root, site.docs_dir, config.site_dir, settings_file.read_bytes())

        def file(
            path: str,
            content: str | bytes,
            record: str | None = None,
            inclusion: InclusionLevel = InclusionLevel.UNDEFINED,
        ) -> File:
            made = File.generated(config, path, content=content, inclusion=inclusion)
            if record is not None:
                # The edit button opens the YAML file the page is made from; its
                # address is percent-encoded, whatever the file is called.
                relative = os.path.relpath(site.root / record, site.docs_dir)
                made.edit_uri = quote(Path(relative).as_posix(), safe="/")
            return made

        changed = last_changed(site.root, site.clusters_dir)
        pages = render_pages(catalog, env, listed_at, changed, templates)

        def page_files(event: EventEntry, inclusion: InclusionLevel) -> list[File]:
            records = [event, *event.meetings]
            return [file(e.page, pages[e.page], e.file, inclusion) for e in records]

        made = [file("index.md", pages["index.md"])]
        for event in catalog.events:
            hidden = event not in shown_in_nav
            inclusion = InclusionLevel.NOT_IN_NAV if hidden else InclusionLevel.UNDEFINED
            shown = ("page files", catalog.shown(event), inclusion, where)
            made += templates(shown, functools.partial(page_files, event, inclusion))
        site.know(made)
        image = self.config.social_image
        if image and not (site.docs_dir / image).is_file():
            raise PluginError(
                f"social_image: {site.shown(site.docs_dir / image)} does not exist "
                "(draw it with 'make social-image', or change the path in mkdocs.yml)"
            )
        self.picture = None
        if image:
            try:
                self.picture = Picture.read(site.docs_dir, image)
            except ValueError as error:
                path = site.shown(site.docs_dir / image)
                raise PluginError(f"social_image: {path} {error}") from None
        try:
            built = build_time(catalog)
        except ValueError as error:
            raise PluginError(str(error)) from None
        picture = self.picture
        settings = (site.url, site.name, site.description, site.use_directory_urls, picture)
        published = scoped(memo, ("site", settings))
        self.heads = page_heads(catalog, site, picture, published)
        exports = export_files(catalog, site, built, published)

        def calendar_files(event: EventEntry) -> list[File]:
            paths = [event.calendar, *(meeting.calendar for meeting in event.meetings)]
            return [file(path, exports[path]) for path in paths]

        made += [file(path, exports[path]) for path in (DATA_FILE, FEED_FILE)]
        for event in catalog.events:
            records = ("calendar files", catalog.records(event), built, where)
            made += published(records, functools.partial(calendar_files, event))
        if self.preview.serving:
            for made_file in made:  # the last build's Page of a file kept from it
                made_file.page = None
        written = _everything_under(site.docs_dir)  # not a look at the disk for each file
        for made_file in made:  # checked here, before MkDocs cleans the site folder
            if made_file.src_uri in written:
                in_the_way = site.docs_dir / made_file.src_uri
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
        self,
        written: dict[str, str],
        env: jinja2.Environment,
        config: MkDocsConfig,
        memo: Memo,
    ) -> dict[str, dict[str, str]]:
        """The blocks that hand-written pages ask for with a marker, made now, not while
        MkDocs reads the pages (after it has cleaned the site folder)."""
        assert self.catalog is not None
        blocks: dict[str, dict[str, str]] = {}
        for page, text in written.items():
            for marker in ABOUT_BLOCKS:
                if marker in text:
                    block = fill_markers(marker, page, self.catalog, env, config.repo_url, memo)
                    blocks.setdefault(page, {})[marker] = block
        return blocks

    @event_priority(-100)  # after other plugins' files, so that each is told if it changed
    @_without_gc_pauses
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.catalog is None or self.site is None:
            return files
        for file in self.files:
            files.append(file)
        if self.pages is not None:
            self.pages.files(files, self.files, self.settings, self.blocks)
        return files

    @event_priority(-100)  # the navigation as other plugins leave it
    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        if self.pages is not None:
            self.pages.navigation(nav, config, files)
        return nav

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
        if self.pages is not None:
            self.pages.restore()
        return env

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.pages is not None:
            self.pages.read(page)
        # The About page's list of sources and of what no source gives (render.ABOUT_BLOCKS).
        for marker, block in self.blocks.get(page.file.src_uri, {}).items():
            markdown = markdown.replace(marker, block)
        return markdown

    @event_priority(50)  # before Material's search plugin indexes the page
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.pages is not None:
            self.pages.searching(_search_plugin(config))
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

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.pages is not None:
            self.pages.built(page)
        return output

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        if self.pages is not None:
            written = os.path.join(config.site_dir, template_name)
            self.pages.writing(written)
            self.pages.writing(written + ".gz")  # the sitemap's, written beside it
        return output_content

    @event_priority(50)  # before Material's search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.pages is not None:
            self.pages.search_index(_search_plugin(config), config)
            self.pages.done()

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
        if self.pages is not None:
            self.pages.failed()
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
            if config.theme.custom_dir:  # the project's overrides of the theme
                server.watch(config.theme.custom_dir)
            self.preview.folders.watch(server, self.site.clusters_dir)
            if self.preview.dirty:
                # The plugin builds every page that changed, and only those: the site
                # stays whole (meetings.preview.Incremental), unlike what MkDocs warns.
                logging.getLogger("mkdocs.commands.build").addFilter(_DirtyWarning())
            server.builder = _keeping_last_good_site(server.builder, Path(server.root), self)
            # While the last rebuild has failed, every page served shows its errors.
            app = server.get_app()
            if app is not None:
                server.set_app(serving_errors(app, lambda: self.errors))
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


def _search_plugin(config: MkDocsConfig) -> Any:
    """Material's search plugin, if the site has it."""
    return next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)), None)


class _DirtyWarning(logging.Filter):
    """MkDocs' warning that a dirty build makes the navigation inaccurate: not so here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def _everything_under(folder: Path) -> set[str]:
    """The path of every file, folder and link under ``folder``, relative to it, with ``/``."""
    found: set[str] = set()
    for place, folders, files in os.walk(folder):
        at = Path(place).relative_to(folder)
        found.update((at / name).as_posix() for name in (*folders, *files))
    return found


def _texts(folder: Path) -> tuple[tuple[str, bytes], ...]:
    """Every file under ``folder`` and its bytes: what the pages are made with."""
    return tuple(
        (path.relative_to(folder).as_posix(), path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )


def _keeping_last_good_site(
    builder: Callable[..., None], site: Path, plugin: MeetingsPlugin
) -> Callable[..., None]:
    """Wrap ``mkdocs serve``'s rebuild so that a failed one keeps the last good pages.

    MkDocs stalls every request after a failed rebuild, until a good one. Here
    any failure is reported and swallowed, so the server goes on serving. The
    plugin's own failures happen before MkDocs touches the served folder; for
    any later one (a theme template, a page MkDocs refuses in strict mode),
    the folder is put back as it was. In a whole rebuild, it is kept, as hard
    links (no copy of the files; MkDocs empties the folder before it writes
    new files), beside the folder while MkDocs rebuilds it; in a dirty one
    (``make serve``), each file written or removed is moved aside first
    (:class:`~meetings.preview.Journal`). Requests wait for the rebuild to
    end, so none sees a half-built site.
    """

    errors = ErrorLines()

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> None:
        kept: Path | None = None
        pages = plugin.pages if plugin.preview.dirty else None
        if site.is_dir() and pages is None:
            kept = Path(tempfile.mkdtemp(prefix=".last-good-", dir=site.parent)) / "site"
            shutil.copytree(site, kept, copy_function=os.link, symlinks=True)
        try:
            with errors.listening() as lines:
                try:
                    builder(*args, **kwargs)
                except Exception as error:  # any failure: the last good pages are served
                    if not isinstance(error, Abort):  # MkDocs has not said it yet
                        log.error(f"The rebuild failed: {type(error).__name__}: {error}")
                    elif not errors.errors:  # failed for warnings (strict): say so
                        lines.append(str(error))
                    if kept is not None:
                        shutil.rmtree(site, ignore_errors=True)
                        os.replace(kept, site)
                    if plugin.pages is not None:
                        plugin.pages.journal.undo()
                    plugin.errors = list(lines)
                    log.warning("The last good pages are still served; fix the problems above.")
                else:
                    if plugin.pages is not None:
                        plugin.pages.journal.keep()
                    plugin.errors = []
        finally:
            if kept is not None:
                shutil.rmtree(kept.parent, ignore_errors=True)

    return build


def topic_order(tag: Any, *_: Any) -> tuple[str, str]:
    """The order of topics for Material's tags plugin, as in the catalog (``mkdocs.yml``:
    ``tags_sort_by`` and ``listings_tags_sort_by``)."""
    return sort_key(tag.name)
