"""Property: any text in any text field is either refused clearly or shown literally.

Hypothesis puts arbitrary text (any Unicode, Markdown and HTML syntax, control
characters, line breaks) into every text field of a meeting and of its event.
Either validation refuses the records with ``FILE:LINE:COL: field: message``
lines that name the fields, or the pages show the text as written: the
Markdown the templates make, converted as MkDocs converts it, has the same
elements as the pages made from harmless markers, with each marker's text
replaced by the text itself; the front matter MkDocs reads holds it too. A few
examples also go through a whole MkDocs build, for what Material prints.
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from meetings.catalog import collect
from meetings.limits import UNSAFE_CHARACTERS
from meetings.problems import InvalidRecords, field_path
from meetings.render import environment, render_pages

from .helpers import CLUSTERS, PAGE, ROOT, examples, make_project
from .records import (
    AC1,
    EVENT,
    EVENT_FIELDS,
    MEETING_FIELDS,
    SAMPLE,
    Markers,
    TextField,
    complete_event,
    complete_meeting,
    fill,
    shown,
    signature,
    write_records,
)

CONFIG = load_config(config_file=str(ROOT / "mkdocs.yml"))
TEMPLATES = environment()  # compiled once
MEETING_PAGE = SAMPLE.page
PAGES = ("index.md", f"{SAMPLE.event}/index.md", MEETING_PAGE)

SYNTAX = "#*_`[](){}<>!&;:=|%\\-+.~^\"'/ \n\t\r\u00a0\u2028\u0085\ufeffabcXYZ019"
ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=60),
    st.text(alphabet=SYNTAX, max_size=60),
)


def valid_text(field: TextField) -> st.SearchStrategy[str]:
    """Text the model accepts in ``field``: no unsafe character, not blank, short enough."""
    breaks = "\n" if field.paragraphs else ""
    alphabets = [
        st.characters(exclude_categories=("Cs", "Cc"), include_characters=breaks),
        st.sampled_from(SYNTAX.replace("\r", "").replace("\n", breaks)),
    ]
    safe = [alphabet.filter(lambda ch: not UNSAFE_CHARACTERS.match(ch)) for alphabet in alphabets]
    return st.one_of(
        st.text(alphabet, min_size=1, max_size=min(60, field.max_length)) for alphabet in safe
    ).filter(str.strip)


def texts_for(fields: list[TextField], text=None) -> st.SearchStrategy[dict]:
    """Text for each field: ``text``, or else text that field accepts."""
    return st.fixed_dictionaries({f.path: valid_text(f) if text is None else text for f in fields})


@pytest.fixture(scope="module")
def clusters() -> Iterator[Path]:
    """A copy of the records that each example rewrites."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "clusters"
        shutil.copytree(CLUSTERS, root)
        yield root


def to_html(page: str) -> tuple[lxml_html.HtmlElement, dict]:
    """A generated page as MkDocs reads it: front matter, then Markdown to HTML."""
    body, meta = get_data(page)
    converter = markdown.Markdown(
        extensions=CONFIG.markdown_extensions, extension_configs=CONFIG.mdx_configs
    )
    return lxml_html.fromstring(f"<div>{converter.convert(body)}</div>"), meta


def render(clusters: Path, meeting: dict, event: dict) -> dict[str, str]:
    write_records(clusters, fill(complete_meeting(), meeting), fill(complete_event(), event))
    return render_pages(collect(clusters, clusters.parent), TEMPLATES)


NAMES = {field_path(f.path) for f in MEETING_FIELDS + EVENT_FIELDS}
LINE = re.compile(
    rf"clusters/({re.escape(AC1)}|{re.escape(EVENT)}):\d+:\d+: (?P<field>[^:]+): \S.*"
)


