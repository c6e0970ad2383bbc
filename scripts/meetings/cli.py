"""The ``meetings`` command: the pipeline's stages for editors and maintainers.

``make validate``, ``make render``, ``make schema``, ``make confusables`` and ``make new``
call these commands; ``mkdocs build`` and ``mkdocs serve`` use the plugin instead. Both
read where the records are, and where the site is published, from ``mkdocs.yml``
(:class:`~meetings.layout.Site`). Every failure is a :class:`Failed`, which Click
prints and turns into exit status 1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePosixPath
from typing import IO, Any

import click

from .catalog import Catalog, collect
from .confusables import TABLE, make_table
from .exports import DATA_SCHEMA, build_time, export_files
from .folders import check_folders
from .history import last_changed
from .layout import Site
from .model import Event, Meeting, Record, json_schema
from .problems import InvalidRecords, visible
from .published import OpenData
from .render import environment, fill_markers, render_pages, sources_page
from .scaffold import ScaffoldError, new_event, new_meeting
from .words import number_of

SCHEMAS: dict[str, type[Record]] = {
    "event.schema.json": Event,
    "meeting.schema.json": Meeting,
    PurePosixPath(DATA_SCHEMA).name: OpenData,
}
"""The JSON Schemas editors' tools read, and the one of ``meetings.json``, by file
name under ``docs/schema/``."""


class Failed(click.ClickException):
    """What stops a command: its message on standard error, exit status 1.

    ``report`` (the problems of ``validate``, one per line) goes to standard
    output first, for editors' tools to read.
    """

    def __init__(self, message: str, report: str | None = None) -> None:
        super().__init__(visible(message))  # a quoted value may hold a terminal escape
        self.report = report

    def show(self, file: IO[Any] | None = None) -> None:
        if self.report:
            click.echo(self.report)
        click.echo(self.format_message(), err=True)


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="The project folder, holding mkdocs.yml (which says where the records are).",
    show_default=True,
)
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Check and publish the Action Cluster meeting records."""
    try:
        ctx.obj = Site.load(root)
    except ValueError as error:
        raise Failed(f"meetings: {error}") from None


def _catalog(site: Site) -> Catalog:
    """The records as published (no draft), or :class:`Failed` with every problem."""
    try:
        return collect(site.clusters_dir, site.root, site.taken_names(), schema_dir=site.schema_dir)
    except InvalidRecords as error:
        warnings = [problem for problem in error.problems if problem.warning]
        also = f", and {number_of(len(warnings), 'warning')} about drafts" if warnings else ""
        raise Failed(f"{error}{also}.", report=error.report()) from None


@main.command()
@click.pass_obj
def validate(site: Site) -> None:
    """Check every record file without building the site.

    Prints one line per problem, FILE:LINE:COLUMN: FIELD: MESSAGE, and exits
    with 1 if there is any. The problems of drafts are printed as warnings
    (FILE:LINE:COLUMN: warning: FIELD: MESSAGE) and leave the exit status 0:
    a draft is left out of the site until it is complete and 'draft: true' is
    removed.
    """
    catalog = _catalog(site)
    events, meetings = len(catalog.events), len(catalog.meetings)
    for problem in catalog.warnings:
        click.echo(str(problem))
    published = f"{number_of(events, 'event')}, {number_of(meetings, 'meeting')}"
    if catalog.left_out:
        warned = number_of(len(catalog.warnings), "warning")
        click.echo(
            f"OK: {published} to publish; left out as drafts: {', '.join(catalog.left_out)}"
            + (f" ({warned} above)." if catalog.warnings else ".")
        )
    else:
        click.echo(f"OK: {published}, no problem.")


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def render(site: Site, out: Path) -> None:
    """Write the site's Markdown into OUT: docs/ plus the generated pages.

    The open data files (meetings.json, feed.xml, the calendars) go beside
    them, with the addresses of mkdocs.yml's site_url. OUT can then be built by
    any MkDocs-like tool without the plugin.
    """
    _, wrong = check_folders(site.read_folders, site.root)  # docs/ is copied: no link
    if wrong:
        problems = InvalidRecords(wrong)
        raise Failed(f"{problems}.", report=problems.report())
    catalog = _catalog(site)
    try:
        exports = export_files(catalog, site, build_time(catalog))
    except ValueError as error:
        raise Failed(f"meetings render: {error}") from None
    # An editor's lock link (.#name) is copied as the link it is, never followed.
    shutil.copytree(site.docs_dir, out, dirs_exist_ok=True, symlinks=True)
    env = environment(site.templates_dir)
    written = {
        page.relative_to(out).as_posix(): page.read_text("utf-8") for page in out.rglob("*.md")
    }
    for page, text in written.items():  # the About page's lists, made from the records
        filled = fill_markers(text, page, catalog, env, site.repo_url)
        if filled != text:
            (out / page).write_text(filled, encoding="utf-8")
    changed = last_changed(site.root, site.clusters_dir)
    pages = render_pages(catalog, env, sources_page(written), changed)
    files: dict[str, str | bytes] = {**pages, **exports}
    for path, content in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    click.echo(
        f"Wrote {len(pages)} pages and {len(exports)} open data files to {out}/ "
        "beside a copy of docs/."
    )


