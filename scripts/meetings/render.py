"""Stage 4 of the pipeline: the catalog as Markdown pages.

Jinja2 templates in ``templates/`` lay the pages out; this module gives them
the data and the filters that keep text from YAML as data:

* Every ``{{ value }}`` is escaped for Markdown by default (the environment's
  ``finalize``), so HTML in a summary is shown as text, never run, and
  Markdown syntax in it (a leading ``#``, ``---``, ``[link](…)``, a fence)
  cannot change the page's structure. Jinja never evaluates the *values*, so
  ``{{ }}`` inside a summary stays text too.
* Values that go elsewhere say so with a filter: ``yaml`` for the front
  matter, ``attr`` for an HTML attribute, ``paragraphs`` for running text.
* A macro's output (``sources.md.j2``: the list of sources) is made of values
  already escaped this way, so its call is marked ``safe``; so is the output
  of ``cite`` (a fact's sources, as numbers linking to that list).

A filter that has escaped its value returns :class:`~markupsafe.Markup`,
which ``finalize`` lets through unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup
from mkdocs.utils import get_relative_url

from .catalog import Catalog
from .memo import Key, Memo, no_memo
from .model import Source
from .published import EventEntry, MeetingEntry
from .words import date_range, long_date, number_of

TEMPLATES = Path(__file__).parent / "templates"
SOURCE_ANCHOR = "source:"
"""How the id of a source in a page's list starts. The ids Python-Markdown gives headings
are made of letters, digits, ``-`` and ``_``: with a ``:``, no heading (a meeting titled
"Source article") can take the address that citations link to."""

# Escaped everywhere: HTML, and what Python-Markdown (with the tables extension)
# reads as syntax anywhere in a line.
_INLINE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{ch: "\\" + ch for ch in "\\`*_{}[]()#|"},
    }
)
# Syntax only at the start of a block (a list, a rule, an admonition…): a backslash
# where Python-Markdown accepts one, an entity where it does not.
_BACKSLASH_AT_START = frozenset("+-.!")
_ENTITY_AT_START = {"~": "&#126;", "=": "&#61;", ":": "&#58;", "%": "&#37;", "^": "&#94;"}
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")
_YAML_UNSAFE = re.compile(r"[\x80-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# A number and the sign of its unit after a space ("100 %"), which a line must not
# part: the space is shown as a no-break space (the record and the open data keep theirs).
_NUMBER_AND_UNIT = re.compile(r"(\d) ([%‰])")


@functools.lru_cache(maxsize=100_000)
def markdown_inline(text: str) -> Markup:
    """Escape text so that Markdown shows it literally, on one line.

    Runs of white space, line breaks included, become one space (as Markdown
    would show them anyway), so the text can never start a block of its own.
    A number and its unit ("100 %") are kept on one line (a no-break space between them).
    Remembered: the same names, topics and dates recur on thousands of pages.
    """
    text = " ".join(text.split())  # also splits at \x85, \u2028 and \u2029
    escaped = text.translate(_INLINE)
    first = text[:1]
    if first in _BACKSLASH_AT_START:
        escaped = "\\" + escaped
    elif first in _ENTITY_AT_START:
        escaped = _ENTITY_AT_START[first] + escaped[1:]
    elif first.isdigit():
        escaped = _LEADING_NUMBER.sub(r"\1\\\2", escaped)
    if "%" in escaped or "‰" in escaped:
        escaped = _NUMBER_AND_UNIT.sub(r"\1&nbsp;\2", escaped)
    return Markup(escaped)


def paragraphs(text: str) -> Markup:
    """Running text as Markdown paragraphs; a blank line starts a new one."""
    parts = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    return Markup("\n\n".join(markdown_inline(part) for part in parts))


@functools.lru_cache(maxsize=100_000)
def yaml_string(text: str) -> Markup:
    """Text as a quoted YAML string for the front matter.

    MkDocs and Material print ``title``, ``description`` and tags into HTML
    without escaping, so the text is HTML-escaped first. Remembered, like
    :func:`markdown_inline`: every page's front matter lists its topics.
    """
    escaped = html.escape(" ".join(text.split()), quote=True)
    quoted = json.dumps(escaped, ensure_ascii=False)
    return Markup(_YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted))


def html_attribute(value: str) -> Markup:
    """A value for a double-quoted HTML attribute, such as a link's ``href``."""
    return Markup(html.escape(value, quote=True))


