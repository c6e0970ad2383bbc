"""The built site: a page per meeting with its facts, navigation, search, topics."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from meetings.catalog import collect

from .conftest import CLUSTERS, ROOT

CATALOG = collect(CLUSTERS)
MEETINGS = CATALOG.meetings


def page(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / url / "index.html")).getroot()


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def search_docs(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.mark.parametrize("entry", MEETINGS, ids=lambda e: e.meeting.slug)
def test_meeting_page_has_its_facts(built_site: Path, entry):
    meeting = entry.meeting
    tree = page(built_site, entry.url)
    article = text_of(tree.xpath("//article")[0])
    assert tree.xpath("string(//article//h1)") == meeting.title
    assert tree.xpath("string(//title)") == f"{meeting.title} - Action Cluster meetings"
    assert meeting.cluster.name in article
    assert "10 June 2021" in article
    assert " ".join(meeting.summary.split()) in article
    for topic in meeting.topics:
        assert topic in tree.xpath("//nav[@class='md-tags']//a/text()")
    links = {a.get("href"): text_of(a) for a in tree.xpath("//article//a[@href]")}
    assert links[meeting.recording.search_url] == "search YouTube for its exact title"
    assert links[meeting.source.url] == meeting.source.title
    edit = tree.xpath("//a[@rel='edit']/@href")
    assert edit and edit[0].endswith(f"/edit/main/{entry.file}")


def test_navigation_shows_the_six_meetings(built_site: Path):
    tree = page(built_site, "")
    nav_links = tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")
    for entry in MEETINGS:
        assert any(href.rstrip("/").endswith(entry.meeting.slug) for href in nav_links), entry.url
    labels = {text_of(a) for a in tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a")}
    assert {entry.meeting.title for entry in MEETINGS} <= labels
    assert "Forum 2021" in " ".join(tree.xpath("//nav[contains(@class,'md-nav--primary')]//text()"))


def test_home_page_gives_the_overview(built_site: Path):
    tree = page(built_site, "")
    article = text_of(tree.xpath("//article")[0])
    event = CATALOG.events[0].event
    assert " ".join(event.description.split()) in article
    assert " ".join(event.action_clusters.split()) in article
    cards = tree.xpath("//article//*[contains(@class, 'meeting-cards')]/ul/li")
    assert len(cards) == len(MEETINGS)
    for card, entry in zip(cards, MEETINGS, strict=True):
        # Each meeting is named as everywhere else: by its title.
        (link,) = card.xpath(".//strong/a")
        assert (text_of(link), link.get("href")) == (entry.meeting.title, entry.url)
        assert entry.meeting.one_line in text_of(card)
    # The meetings come before the event's longer text.
    assert article.index(MEETINGS[-1].meeting.one_line) < article.index(
        " ".join(event.description.split())
    )


def test_topics_page_links_meetings_sharing_a_topic(built_site: Path):
    tree = page(built_site, "topics")
    content = lxml_html.tostring(tree.xpath("//article")[0], encoding="unicode")
    for topic, entries in CATALOG.topics.items():
        assert html.escape(topic) in content
        for entry in entries:
            assert f'href="../{entry.url}"' in content
    scaling = [e.meeting.cluster.number for e in CATALOG.topics["scaling up"]]
    assert scaling == [2, 5]


def test_search_index_holds_every_field(built_site: Path):
    docs = search_docs(built_site)
    all_text = " ".join(doc["title"] + " " + doc["text"] for doc in docs)
    for word in ("VARCITIES", "GDPR", "procurement", "Bauhaus", "youth", "charging"):
        assert word in all_text
    for entry in MEETINGS:
        meeting = entry.meeting
        text = html.unescape(
            " ".join(
                d["title"] + " " + d["text"] for d in docs if d["location"].startswith(entry.url)
            )
        )
        fields = [
            meeting.title,
            meeting.cluster.name,
            meeting.recording.title,
            meeting.recording.channel,
            meeting.source.title,
            meeting.source.publisher,
            *meeting.topics,
            *meeting.projects,
            *re.findall(r"[A-Za-z][\w-]+", meeting.summary),
        ]
        missing = [f for f in fields if " ".join(f.split()) not in text]
        assert not missing, (entry.url, missing)


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
    """`git grep` of a phrase of a summary finds it under clusters/ and nowhere else."""
    result = subprocess.run(
        ["git", "grep", "-l", "pre-commercial procurement", "--", ".", ":!tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    files = result.stdout.split()
    assert files == ["clusters/forum-2021/ac1-business-models-finance.yaml"]
