"""A visitor finds every meeting: from the home page, by search, by topic."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.browsing import catalog
from tests.helpers import url


def searches() -> dict[str, str]:
    """For each meeting, the word of its summary that the fewest other meetings' texts have
    (the longest such), which a search must find it by: the word, and the meeting's slug."""
    meetings = catalog().meetings
    texts = [
        " ".join([m.title, m.summary, *m.topics, *(p.name for p in m.projects)]).casefold()
        for m in meetings
    ]

    def rarity(word: str) -> tuple[int, int, str]:
        return sum(word.casefold() in text for text in texts), -len(word), word

    return {min(set(re.findall(r"[A-Za-z]{5,}", m.summary)), key=rarity): m.slug for m in meetings}


SEARCHES = searches()


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def test_home_lists_the_newest_event_s_meetings_and_each_link_opens_it(
    page: Page, base_url: str
) -> None:
    meetings = catalog().events[0].meetings
    assert meetings
    page.goto("")
    content = page.locator("article")
    listed = content.locator(".meeting-cards li strong > a")
    expect(listed).to_have_count(len(meetings))
    for entry in meetings:
        page.goto("")
        content.get_by_role("link", name=entry.title, exact=True).click()
        expect(page).to_have_url(base_url + url(entry))
        expect(page.locator("article h1")).to_have_text(entry.title, use_inner_text=True)


@pytest.mark.parametrize(("word", "slug"), SEARCHES.items())
def test_search_finds_the_meeting_and_opens_it(
    page: Page, base_url: str, word: str, slug: str
) -> None:
    (entry,) = [m for m in catalog().meetings if m.slug == slug]
    page.goto("")
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.press_sequentially(word)
    # One result per page; the page's own is headed by its title.
    result = page.locator(
        ".md-search-result__link",
        has=page.get_by_role("heading", level=1, name=entry.title, exact=True),
    )
    expect(result).to_have_count(1)
    result.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base_url + url(entry))}(\?|#|$)"))
    expect(page.locator("article h1")).to_have_text(entry.title, use_inner_text=True)


def topic_meetings(page: Page, topic: str) -> Locator:
    """The links to the meetings listed under ``topic`` on the topics page."""
    heading = page.locator("article h2", has=page.locator(".md-tag", has_text=exactly(topic)))
    expect(heading).to_have_count(1)
    return heading.locator("xpath=ancestor::details[1]/ul//a")


def test_topics_page_lists_every_meeting_tagged_with_each_topic(page: Page, base_url: str) -> None:
    topics = catalog().topics
    page.goto("topics/")
    expect(page.locator("article h2:has(.md-tag)")).to_have_count(len(topics))
    for topic, entries in topics.items():
        links = topic_meetings(page, topic)
        listed = links.evaluate_all("links => links.map((link) => link.href)")
        assert sorted(listed) == sorted(base_url + url(entry) for entry in entries), topic


def test_a_meetings_topic_leads_to_the_others_tagged_with_it(page: Page, base_url: str) -> None:
    """The topic's meetings are shown at once: its disclosure opens (Material's script
    opens the details that hold the address's target)."""
    records = catalog()
    entry = records.meetings[0]
    topic = entry.topics[0]
    page.goto(url(entry))
    page.locator("nav.md-tags").get_by_role("link", name=topic, exact=True).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base_url)}topics/#tag:"))
    listed = topic_meetings(page, topic)
    for tagged in records.topics[topic]:
        link = listed.filter(has_text=exactly(tagged.title))
        expect(link).to_have_count(1)
        expect(link).to_be_in_viewport()
