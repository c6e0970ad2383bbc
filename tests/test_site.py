"""The built site: a page per meeting with its facts, navigation, search, topics."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from meetings.catalog import collect
from meetings.navigation import NAV_EVENTS
from meetings.render import long_date

from .helpers import CLUSTERS, ROOT, url

CATALOG = collect(CLUSTERS)
MEETINGS = CATALOG.meetings


def page(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / url / "index.html")).getroot()


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def search_docs(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.mark.parametrize("entry", MEETINGS, ids=lambda e: e.slug)
def test_meeting_page_has_its_facts(built_site: Path, entry):
    check_meeting_page(built_site, entry)


def check_meeting_page(built_site: Path, entry) -> None:
    """A meeting's page shows what its record says, each fact with its sources."""
    meeting = entry
    tree = page(built_site, url(entry))
    article = text_of(tree.xpath("//article")[0])
    assert "".join(tree.xpath("//article//h1/text()")) == meeting.title
    assert tree.xpath("string(//title)") == f"{meeting.title} - Action Cluster meetings"
    assert meeting.cluster.name in article
    assert long_date(meeting.date) in article
    assert " ".join(meeting.summary.split()) in article
    for topic in meeting.topics:
        assert topic in tree.xpath("//nav[@class='md-tags']//a/text()")
    pairs = [(a.get("href"), text_of(a)) for a in tree.xpath("//article//a[@href]")]
    links = dict(pairs)
    recording = meeting.recording
    if recording and recording.url:
        assert links[recording.url] == "Watch the recording"
        assert f"“{recording.title}”" in article
    elif recording:
        assert links[recording.search_url] == "Search YouTube for the recording"
    # The Sources list: every source of the page, each with its title (or address),
    # publisher and date, and an anchor the citations beside the facts link to.
    sources = tree.xpath("//article//h2[@id='sources']/following-sibling::ol[1]/li")
    assert len(sources) == len(entry.cited_sources)
    for item, source in zip(sources, entry.cited_sources, strict=True):
        anchor = item.xpath("./a")[0]
        assert (anchor.get("id"), anchor.get("href")) == (f"source:{source.id}", source.url)
        assert text_of(anchor) == source.label
        assert source.publisher in text_of(item)
        if source.published:
            assert long_date(source.published) in text_of(item)
    cited = set(tree.xpath("//article//a[starts-with(@href, '#source:')]/@href"))
    assert cited == {f"#source:{source_id}" for source_id in meeting.cited}
    for speaker in meeting.speakers or []:
        item = tree.xpath(f"//article//li[strong[normalize-space()='{speaker.name}']]")[0]
        # Each fact's sources after it, numbered as in the Sources list, in that order: the
        # name's, the affiliation's, the role's (which one source may give alone).
        facts = [speaker, speaker.affiliation, speaker.role]
        expected = [
            f"#source:{s.id}"
            for fact in facts
            if fact is not None
            for s in entry.cited_sources
            if s.id in fact.cites
        ]
        assert item.xpath("./a/@href") == expected
        if speaker.role:
            assert f"“{' '.join(speaker.role.text.split())}”" in text_of(item)
    for project in meeting.projects:
        assert project.name in article
        if project.url:
            assert (project.url, project.name) in pairs
    edit = tree.xpath("//a[@rel='edit']/@href")
    assert edit and edit[0].endswith(f"/edit/main/{entry.file}")


