"""Text that looks like code is data: every text field shows it literally, and safely.

Each family of hostile text (HTML and script, Jinja, Markdown that could break
the layout, YAML 1.1 words written unquoted) goes into every text field of a
meeting and of its event, and the site is built. The reference is the same
site built with a harmless marker in each field: every page of the hostile
site must have exactly the reference page's elements, with each marker's text
replaced by the hostile text as written (white space runs shown as one space).
So nothing is run, no element comes from the data, and nothing is swallowed
or reordered: the ``<title>``, the heading, the navigation, the body, the tags
and the metadata all show the text itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from .helpers import CLUSTERS, building, make_project, mkdocs_build
from .records import (
    EVENT_FIELDS,
    MEETING_FIELDS,
    SAMPLE,
    Markers,
    TextField,
    complete_event,
    complete_meeting,
    fill,
    paths_in,
    shown,
    signature,
    write_records,
)

MARKDOWN_LINES = [
    "# A heading",
    "---",
    "```python",
    "<!-- an unclosed comment",
    "***",
    "> a quote",
    "1. a numbered item",
    "- a list item",
    "+ another list item",
    '=== "A tab"',
    "| a | table |",
    "[a link](javascript:alert(1))",
    "![an image](https://example.org/x.png)",
    "!!! warning",
    "{: .class #id }",
    "[TOC]",
    "**bold** and _slanted_ and `code`",
    "~~~",
    "    indented code",
    "&copy; &#65; &lt;",
    "<https://example.org>",
    "*[HTML]: an abbreviation",
    "[^1]: a footnote",
    ": a definition",
]
RUNNING_MARKDOWN = "\n\n".join(
    [
        "# A heading",
        "---",
        "```python\nprint('a fenced block')\n```",
        "<!-- an unclosed comment",
        "    indented code",
        "> a quote",
        "* a list",
        "1. a numbered list",
        '!!! warning "An admonition"',
        "| a | b |\n|---|---|\n| c | d |",
        "[TOC]",
        "Setext heading\n===",
        "The last paragraph, which must still be shown.",
    ]
)
YAML_1_1_WORDS = [
    "no",
    "on",
    "yes",
    "off",
    "y",
    "n",
    "NO",
    "On",
    "Yes",
    "2021-06-10",
    "1_000",
    "0x1F",
    "0o17",
    ".inf",
    ".NaN",
    "12:30",
    "1:20:30",
    "=",
    "<<",
    "2021-06-10 12:00:00",
    "False-ish",
]

ONE_LINE = {
    "html": lambda n: (
        f"<script>alert({n})</script><img src=x onerror=alert({n})><b>bold</b>"
        ' &amp; &lt;i&gt; </p></li> <a href="javascript:alert(1)">a link</a>'
    ),
    "jinja": lambda n: (
        "{{ 6 * 7 }} {% if true %}yes{% endif %} {# comment #} {{ config }} {% raw %}"
    ),
    "markdown": lambda n: MARKDOWN_LINES[n % len(MARKDOWN_LINES)],
    "yaml-1.1": lambda n: YAML_1_1_WORDS[n % len(YAML_1_1_WORDS)],
}
RUNNING = {
    "html": (
        "<script>alert('summary')</script>\n\n"
        '<div markdown="1">**bold**</div>\n\n'
        "<style>body { display: none }</style> <iframe src=https://example.org></iframe>"
    ),
    "jinja": "{{ 6 * 7 }}\n\n{% for x in range(3) %}{{ x }}{% endfor %}\n\n{{ ''.__class__ }}",
    "markdown": RUNNING_MARKDOWN,
    "yaml-1.1": "no\n\non\n\n2021-06-10",
}
FAMILIES = list(ONE_LINE)


def hostile_texts(family: str, fields: list[TextField], offset: int = 0) -> dict:
    """The family's text for each field, cut to the field's length limit."""
    return {
        field.path: (RUNNING[family] if field.paragraphs else ONE_LINE[family](offset + n))[
            : field.max_length
        ]
        for n, field in enumerate(fields)
    }


def build_with(project: Path, meeting_texts: dict, event_texts: dict, plain=()) -> Path:
    write_records(
        project / "clusters",
        fill(complete_meeting(), meeting_texts),
        fill(complete_event(), event_texts),
        plain=plain,
    )
    site = project.parent / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def test_every_text_field_of_the_model_is_filled():
    """The complete records hold every text field the model has (so every one is tested)."""
    assert {f.path for f in MEETING_FIELDS} <= set(paths_in(complete_meeting()))
    assert {f.path for f in EVENT_FIELDS} <= set(paths_in(complete_event()))
    assert len(MEETING_FIELDS) >= 12 and len(EVENT_FIELDS) >= 9


@pytest.fixture(scope="module", params=FAMILIES)
@building
def sites(request, tmp_path_factory) -> tuple[Path, Path, Markers, dict]:
    """The hostile site of one family, its reference site, and the markers."""
    family = request.param
    meeting_texts = hostile_texts(family, MEETING_FIELDS)
    event_texts = hostile_texts(family, EVENT_FIELDS, offset=len(MEETING_FIELDS))
    markers = Markers.of(MEETING_FIELDS, meeting_texts, "m")
    event_markers = Markers.of(EVENT_FIELDS, event_texts, "e")
    markers.meaning.update(event_markers.meaning)
    plain = YAML_1_1_WORDS if family == "yaml-1.1" else ()
    hostile = build_with(
        make_project(tmp_path_factory.mktemp(family) / "project", clusters=CLUSTERS),
        meeting_texts,
        event_texts,
        plain,
    )
    reference = build_with(
        make_project(tmp_path_factory.mktemp(f"{family}-ref") / "project", clusters=CLUSTERS),
        markers.values,
        event_markers.values,
    )
    return hostile, reference, markers, {**meeting_texts, **event_texts}


def pages(site: Path) -> list[str]:
    """Every HTML page, but the topics index (which sorts topics by their text)."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.relative_to(site).as_posix() != "topics/index.html"
    )


