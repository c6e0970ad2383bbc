"""The built site: a page per meeting with its facts, navigation, search, topics."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from meetings.catalog import collect
from meetings.navigation import NAV_EVENTS, titles
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
    assert all(title in words for title in titles(listed))


def test_home_page_gives_the_overview(built_site: Path):
    tree = page(built_site, "")
    article = text_of(tree.xpath("//article")[0])
    event = CATALOG.events[0]
    cards = tree.xpath("//article//*[contains(@class, 'meeting-cards')]/ul/li")
    assert len(cards) == len(event.meetings)
    for card, entry in zip(cards, event.meetings, strict=True):
        # Each meeting is named as everywhere else: by its title.
        (link,) = card.xpath(".//strong/a")
        assert (text_of(link), link.get("href")) == (entry.title, url(entry))
        assert " ".join(entry.one_line.split()) in text_of(card)
    # The event's own text is on its page, which the home page links (issue 20).
    assert " ".join(event.description.split()) not in article
    assert url(event) in tree.xpath("//article//a/@href")
    event_page = text_of(page(built_site, url(event)).xpath("//article")[0])
    assert " ".join(event.description.split()) in event_page
    if event.action_clusters:
        assert " ".join(event.action_clusters.split()) in event_page


def blocks(tree: lxml_html.HtmlElement) -> set[str]:
    """The text of each paragraph and list item of a page's article."""
    return {text_of(block) for block in tree.xpath("//article//p | //article//li")}


def test_the_home_page_and_the_event_page_say_each_thing_once(built_site: Path):
    """Issue 20: with one event, they showed the same cards, definition and sources."""
    for event in CATALOG.events[:1]:
        home, event_page = page(built_site, ""), page(built_site, url(event))
        # A meeting's title names it on both (a card, an item of the list): a name, not
        # a thing said twice.
        titles = {m.title for m in event.meetings}
        shared = {text for text in blocks(home) & blocks(event_page) if len(text) > 20}
        assert shared - titles == set()
        assert not event_page.xpath("//article//*[contains(@class, 'meeting-cards')]")
        listed = event_page.xpath("//h2[@id='meetings']/following-sibling::ul[1]/li/a")
        assert [(text_of(a), a.get("href")) for a in listed] == [
            (m.title, url(m).removeprefix(url(event))) for m in event.meetings
        ]


def test_quoted_text_names_its_source_on_the_page_that_quotes_it(built_site: Path):
    """Its title (or address), publisher and date, linked: the cards of the home page
    (the first sentences of the summaries), the event page (its description), each
    meeting page (its summary, in check_meeting_page)."""

    def named(tree: lxml_html.HtmlElement, source) -> bool:
        for link in tree.xpath("//article//a[@href]"):
            if link.get("href") == source.url and text_of(link) == source.label:
                around = text_of(link.getparent())
                date = long_date(source.published) if source.published else "no date given"
                return source.publisher in around and date in around
        return False

    event = CATALOG.events[0]
    home = page(built_site, "")
    for entry in event.meetings:
        if not entry.gist:
            assert named(home, event.source(entry.cites[0])), entry.slug
    for entry in CATALOG.events:
        assert named(page(built_site, url(entry)), entry.source(entry.cites[0])), entry.slug


def test_no_page_but_about_describes_a_source_or_says_whose_the_text_is(built_site: Path):
    """What each source gives, and that the quoted text is its publishers', are said once,
    on the About page; every other page's list of sources points there, and every
    footer links the licence."""
    about = page(built_site, "about")
    about_text = text_of(about.xpath("//article")[0])
    supports = [" ".join(s.supports.split()) for e in CATALOG.events for s in e.sources]
    assert all(text in about_text for text in supports)
    assert "claims no licence" in about_text
    for path in sorted(built_site.rglob("*.html")):
        tree = lxml_html.parse(str(path)).getroot()
        address = path.relative_to(built_site).as_posix()
        footer = {text_of(a): a.get("href") for a in tree.xpath("//footer//a")}
        licence = urljoin("https://site.test/" + address, footer.get("Licence", ""))
        assert licence.endswith("/about/#quoted-text-and-licence"), (address, licence)
        if address == "about/index.html":
            continue
        text = text_of(tree.xpath("//article")[0]) if tree.xpath("//article") else ""
        assert "claims no licence" not in text, address
        assert [s for s in supports if s in text] == [], address
    assert about.xpath("//*[@id='quoted-text-and-licence']")
    for entry in [*CATALOG.events, *MEETINGS]:
        event = getattr(entry, "event", entry)
        tree = page(built_site, url(entry))
        pointer = tree.xpath("//h2[@id='sources']/following-sibling::p[1]/a/@href")
        assert [href.split("/")[-1] for href in pointer] == [f"#sources:{event.slug}"]
        assert pointer[0].split("#")[0].endswith("about/"), pointer
        assert about.xpath(f"//h3[@id='sources:{event.slug}']")


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
