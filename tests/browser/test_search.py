"""Search lists a meeting's page first for what a visitor searches that meeting by: a
speaker, a project, its first topic, a word of its summary that no other summary has
(issue 20: "Koval" put the About page first, its excerpt the list of sources).

Every query comes from the records; the result is read from the search box, as a
visitor types it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from meetings.published import MeetingEntry
from tests.browser.browsing import catalog
from tests.helpers import url


def words(text: str) -> list[str]:
    """The words of a text, as a search box is typed: letters only, lower case."""
    return re.findall(r"[^\W\d_]+", text.casefold())


def distinctive_word(entry: MeetingEntry) -> str:
    """The longest word of the meeting's summary that begins no word of another meeting's
    summary (Material's search completes a word: "cities" finds "cities" and "citizens"
    would find only "citizens")."""
    others = {
        word for other in catalog().meetings if other is not entry for word in words(other.summary)
    }
    candidates = [
        word
        for word in words(entry.summary)
        if len(word) > 3 and not any(other.startswith(word) for other in others)
    ]
    assert candidates, f"{entry.slug}: every word of its summary begins another summary's word"
    return max(candidates, key=len)


def queries(entry: MeetingEntry) -> list[str]:
    """A speaker by name, by surname alone or by affiliation (written in brackets); a
    project; the first topic; a word."""
    speakers = entry.speakers or []  # None: no source names them
    return [
        *(speaker.name for speaker in speakers),
        *(speaker.name.split()[-1] for speaker in speakers if " " in speaker.name),
        *(speaker.affiliation.name for speaker in speakers if speaker.affiliation),
        *(project.name for project in entry.projects),
        entry.topics[0],
        distinctive_word(entry),
    ]


SEARCHES = [(entry, query) for entry in catalog().meetings for query in queries(entry)]


def first_results(page: Page, query: str) -> list[str]:
    """The pages the search lists for ``query``, in order, by their address's path."""
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.fill(query)
    search.press("End")  # the key's release starts the search, as when typing
    results = page.locator(".md-search-result__item > .md-search-result__link")
    expect(results.first).to_be_visible()
    hrefs = results.evaluate_all("links => links.map((link) => link.href)")
    return [urlsplit(href).path for href in hrefs]


@pytest.mark.parametrize(
    ("entry", "query"), SEARCHES, ids=[f"{entry.slug}:{query}" for entry, query in SEARCHES]
)
def test_a_search_for_a_meetings_word_lists_its_page_first(
    page: Page, base_url: str, entry: MeetingEntry, query: str
) -> None:
    page.goto("")
    found = first_results(page, query)
    meeting = urlsplit(base_url + url(entry)).path
    about = urlsplit(base_url + "about/").path
    assert found[0] == meeting, (query, found)
    assert found[0] != about


def test_the_list_of_every_source_and_the_cards_are_left_out_of_the_search(
    page: Page, base_url: str
) -> None:
    """What the About page says of a source, and the home page's cards, are said on the
    meetings' pages too: a search finds those. A word only the About page's list has
    (what a source gives, in the site's words) finds nothing."""
    events = catalog().events
    described = {word for e in events for s in e.sources for word in words(s.supports)}
    elsewhere = {
        word
        for m in catalog().meetings
        for text in (m.title, m.summary, *(s.name for s in m.speakers or []), *m.topics)
        for word in words(text)
    }
    only_about = sorted(w for w in described - elsewhere if len(w) > 6)
    assert only_about, "no word of the sources' descriptions is theirs alone"
    page.goto("")
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.fill(only_about[0])
    search.press("End")
    expect(page.locator(".md-search-result__meta")).to_have_text(
        re.compile("no matching documents", re.I)
    )
    # A card's line finds its meeting's page, never the home page.
    entry = events[0].meetings[0]
    found = first_results(page, distinctive_word(entry))
    assert urlsplit(base_url).path not in found


PLATFORMS = sorted({m.recording.platform for m in catalog().meetings if m.recording})


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_search_for_a_recordings_platform_lists_the_meetings_recorded_there_first(
    page: Page, base_url: str, platform: str
) -> None:
    """Typed as visitors type it, in lower case ("youtube" for YouTube): the pages of the
    meetings whose recording is there come before any other page."""
    recorded = {
        urlsplit(base_url + url(m)).path
        for m in catalog().meetings
        if m.recording and m.recording.platform == platform
    }
    page.goto("")
    found = list(dict.fromkeys(first_results(page, platform.casefold())))
    assert set(found[: len(recorded)]) == recorded, (platform, found)