@main.command()
@click.option("--check", is_flag=True, help="Only check that the files are up to date.")
@click.pass_obj
def schema(site: Site, check: bool) -> None:
    """Write the JSON Schemas of the data model into docs/schema/."""
    folder = site.schema_dir
    stale = []
    for name, model in SCHEMAS.items():
        text = json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n"
        path = folder / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        names = ", ".join(str(p) for p in stale)
        raise Failed(f"Out of date with the data model: {names}; run 'make schema'.")
    click.echo("Schemas " + ("are up to date." if check or not stale else "written."))


@main.command()
@click.option("--check", is_flag=True, help="Only check that the table is up to date.")
def confusables(check: bool) -> None:
    """Write the look-alike table, scripts/meetings/confusables.json, from ICU.

    The skeletons (UTS #39) that validation compares topics by, made from ICU
    (pyicu-wheels, one of the test tools: 'make confusables' installs them).
    """
    try:
        text = make_table()
    except ImportError:
        raise Failed(
            "meetings confusables: needs ICU (pyicu-wheels, one of the test tools); "
            "run 'make confusables', which installs them"
        ) from None
    except ValueError as error:
        raise Failed(f"meetings confusables: {error}") from None
    if TABLE.is_file() and TABLE.read_text(encoding="utf-8") == text:
        click.echo("The look-alike table is up to date.")
    elif check:
        raise Failed(f"Out of date with ICU: {TABLE}; run 'make confusables'.")
    else:
        TABLE.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {TABLE}: commit it.")


@main.command()
@click.option("--title", required=True, help="The meeting's title, as the source names it.")
@click.option("--number", type=int, help="The Action Cluster's number. [default: the next free]")
@click.option("--event", help="The event's folder under clusters/. [default: the newest]")
@click.option("--slug", help="The page's address. [default: derived from the title]")
@click.pass_obj
def new(site: Site, title: str, number: int | None, event: str | None, slug: str | None) -> None:
    """Write a new meeting file with every field, for an editor to fill in."""
    try:
        made = new_meeting(site, title, number, event, slug)
    except ScaffoldError as error:
        raise Failed(f"meetings new: {error}") from None
    click.echo(
        f"Wrote {made.file}: fill in its empty fields, then run 'make validate' "
        "(it lists those still empty) and 'make build'."
    )


@main.command("new-event")
@click.option("--slug", required=True, help="The event's address and folder name, e.g. forum-2022.")
@click.option("--name", help="The event's full name, as its sources give it.")
@click.pass_obj
def new_event_command(site: Site, slug: str, name: str | None) -> None:
    """Make an event's folder with an event.yaml whose every field is explained."""
    try:
        made = new_event(site, slug, name)
    except ScaffoldError as error:
        raise Failed(f"meetings new-event: {error}") from None
    click.echo(
        f"Wrote {made.file}: fill in its empty fields from the event's sources, then "
        f"'make validate'; add meetings with make new TITLE=\"…\" EVENT={slug}."
    )