def test_navigation_shows_the_newest_events_and_their_meetings(built_site: Path):
    tree = page(built_site, "")
    nav_links = tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")
    listed = CATALOG.events[:NAV_EVENTS]
    meetings = [entry for event in listed for entry in event.meetings]
    for entry in meetings:
        assert any(href.rstrip("/").endswith(entry.slug) for href in nav_links), url(entry)
    labels = {text_of(a) for a in tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a")}
    assert {entry.title for entry in meetings} <= labels
    words = " ".join(tree.xpath("//nav[contains(@class,'md-nav--primary')]//text()"))
    assert all(event.nav_title in words for event in listed)


def test_home_page_gives_the_overview(built_site: Path):
    tree = page(built_site, "")
    article = text_of(tree.xpath("//article")[0])
    event = CATALOG.events[0]
    MEETINGS = event.meetings
    assert " ".join(event.description.split()) in article
    if event.action_clusters:
        assert " ".join(event.action_clusters.split()) in article
    cards = tree.xpath("//article//*[contains(@class, 'meeting-cards')]/ul/li")
    assert len(cards) == len(MEETINGS)
    for card, entry in zip(cards, MEETINGS, strict=True):
        # Each meeting is named as everywhere else: by its title.
        (link,) = card.xpath(".//strong/a")
        assert (text_of(link), link.get("href")) == (entry.title, url(entry))
        assert entry.one_line in text_of(card)
    # The meetings come before the event's longer text.
    assert article.index(MEETINGS[-1].one_line) < article.index(" ".join(event.description.split()))


def test_topics_page_links_meetings_sharing_a_topic(built_site: Path):
    tree = page(built_site, "topics")
    content = lxml_html.tostring(tree.xpath("//article")[0], encoding="unicode")
    for topic, entries in CATALOG.topics.items():
        assert html.escape(topic) in content
        for entry in entries:
            assert f'href="../{url(entry)}"' in content
        # Exactly the meetings whose records list the topic, whatever its case.
        listing = [e for e in MEETINGS if topic.casefold() in map(str.casefold, e.topics)]
        assert entries == listing


def test_search_index_holds_every_field(built_site: Path):
    docs = search_docs(built_site)
    for entry in MEETINGS:
        meeting = entry
        text = html.unescape(
            " ".join(
                " ".join([d["title"], d["text"], *d.get("tags", [])])
                for d in docs
                if d["location"].startswith(url(entry))
            )
        )
        fields = [
            meeting.title,
            meeting.cluster.name,
            *([meeting.recording.title, meeting.recording.channel] if meeting.recording else []),
            *(source.label for source in entry.cited_sources),
            *(source.publisher for source in entry.cited_sources),
            *meeting.topics,
            *(project.name for project in meeting.projects),
            *(speaker.name for speaker in meeting.speakers or []),
            *re.findall(r"[A-Za-z][\w-]+", meeting.summary),
        ]
        missing = [f for f in fields if " ".join(f.split()) not in text]
        assert not missing, (url(entry), missing)


def test_no_page_asks_another_host_for_fonts(built_site: Path):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        source = path.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in source and "fonts.gstatic.com" not in source, path


def test_not_found_page(built_site: Path):
    tree = lxml_html.parse(str(built_site / "404.html")).getroot()
    assert tree.xpath("string(//article//h1)") == "Page not found"


def test_meeting_text_lives_only_in_the_records():
    """No file of the project outside clusters/ (and the tests) holds a summary's first
    sentence: the records are the one place of their text."""
    sentences = {entry.one_line for entry in MEETINGS if len(entry.one_line) >= 40}
    assert sentences
    skipped = {".git", ".venv", ".venv-lock", "site", "node_modules", "clusters", "tests"}
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if set(parts) & skipped or not path.is_file() or path.suffix in {".png", ".lock"}:
            continue
        try:
            text = " ".join(path.read_text(encoding="utf-8").split())
        except (UnicodeDecodeError, OSError):
            continue
        assert not [s for s in sentences if s in text], path


def test_about_page_lists_every_source_from_the_records(built_site: Path):
    """The About page's sources come from the events' lists, written nowhere else."""
    tree = page(built_site, "about")
    for entry in CATALOG.events:
        heading = tree.xpath(f"//article//h3[a[normalize-space()='{entry.name}']]")[0]
        items = heading.xpath("following-sibling::ol[1]/li")
        assert len(items) == len(entry.sources)
        for item, source in zip(items, entry.sources, strict=True):
            anchor = item.xpath("./a")[0]
            assert anchor.get("href") == source.url
            assert anchor.get("id") == f"source:{entry.slug}:{source.id}"
            assert text_of(anchor) == source.label
            assert " ".join(source.supports.split()) in text_of(item)
    hand_written = (ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    for entry in CATALOG.events:
        assert not [s.url for s in entry.sources if s.url in hand_written]


def test_about_page_says_what_no_source_gives(built_site: Path):
    tree = page(built_site, "about")
    items = tree.xpath("//h2[@id='what-is-not-known']/following-sibling::ul[1]/li")
    by_label = {text_of(li.xpath("strong")[0]): li for li in items}
    unnamed = [e for e in MEETINGS if not e.speakers]
    if unnamed and len(unnamed) < len(MEETINGS):
        linked = by_label["Speakers"].xpath("a/@href")
        assert linked == [f"../{url(e)}" for e in unnamed]
    assert ("Speakers" in by_label) == bool(unnamed)
    untimed = [e for e in MEETINGS if e.time is None]
    assert ("Start and end times" in by_label) == bool(untimed)
    unaddressed = [e for e in MEETINGS if e.recording and not e.recording.url]
    assert ("The address of the video" in by_label) == bool(unaddressed)
    organised = all(e.organizer for e in CATALOG.events)
    assert ("Who organised" in by_label) == (not organised)
    text = text_of(tree.xpath("//article")[0])
    assert "claims no licence" in text and "MIT" in text