def cite(ids: Sequence[str], sources: Sequence[Source]) -> Markup:
    """A fact's citations: the number of each of its sources among the page's ``sources``
    (in that order, whatever the order of the ids), linking to its entry in the list
    (``#source:ID``, ``sources.md.j2``: a heading's id, made from its words, never holds
    a ``:``, so no title takes that address). A filter rather than a macro: a meeting page
    cites a dozen times, and a macro call costs Jinja more than the work."""
    return Markup(
        "".join(
            f"[\\[{markdown_inline(str(number))}\\]](#{SOURCE_ANCHOR}{markdown_inline(source.id)})"
            for number, source in enumerate(sources, 1)
            if source.id in ids
        )
    )


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if value is None:
        raise TypeError("a template printed None; guard optional fields with {% if %}")
    return markdown_inline(str(value))


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    """The Jinja2 environment for the page templates, compiled once per build."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Each build makes its environment anew, so a template is read once a build
        # rather than checked on disk at every page that includes or imports it.
        auto_reload=False,
    )
    filters: dict[str, Callable[..., Any]] = {
        "inline": markdown_inline,
        "cite": cite,
        "paragraphs": paragraphs,
        "yaml": yaml_string,
        "attr": html_attribute,
        "long_date": long_date,
        "date_range": date_range,
        "number_of": number_of,
    }
    env.filters.update(filters)
    env.globals["source_anchor"] = SOURCE_ANCHOR
    # What render_pages gives a record page, where it knows it: none by default.
    env.globals["sources_page"] = None  # the page listing every source
    env.globals["record_date"] = None  # when the page's record was last changed
    return env


def render_pages(
    catalog: Catalog,
    env: jinja2.Environment | None = None,
    sources_page: str | None = None,
    changed: Mapping[str, dt.date] | None = None,
    memo: Memo = no_memo,
) -> dict[str, str]:
    """Every generated page: its path under ``docs/`` and its Markdown.

    ``sources_page`` is the hand-written page that lists every source with what it
    gives (the About page: :func:`sources_page`), which the pages' lists point to.
    ``changed`` is when each record's file was last changed, where the history is
    known (:func:`meetings.history.last_changed`).

    With a ``memo`` (scoped by the templates' text: :mod:`meetings.memo`), the
    pages of an event are rendered again only when what their templates show
    changed, which the keys here name: the home page shows the newest event as
    its own page does, and of each earlier event its record and its number of
    meetings; an event's page its event and its meetings; a meeting's page its
    meeting, its event and the event's meetings, and of its related meetings
    what :attr:`~meetings.published.MeetingEntry.related_shown` holds (title,
    page, event's name, shared topics); both the list of sources' page and their
    records' dates. A template that shows more must say so in its key.
    """
    changed = changed or {}
    env = env or environment()
    home = env.get_template("home.md.j2")
    event_page = env.get_template("event.md.j2")
    meeting_page = env.get_template("meeting.md.j2")
    index = functools.partial(home.render, catalog=catalog, link=_linker("index.md"))
    newest = catalog.shown(catalog.events[0]) if catalog.events else None
    earlier = Key(*((event, len(event.meetings)) for event in catalog.events[1:]))
    pages = {"index.md": memo(("index.md", newest, earlier), index)}
    for event in catalog.events:
        dates = tuple(changed.get(record.file) for record in (event, *event.meetings))
        made = functools.partial(
            _event_pages, event, event_page, meeting_page, sources_page, changed
        )
        pages.update(memo(("pages", catalog.shown(event), sources_page, dates), made))
    return pages


def _event_pages(
    event: EventEntry,
    event_page: jinja2.Template,
    meeting_page: jinja2.Template,
    sources_page: str | None,
    changed: Mapping[str, dt.date],
) -> dict[str, str]:
    """The pages of an event and of its meetings."""
    pages = {
        event.page: event_page.render(
            event=event,
            link=_linker(event.page),
            sources_page=sources_page,
            record_date=changed.get(event.file),
        )
    }
    for meeting in event.meetings:
        pages[meeting.page] = meeting_page.render(
            meeting=meeting,
            event=event,
            link=_linker(meeting.page),
            sources_page=sources_page,
            record_date=changed.get(meeting.file),
        )
    return pages


SOURCES_MARKER = "<!-- meetings/sources -->"
ABOUT_BLOCKS = {
    SOURCES_MARKER: "about-sources.md.j2",
    "<!-- meetings/unknown -->": "about-unknown.md.j2",
    "<!-- meetings/correct -->": "about-correct.md.j2",
    "<!-- meetings/report -->": "report.md.j2",
}
"""Markers a hand-written page (the About page, the accessibility statement) holds,
and the templates whose Markdown replaces them: the site's sources and what no
source gives, made from the records so that they are never written twice; and
how to propose a correction or report a problem, which depends on whether the
site knows its repository (``repo_url``): a page never promises an edit button
or a link that the build does not have."""


def sources_page(pages: dict[str, str]) -> str | None:
    """Of hand-written ``pages`` (path under ``docs/``: Markdown), the first (by path)
    that holds the list of every source (:data:`SOURCES_MARKER`), or None."""
    return next((page for page in sorted(pages) if SOURCES_MARKER in pages[page]), None)


def fill_markers(
    markdown: str,
    page: str,
    catalog: Catalog,
    env: jinja2.Environment | None = None,
    repo_url: str | None = None,
    memo: Memo = no_memo,
) -> str:
    """A hand-written page's Markdown with each marker of :data:`ABOUT_BLOCKS` filled in.

    Each block's template is given only what it shows: the events (with their
    sources), or what no source gives (:class:`Unknown`); with a ``memo``, a
    block is made again only when that changed (see :func:`render_pages`).
    """
    for marker, name in ABOUT_BLOCKS.items():
        if marker in markdown:
            env = env or environment()
            given = _about_given(name, catalog, memo, repo_url)
            render = functools.partial(env.get_template(name).render, **given, link=_linker(page))
            shown = (catalog.everything if value is catalog else value for value in given.values())
            block = memo((name, page, Key(*shown)), render)
            markdown = markdown.replace(marker, block.strip())
    return markdown


class Shown(NamedTuple):
    """A meeting as a list of the About page names it: its title, linking to its page."""

    title: str
    page: str


@dataclass(frozen=True, eq=False)
class Unknown:
    """What no source gives, which the About page lists (``about-unknown.md.j2``).

    Compared as an object, as a :mod:`~meetings.memo` key: the memo gives the
    same one while its parts are the same."""

    meetings: int
    untimed: tuple[Shown, ...]
    """Meetings without start and end times."""
    unnamed: tuple[Shown, ...]
    """Meetings whose speakers no source names."""
    unaddressed: tuple[Shown, ...]
    """Meetings whose recording has no verified address."""
    events: int
    organisers: tuple[str, ...]
    """The names of the events whose organiser a source names."""


def _about_given(name: str, catalog: Catalog, memo: Memo, repo_url: str | None) -> dict[str, Any]:
    """What the template ``name`` of :data:`ABOUT_BLOCKS` is given: the repository's address,
    and what it shows of the records (another template than these, the whole catalog)."""
    if name in ("about-correct.md.j2", "report.md.j2"):
        return {"repo_url": repo_url}
    if name == "about-sources.md.j2":
        return {"repo_url": repo_url, "events": tuple(catalog.events)}
    if name != "about-unknown.md.j2":
        return {"repo_url": repo_url, "catalog": catalog}
    parts = [
        memo(("unknown", catalog.records(e)), functools.partial(_unknown, e))
        for e in catalog.events
    ]
    unknown = memo(("unknown", Key(*parts)), functools.partial(_all_unknown, parts))
    return {"repo_url": repo_url, "unknown": unknown}


def _all_unknown(parts: list[Unknown]) -> Unknown:
    return Unknown(
        meetings=sum(part.meetings for part in parts),
        untimed=tuple(shown for part in parts for shown in part.untimed),
        unnamed=tuple(shown for part in parts for shown in part.unnamed),
        unaddressed=tuple(shown for part in parts for shown in part.unaddressed),
        events=len(parts),
        organisers=tuple(name for part in parts for name in part.organisers),
    )


def _unknown(event: EventEntry) -> Unknown:
    """What no source gives about an event and its meetings."""
    meetings = event.meetings
    return Unknown(
        meetings=len(meetings),
        untimed=tuple(Shown(m.title, m.page) for m in meetings if not m.time),
        unnamed=tuple(Shown(m.title, m.page) for m in meetings if not m.speakers),
        unaddressed=tuple(
            Shown(m.title, m.page) for m in meetings if m.recording and not m.recording.url
        ),
        events=1,
        organisers=(event.name,) if event.organizer else (),
    )


def _linker(from_page: str) -> Callable[[EventEntry | MeetingEntry | str], Markup]:
    """A function giving the relative link from ``from_page`` to another file of ``docs/``.

    Links are written between Markdown sources (``../forum-2021/ac1.md``), as
    MkDocs' own :func:`~mkdocs.utils.get_relative_url` gives them; MkDocs turns
    them into the pages' addresses, whatever ``use_directory_urls`` says.
    """

    def link(target: EventEntry | MeetingEntry | str) -> Markup:
        path = target if isinstance(target, str) else target.page
        return Markup(get_relative_url(path, from_page))

    return link
