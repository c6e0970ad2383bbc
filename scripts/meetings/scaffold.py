"""Scaffold a new meeting record, with every field of the model present and explained.

``meetings new --title TITLE`` (``make new TITLE=…``) writes
``clusters/EVENT/SLUG.yaml`` for the next free Action Cluster number of the
newest event (or the ones given), with the slug derived from the title. The
file is made from :mod:`meetings.model`, so it always has every field:

* required fields are written out: those the command knows (slug, number,
  title) with their value, the others empty, for the editor to fill in;
* optional fields are commented out (``# key:``), to use only when a source
  gives the fact: removing the ``# `` of each line of a block turns it on;
* each field is preceded by its description from the model.

The empty fields make the file fail validation until it is filled in, with
one ``FILE:LINE:COL: field: message`` line per empty field, so a half-written
record is never published.

``meetings new-event --slug SLUG`` (``make new-event SLUG=…``) does the same for
an event: the folder ``clusters/SLUG/`` and its ``event.yaml``. The text of
each file, made from the model, is :mod:`meetings.blank`'s.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .blank import event_template, meeting_template
from .layout import Site
from .load import EVENT_FILE, Document, read_records
from .model import Cluster, Event
from .validate import RESERVED_EVENT_SLUG, RESERVED_MEETING_SLUG, RESERVED_SLUGS
from .values import Line, Slug

SCHEMA_FILE = "meeting.schema.json"
EVENT_SCHEMA_FILE = "event.schema.json"
_STOP_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "with"})
_CLUSTER_PREFIX = re.compile(r"^\s*action\s+cluster\s+\d+\s*[-–—:]?\s*", re.IGNORECASE)
_MEETING_SUFFIX = re.compile(r"\s+meeting\s*$", re.IGNORECASE)
_HIGHEST = next(m.le for m in Cluster.model_fields["number"].metadata if hasattr(m, "le"))


class ScaffoldError(Exception):
    """The meeting cannot be scaffolded as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Scaffold:
    path: Path
    file: str
    """The path shown to editors, relative to the project."""
    text: str


def slug_for(title: str, number: int) -> str:
    """The page address of a meeting: ``ac``, the number, and the title's words.

    "Action Cluster 1 - Business Models & Finance meeting" gives
    ``ac1-business-models-finance``: the cluster prefix, the word "meeting",
    accents, punctuation and small words are left out.
    """
    core = _MEETING_SUFFIX.sub("", _CLUSTER_PREFIX.sub("", title))
    ascii_text = unicodedata.normalize("NFKD", core).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept = [word for word in words if word not in _STOP_WORDS] or words
    slug = f"ac{number}"
    for word in kept:
        if len(slug) + 1 + len(word) > 60:
            break
        slug += f"-{word}"
    return slug


def new_meeting(
    site: Site,
    title: str,
    number: int | None = None,
    event: str | None = None,
    slug: str | None = None,
) -> Scaffold:
    """Write a new meeting file in an event folder of the site's records;
    raise :class:`ScaffoldError` if not."""
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError('give the meeting\'s title, e.g. TITLE="Action Cluster 7 - … meeting"')
    # Checked before any path is made of them: SLUG=../../x must not write outside clusters/.
    _check("TITLE", title, Line)
    if slug is not None:
        _check("SLUG", slug, Slug)
        if slug in RESERVED_SLUGS:
            raise ScaffoldError(f"SLUG: {RESERVED_MEETING_SLUG.format(value=slug)}")
    if event is not None:
        _check("EVENT", event, Slug)
    _real_folder(site, site.clusters_dir, "the project")
    documents, _ = read_records(site.clusters_dir, site.root)
    folder = _event_folder(site, documents, event)
    meetings = [d for d in documents if d.kind == "meeting" and d.folder == folder.name]
    numbers = {n: d for d in meetings if (n := _number(d)) is not None}
    if number is None:
        number = max(numbers, default=0) + 1
    if not 1 <= number <= _HIGHEST:
        raise ScaffoldError(f"the cluster number must be from 1 to {_HIGHEST}; {number} is not")
    if number in numbers:
        raise ScaffoldError(
            f"Action Cluster {number} already has a meeting in {folder.name}, in "
            f"{numbers[number].file}; give another NUMBER"
        )
    slug = slug or slug_for(title, number)
    taken = {d.data.get("slug"): d for d in meetings}
    if slug in taken:
        raise ScaffoldError(f"'{slug}' is already the slug of {taken[slug].file}; give a SLUG")
    path = folder / f"{slug}.yaml"
    shown = site.shown(path)
    if path.is_symlink():
        raise ScaffoldError(
            f"{shown} is a symbolic link; remove it, or give another TITLE or a SLUG"
        )
    if path.exists():
        raise ScaffoldError(f"{shown} already exists; give another TITLE or a SLUG")
    schema = _schema_from(site, folder, SCHEMA_FILE)
    text = meeting_template(_event_of(documents, folder), number, title, slug, schema)
    _create(site, folder, path.name, text)
    return Scaffold(path, shown, text)