SLOW = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@settings(SLOW, max_examples=examples(25, 100))
@given(meeting=texts_for(MEETING_FIELDS, ANY_TEXT), event=texts_for(EVENT_FIELDS, ANY_TEXT))
def test_any_text_is_refused_clearly_or_shown_literally(clusters: Path, meeting, event):
    try:
        render(clusters, meeting, event)
    except InvalidRecords as error:
        hypothesis.event("refused")
        for problem in error.problems:
            match = LINE.fullmatch(str(problem))
            assert match, str(problem)
            assert match["field"] in NAMES, str(problem)
        return
    hypothesis.event("shown")
    assert_literal(clusters, meeting, event)


@settings(SLOW, max_examples=examples(20, 100))
@given(meeting=texts_for(MEETING_FIELDS), event=texts_for(EVENT_FIELDS))
def test_valid_text_is_shown_literally(clusters: Path, meeting, event):
    assert_literal(clusters, meeting, event)


@pytest.mark.parametrize("text", ["&#0", "&amp;", "&lt;b&gt;", "&#x3C;script&#x3E;"])
def test_character_references_are_shown_as_typed(clusters: Path, text: str):
    """Found by hypothesis: text that looks like an HTML character reference."""
    meeting = {f.path: text for f in MEETING_FIELDS}
    event = {f.path: text for f in EVENT_FIELDS}
    assert_literal(clusters, meeting, event)


def assert_literal(clusters: Path, meeting: dict, event: dict) -> None:
    """The pages show each text as written, where the markers' pages show the markers."""
    pages = render(clusters, meeting, event)
    markers = Markers.of(MEETING_FIELDS, meeting, "m")
    event_markers = Markers.of(EVENT_FIELDS, event, "e")
    markers.meaning.update(event_markers.meaning)
    reference = render(clusters, markers.values, event_markers.values)
    for path in PAGES:
        got, meta = to_html(pages[path])
        want, reference_meta = to_html(reference[path])
        assert signature(got) == signature(want, markers), path
        assert {k: _unescaped(v) for k, v in meta.items()} == {
            k: _unescaped(v, markers) for k, v in reference_meta.items()
        }, path

    _, meta = to_html(pages[MEETING_PAGE])
    assert html.unescape(meta["title"]) == shown(meeting[("title",)])
    assert [html.unescape(tag) for tag in meta["tags"]] == [shown(meeting[("topics", 0)])]


def _unescaped(value, markers: Markers | None = None):
    """Front matter as a visitor reads it: HTML-escaped text, unescaped.

    In the reference, the markers stand for raw text: they are replaced after
    unescaping, or text such as ``&#0`` would be unescaped a second time.
    """
    if isinstance(value, str):
        value = html.unescape(value)
        return markers.substitute(value) if markers else value
    if isinstance(value, list):
        return [_unescaped(v, markers) for v in value]
    return value


# --------------------------------------------------------------------------
# A few examples through a whole build
# --------------------------------------------------------------------------


def build_site(project: Path, meeting: dict, event: dict) -> Path:
    write_records(
        project / "clusters", fill(complete_meeting(), meeting), fill(complete_event(), event)
    )
    site = project / "site"
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    return {
        name: make_project(tmp_path_factory.mktemp(name) / "project")
        for name in ("hostile", "reference")
    }


@pytest.mark.build
@settings(SLOW, max_examples=examples(2, 3))
@given(meeting=texts_for(MEETING_FIELDS), event=texts_for(EVENT_FIELDS))
def test_built_pages_show_any_valid_text_literally(projects, meeting, event):
    """Built with --strict: a warning would stop the build."""
    markers = Markers.of(MEETING_FIELDS, meeting, "m")
    event_markers = Markers.of(EVENT_FIELDS, event, "e")
    markers.meaning.update(event_markers.meaning)
    hostile = build_site(projects["hostile"], meeting, event)
    reference = build_site(projects["reference"], markers.values, event_markers.values)
    for page in (
        "index.html",
        f"{SAMPLE.event}/index.html",
        f"{SAMPLE.event}/{SAMPLE.slug}/index.html",
        f"{PAGE}index.html",
    ):
        got = signature(lxml_html.parse(str(hostile / page)).getroot())
        assert got == signature(lxml_html.parse(str(reference / page)).getroot(), markers), page
