"""The ``meetings`` command: the pipeline's stages for editors and maintainers.

``make validate``, ``make render``, ``make schema`` and ``make new`` call these commands;
``mkdocs build`` and ``mkdocs serve`` use the plugin instead.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path, PurePosixPath

import click
from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from .catalog import collect
from .exports import DATA_SCHEMA, Site, build_time, export_files
from .model import Event, Meeting, OpenData, json_schema
from .plugin import taken_names
from .problems import InvalidRecords
from .render import fill_markers, render_pages
from .scaffold import ScaffoldError, new_event, new_meeting
from .words import number_of

SCHEMAS = {
    "event.schema.json": Event,
    "meeting.schema.json": Meeting,
    PurePosixPath(DATA_SCHEMA).name: OpenData,
}
"""The JSON Schemas editors' tools read, and the one of ``meetings.json``, by file
name under ``docs/schema/``."""


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="The project folder, holding clusters/ and docs/.",
    show_default=True,
)
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Check and publish the Action Cluster meeting records."""
    ctx.obj = root


@main.command()
@click.pass_obj
def validate(root: Path) -> None:
    """Check every file under clusters/ without building the site.

    Prints one line per problem, FILE:LINE:COLUMN: FIELD: MESSAGE, and exits
    with 1 if there is any.
    """
    try:
        catalog = collect(root / "clusters", root, taken_names(root / "docs"))
    except InvalidRecords as error:
        click.echo(error.report())
        click.echo(f"{error}.", err=True)
        sys.exit(1)
    events, meetings = len(catalog.events), len(catalog.meetings)
    click.echo(f"OK: {number_of(events, 'event')}, {number_of(meetings, 'meeting')}, no problem.")


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def render(root: Path, out: Path) -> None:
    """Write the site's Markdown into OUT: docs/ plus the generated pages.

    The open data files (meetings.json, feed.xml, the calendars) go beside
    them, with the addresses of mkdocs.yml's site_url. OUT can then be built by
    any MkDocs-like tool without the plugin.
    """
    try:
        catalog = collect(root / "clusters", root, taken_names(root / "docs"))
    except InvalidRecords as error:
        click.echo(error.report())
        sys.exit(1)
    try:
        site = Site.from_config(load_config(config_file=str(root / "mkdocs.yml")))
        exports = export_files(catalog, site, build_time(catalog))
    except (ValueError, ConfigurationError) as error:
        click.echo(f"meetings render: {error}", err=True)
        sys.exit(1)
    shutil.copytree(root / "docs", out, dirs_exist_ok=True)
    for page in out.rglob("*.md"):  # the About page's lists, made from the records
        text = page.read_text(encoding="utf-8")
        filled = fill_markers(text, page.relative_to(out).as_posix(), catalog)
        if filled != text:
            page.write_text(filled, encoding="utf-8")
    pages = render_pages(catalog)
    for path, content in {**pages, **exports}.items():
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
def schema(root: Path, check: bool) -> None:
    """Write the JSON Schemas of the data model into docs/schema/."""
    folder = root / "docs" / "schema"
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
        click.echo(f"Out of date with the data model: {names}; run 'make schema'.", err=True)
        sys.exit(1)
    click.echo("Schemas " + ("are up to date." if check or not stale else "written."))


@main.command()
@click.option("--title", required=True, help="The meeting's title, as the source names it.")
@click.option("--number", type=int, help="The Action Cluster's number. [default: the next free]")
@click.option("--event", help="The event's folder under clusters/. [default: the newest]")
@click.option("--slug", help="The page's address. [default: derived from the title]")
@click.pass_obj
def new(root: Path, title: str, number: int | None, event: str | None, slug: str | None) -> None:
    """Write a new meeting file with every field, for an editor to fill in."""
    try:
        made = new_meeting(root, title, number, event, slug)
    except ScaffoldError as error:
        click.echo(f"meetings new: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"Wrote {made.file}: fill in its empty fields, then run 'make validate' "
        "(it lists those still empty) and 'make build'."
    )


@main.command("new-event")
@click.option("--slug", required=True, help="The event's address and folder name, e.g. forum-2022.")
@click.option("--name", help="The event's full name, as its sources give it.")
@click.pass_obj
def new_event_command(root: Path, slug: str, name: str | None) -> None:
    """Make an event's folder with an event.yaml whose every field is explained."""
    try:
        made = new_event(root, slug, name)
    except ScaffoldError as error:
        click.echo(f"meetings new-event: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"Wrote {made.file}: fill in its empty fields from the event's sources, then "
        f"'make validate'; add meetings with make new TITLE=\"…\" EVENT={slug}."
    )