def _check(name: str, value: str, kind: Any) -> None:
    """Refuse ``value`` unless the data model accepts it as ``kind``."""
    try:
        TypeAdapter(kind).validate_python(value, strict=True)
    except ValidationError as error:
        raise ScaffoldError(f"{name}: {error.errors()[0]['msg']}") from None


def new_event(site: Site, slug: str, name: str | None = None) -> Scaffold:
    """Make the folder ``SLUG/`` of the site's records with an empty, explained ``event.yaml``.

    Every field of :class:`Event` is in the file, the required ones empty (but the slug and
    the name, if given), so the event is refused until an editor writes its facts.
    """
    _check("SLUG", slug, Slug)
    if slug in site.taken_names():
        raise ScaffoldError(f"SLUG: {RESERVED_EVENT_SLUG.format(value=slug)}")
    name = " ".join((name or "").split()) or None
    if name is not None:
        _check("NAME", name, Line)  # like a meeting's TITLE: it is written into the file
    folder = site.clusters_dir / slug
    shown = f"{site.shown(folder)}/"
    if folder.exists() or folder.is_symlink():
        raise ScaffoldError(f"{shown} already exists; give another SLUG")
    _real_folder(site, site.clusters_dir, "the project")
    text = event_template(slug, name, _schema_from(site, folder, EVENT_SCHEMA_FILE))
    clusters = _open_folder(site.clusters_dir)
    try:
        os.mkdir(slug, dir_fd=clusters)
    finally:
        os.close(clusters)
    _create(site, folder, EVENT_FILE, text)
    path = folder / EVENT_FILE
    return Scaffold(path, site.shown(path), text)


def _real_folder(site: Site, folder: Path, of: str) -> None:
    """Refuse a folder that is a symbolic link: what is written there would land elsewhere,
    and the records' reader does not follow it (``load.py``)."""
    if folder.is_symlink():
        raise ScaffoldError(
            f"{site.shown(folder)}/ is a symbolic link, which is not read; make it a folder of {of}"
        )


def _open_folder(folder: Path) -> int:
    """A descriptor of ``folder``, refusing a symbolic link in its place."""
    return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def _create(site: Site, folder: Path, name: str, text: str) -> None:
    """Write a new file ``name`` in ``folder``: created, never opened if it exists (a link
    to elsewhere included, ``O_EXCL|O_NOFOLLOW``), in the folder itself (opened without
    following a link, and the file made relative to it)."""
    try:
        parent = _open_folder(folder)
    except OSError:
        raise ScaffoldError(
            f"{site.shown(folder)}/ is not a folder (a symbolic link?); make it a folder "
            f"of {site.shown(site.clusters_dir)}/"
        ) from None
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        try:
            descriptor = os.open(name, flags, 0o644, dir_fd=parent)
        except FileExistsError:
            raise ScaffoldError(
                f"{site.shown(folder / name)} already exists; give another TITLE or a SLUG"
            ) from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    finally:
        os.close(parent)


def _schema_from(site: Site, folder: Path, name: str) -> str:
    """The address of one of the editors' JSON Schemas, relative to a folder of records."""
    return Path(os.path.relpath(site.schema_dir / name, folder)).as_posix()


def _event_folder(site: Site, documents: list[Document], event: str | None) -> Path:
    clusters = site.clusters_dir
    folders = sorted(
        (p for p in clusters.iterdir() if (p / EVENT_FILE).is_file()) if clusters.is_dir() else []
    )
    under = site.shown(clusters)
    if event is not None:
        named = [p for p in folders if event in (p.name, _event_slug(documents, p))]
        for folder in named:
            _real_folder(site, folder, f"{under}/")
        if not named:
            names = ", ".join(p.name for p in folders) or "none yet"
            raise ScaffoldError(f"no event folder '{event}' under {under}/ (events: {names})")
        return named[0]
    if not folders:
        raise ScaffoldError(f"no event under {under}/ yet: add one first: make new-event SLUG=…")
    # The newest event, as the site lists them (of those the reader reads: no link).
    folders = [p for p in folders if not p.is_symlink()] or folders
    for folder in folders:
        _real_folder(site, folder, f"{under}/")
    return max(
        folders, key=lambda p: (str(_event_data(documents, p).get("start_date") or ""), p.name)
    )


def _event_data(documents: list[Document], folder: Path) -> dict[str, Any]:
    return next((d.data for d in documents if d.kind == "event" and d.folder == folder.name), {})


def _event_slug(documents: list[Document], folder: Path) -> Any:
    return _event_data(documents, folder).get("slug")


def _event_of(documents: list[Document], folder: Path) -> Event | None:
    try:
        return Event.model_validate(_event_data(documents, folder))
    except ValidationError:
        return None


def _number(document: Document) -> int | None:
    cluster = document.data.get("cluster")
    number = cluster.get("number") if isinstance(cluster, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None
