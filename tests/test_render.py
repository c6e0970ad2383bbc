"""Rendering: each meeting becomes a Markdown page that shows its text literally."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from lxml import html as lxml_html

from meetings.catalog import RELATED_LIMIT, build, collect
from meetings.published import MeetingEntry
from meetings.render import long_date, markdown_inline, paragraphs, render_pages, yaml_string

from .helpers import CLUSTERS, fixture_catalog

CATALOG = collect(CLUSTERS)
PAGES = render_pages(CATALOG)


def to_html(text: str) -> str:
    """Markdown as the site converts it (the extensions of mkdocs.yml)."""
    return markdown.markdown(
        text, extensions=["toc", "tables", "attr_list", "admonition", "md_in_html"]
    )


def front_matter(page: str) -> dict:
    _, head, _ = page.split("---\n", 2)
    return yaml.safe_load(head)


def test_one_page_per_meeting_plus_home_and_event():
    assert sorted(PAGES) == sorted(
        ["index.md"]
        + [event.page for event in CATALOG.events]
        + [entry.page for entry in CATALOG.meetings]
    )


@pytest.mark.parametrize("entry", CATALOG.meetings, ids=lambda e: e.slug)
def test_meeting_page_shows_every_fact(entry):
    meeting = entry
    page = PAGES[entry.page]
    meta = front_matter(page)
    assert meta["title"] == yaml_string(meeting.title).strip('"')
    assert meta["tags"] == [yaml_string(t).strip('"') for t in meeting.topics]
    text = lxml_html.fromstring(to_html(page.split("---\n", 2)[2])).text_content()
    flat = " ".join(text.split())
    # The title is the page's heading; the cluster is named there, or else among the facts.
    assert page.split("---\n", 2)[2].lstrip().startswith(f"# {markdown_inline(meeting.title)}\n")
    assert meeting.cluster.name in flat
    assert f"Date: {long_date(meeting.date)}" in flat
    assert " ".join(meeting.summary.split()) in flat
    # The topics are the page's tags (Material shows them, linked); no line repeats them.
    assert "Topics:" not in flat
    tree = lxml_html.fromstring(to_html(page.split("---\n", 2)[2]))
    hrefs = tree.xpath("//a/@href")
    for project in meeting.projects:
        assert project.name in flat
        assert project.url is None or project.url in hrefs
    numbers = {source.id: index for index, source in enumerate(entry.cited_sources, 1)}

    def cites(ids: list[str]) -> str:
        return "".join(f"[{numbers[i]}]" for i in sorted(ids, key=numbers.__getitem__))

    # The meeting's event, and its cluster where the title does not name it, as its source
    # (the one naming the meeting) gives them.
    assert f"Event: {entry.event.name} {cites(meeting.cites[:1])}" in flat
    if not entry.title_names_cluster:
        assert f"{meeting.cluster.name} {cites(meeting.cites[:1])}" in flat
    if meeting.announced_as:
        # Quoted, in quotation marks, with the announcement's sources.
        quoted = f"“{' '.join(meeting.announced_as.text.split())}” "
        assert quoted + cites(meeting.announced_as.cites) in flat
    attendance = meeting.attendance or entry.event.attendance
    if attendance:
        # An announced plan is said to be one, never a fact: "Format" is what a report says.
        said = "Announced as" if attendance.status == "announced" else "Format"
        assert f"{said}: {attendance.mode} {cites(attendance.cites)}" in flat
        if attendance.status == "announced":
            assert "Format:" not in flat
    if meeting.recording:
        assert f"“{meeting.recording.title}”" in flat
        assert (meeting.recording.url or meeting.recording.search_url) in hrefs
        # Where the recording is, with the sources that say so and their dates.
        dates = [
            long_date(s.published)
            for s in entry.cited_sources
            if s.id in meeting.recording.cites and s.published
        ]
        said = f"According to {cites(meeting.recording.cites)}"
        assert said + (f", published {' and '.join(dates)}" if dates else "") in flat
    for source in entry.cited_sources:
        assert source.label in flat
        assert source.url in hrefs
    # Each fact's citations link to its sources, numbered in the order of the Sources list.
    for source_id in meeting.cited:
        assert f"[\\[{numbers[source_id]}\\]](#source:{source_id})" in page
    assert "index.md" in hrefs  # the event page, beside it


@pytest.mark.parametrize("entry", CATALOG.meetings, ids=lambda e: e.slug)
def test_related_meetings_are_those_sharing_a_topic(entry):
    """Derived from the records: the meetings listed share the topics named, and every
    meeting sharing one is listed while there is room."""
    own = {topic.casefold() for topic in entry.topics}

    def shared(other):
        return own & {topic.casefold() for topic in other.topics}

    sharing = [other for other in CATALOG.meetings if other is not entry and shared(other)]
    assert {id(r.meeting) for r in entry.related} <= {id(other) for other in sharing}
    assert len(entry.related) == min(len(sharing), RELATED_LIMIT)
    page = PAGES[entry.page]
    for related in entry.related:
        assert {t.casefold() for t in related.shared} == shared(related.meeting)
        assert f"[{related.meeting.title}]({related.meeting.page.split('/')[-1]})" in page
    assert ("## Related meetings" in page) == bool(entry.related)


def test_home_lists_the_newest_event_s_meetings_with_a_gist():
    home = PAGES["index.md"]
    for entry in CATALOG.events[0].meetings:
        assert f"]({entry.page})" in home
        assert markdown_inline(entry.one_line) in home
    for entry in CATALOG.meetings:
        # The gist, or else the summary's first sentence.
        summary = " ".join(entry.summary.split())
        assert entry.one_line == entry.gist or summary.startswith(entry.one_line)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<!-- unclosed comment",
        "{{ config.site_name }} {% if true %}x{% endif %}",
        "# not a heading",
        "---",
        "1. not a list",
        "- not a list",
        "> not a quote",
        "```python\nfenced\n```",
        "    indented code",
        "[a link](https://example.org) ![img](x.png) <https://auto.link>",
        "*em* **strong** _u_ `code` \\backslash",
        "| a | b |\n|---|---|",
        "&amp; &lt; &#42;",
        "{: .class } ~~~ === :smile:",
        "Title\n===",
    ],
)
def test_markdown_syntax_in_text_is_shown_literally(text):
    rendered = to_html(paragraphs(text))
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    assert tree.xpath("count(./*)") == 1 and tree[0].tag == "p", rendered
    assert not tree.xpath("//script | //a | //img | //code | //em | //strong | //table | //h1")
    assert tree.text_content() == " ".join(text.split())


def test_paragraphs_are_kept():
    rendered = to_html(paragraphs("First part.\n\nSecond part.\n  \nThird."))
    assert rendered.count("<p>") == 3


def test_front_matter_text_is_html_escaped_and_valid_yaml():
    nasty = 'A "quote" </title><script>x</script> & \u2028 line'
    value = yaml.safe_load(f"title: {yaml_string(nasty)}")["title"]
    assert "<" not in value and "&lt;/title&gt;" in value and "&quot;quote&quot;" in value


def test_unknown_facts_leave_no_empty_section():
    """Speakers and times appear only once a record gives them, each speaker with its sources."""
    catalog = collect(CLUSTERS)
    entry = catalog.meetings[0]
    event = catalog.events[0]
    data = entry.model_dump()
    data.update(speakers=None, time=None)
    event.meetings[0] = MeetingEntry.model_validate(data)
    page = render_pages(build(catalog.events))[entry.page]
    assert "## Speakers" not in page
    assert "Europe/Brussels" not in page
    cited, other = entry.cites[-1], entry.cites[0]
    data["speakers"] = [
        {"name": "A. Speaker", "role": {"text": "Moderated.", "cites": [other]}, "cites": [cited]}
    ]
    data["time"] = {"start": "10:00", "end": "11:30"}
    told = event.meetings[0] = MeetingEntry.model_validate(data)
    page = render_pages(build(catalog.events))[told.page]
    ids = [source.id for source in told.cited_sources]
    number, role = ids.index(cited) + 1, ids.index(other) + 1
    assert (
        f"- **A. Speaker** [\\[{number}\\]](#source:{cited}): “Moderated.” "
        f"[\\[{role}\\]](#source:{other})\n"
    ) in page
    assert f"- **Date:** {long_date(entry.date)}, 10:00–11:30 (Europe/Brussels) [" in page


def test_a_meeting_page_says_the_cluster_once():
    """The facts name the Action Cluster only when the title does not already."""
    catalog = collect(CLUSTERS)
    pages = render_pages(catalog)
    for entry in catalog.meetings:
        shown = "- **Action Cluster:**" in pages[entry.page]
        cluster = entry.cluster
        named = f"Action Cluster {cluster.number}" in entry.title
        assert shown == (not (named and cluster.name in entry.title)), entry.page
    event = catalog.events[0]
    data = event.meetings[0].model_dump()
    data["title"] = "Opening session"
    told = event.meetings[0] = MeetingEntry.model_validate(data)
    page = render_pages(build(catalog.events))[told.page]
    cluster = told.cluster
    assert f"- **Action Cluster:** {cluster.number} · {markdown_inline(cluster.name)} [" in page


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("for 100 % renewable energy", "for 100\u00a0% renewable energy"),
        ("2.5 ‰ of 3 %", "2.5\u00a0‰ of 3\u00a0%"),
        ("100 % first", "100\u00a0% first"),
        ("% 1 per cent, 50%", "% 1 per cent, 50%"),
    ],
)
def test_a_number_and_its_unit_stay_on_one_line(text: str, shown: str):
    """A no-break space between them in the page (issue 20); the words are the record's."""
    tree = lxml_html.fragment_fromstring(to_html(paragraphs(text)), create_parent="div")
    assert tree.text_content() == shown
    assert " ".join(tree.text_content().split()) == text


def test_one_meetings_home_page_says_what_it_discussed(tmp_path: Path):
    """'1 Action Cluster meeting … what it discussed', never '… what each one discussed'."""
    records = fixture_catalog(tmp_path / "clusters")
    events = [event for event in records.events if len(event.meetings) == 1]
    assert events, "the fixtures no longer have an event of one meeting"
    home = render_pages(build(events[:1]))["index.md"]
    assert "1 Action Cluster meeting," in home and "what it discussed" in home
    assert "each one" not in home
    several = len(CATALOG.events[0].meetings) > 1
    assert ("what each one discussed" in PAGES["index.md"]) == several