def test_every_page_shows_the_text_literally(sites):
    hostile, reference, markers, _ = sites
    assert pages(hostile) == pages(reference)
    for page in pages(hostile):
        got = signature(lxml_html.parse(str(hostile / page)).getroot())
        want = signature(lxml_html.parse(str(reference / page)).getroot(), markers)
        assert got == want, f"{page} differs from its reference"


def test_the_meeting_page_shows_title_and_tags(sites):
    """The places MkDocs and Material print front matter into: spot-checked directly."""
    hostile, _, _, texts = sites
    root = lxml_html.parse(str(hostile / SAMPLE.event / SAMPLE.slug / "index.html"))
    title = shown(texts[("title",)])
    assert root.findtext(".//title") == f"{title} - Action Cluster meetings"
    # The heading's own text: after it comes only its permalink.
    heading = root.find(".//article//h1")
    assert [child.get("class") for child in heading] == ["headerlink"]
    assert shown(heading.text) == title
    tags = [shown(a.text_content()) for a in root.iterfind(".//nav[@class='md-tags']/a")]
    assert tags == [shown(texts[("topics", 0)])]
    description = root.find(".//meta[@name='description']").get("content")
    assert description == shown(texts[("gist",)])
    nav = shown(root.find(".//nav[@aria-label='Navigation']").text_content())
    assert shown(texts[("short_name",)]) in nav and title in nav


def test_the_topics_page_lists_the_topic_literally(sites):
    hostile, _, _, texts = sites
    root = lxml_html.parse(str(hostile / "topics/index.html")).getroot()
    assert shown(texts[("topics", 0)]) in shown(root.text_content())


def test_no_element_comes_from_the_data(sites):
    """Counted directly too: no script, image, frame or style that the reference lacks."""
    hostile, reference, _, _ = sites
    for page in pages(hostile):
        for tag in ("script", "img", "iframe", "style", "hr", "pre", "code", "h1", "blockquote"):
            count = len(lxml_html.parse(str(hostile / page)).getroot().findall(f".//{tag}"))
            expected = len(lxml_html.parse(str(reference / page)).getroot().findall(f".//{tag}"))
            assert count == expected, f"{page}: {count} <{tag}> instead of {expected}"


def test_search_and_tag_indexes_hold_no_markup_from_the_data(sites):
    hostile, _, _, _ = sites
    for name in ("search/search_index.json", "tags.json"):
        data = json.loads((hostile / name).read_text(encoding="utf-8"))
        for text in _strings(data):
            for markup in ("<script", "<img", "<iframe", "<style", "<b>"):
                assert markup not in text, f"{name}: {text[:120]!r}"


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    return []


# Issue 19, item 5: invisible characters are refused in every text field, however written.

INVISIBLE_IN_VALUES = ["\u200b", "\u200e", "\u2060", "\u00ad", "\ufeff", "\U000e0041", "\u3164"]


@pytest.mark.parametrize("char", INVISIBLE_IN_VALUES, ids=lambda c: f"U+{ord(c):04X}")
def test_every_text_field_refuses_an_invisible_character(project: Path, char: str):
    """Written as a YAML escape (``"\\u200b"``), so that the file itself holds none: the
    value is refused, in each field, with its line."""
    from click.testing import CliRunner

    from meetings.cli import main

    write_records(
        project / "clusters",
        fill(complete_meeting(), {f.path: f"a{char}b" for f in MEETING_FIELDS}),
        fill(complete_event(), {f.path: f"a{char}b" for f in EVENT_FIELDS}),
    )
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    expected = f"must not contain U+{ord(char):04X} (an invisible character); remove it"
    assert len(lines) == len(MEETING_FIELDS) + len(EVENT_FIELDS), lines
    assert all(line.endswith(expected) for line in lines), lines
