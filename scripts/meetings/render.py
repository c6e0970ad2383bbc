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
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.utils import get_relative_url

from .catalog import Catalog
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
) -> dict[str, str]:
    """Every generated page: its path under ``docs/`` and its Markdown.

    ``sources_page`` is the hand-written page that lists every source with what it
    gives (the About page: :func:`sources_page`), which the pages' lists point to.
    ``changed`` is when each record's file was last changed, where the history is
    known (:func:`meetings.history.last_changed`).
    """
    changed = changed or {}
    env = env or environment()
    home = env.get_template("home.md.j2")
    event_page = env.get_template("event.md.j2")
    meeting_page = env.get_template("meeting.md.j2")

    pages = {"index.md": home.render(catalog=catalog, link=_linker("index.md"))}
    for event in catalog.events:
        pages[event.page] = event_page.render(
            event=event,
            link=_linker(event.page),
            sources_page=sources_page,
            record_date=changed.get(event.file),
        )
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
) -> str:
    """A hand-written page's Markdown with each marker of :data:`ABOUT_BLOCKS` filled in."""
    for marker, name in ABOUT_BLOCKS.items():
        if marker in markdown:
            env = env or environment()
            template = env.get_template(name)
            block = template.render(catalog=catalog, link=_linker(page), repo_url=repo_url)
            markdown = markdown.replace(marker, block.strip())
    return markdown


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
