"""What a visitor sees first and reads: the meetings on the first screen of a phone,
each meeting's facts and topics once, search results that say what a meeting
discussed, words in the right number, link previews, print and the footer.

Expectations come from the records (``catalog()``), and, for the words, from a
made-up event of a single meeting (``tests/fixtures/synthetic-meetup-2019``)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from meetings.catalog import Catalog, collect
from meetings.published import MeetingEntry
from tests.browser.browsing import catalog, site_pages
from tests.browser.conftest import ONE_MEETING_EVENT
from tests.helpers import built_for, url

BIG_PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def folded(text: str) -> str:
    """Text as a person sorts it: without case, and without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def flat(text: str) -> str:
    return " ".join(text.split())


def meeting_ids(entry: MeetingEntry) -> str:
    return entry.slug


# --- Home ------------------------------------------------------------------------------


def test_the_first_meeting_card_is_on_a_phones_first_screen(new_context: Any) -> None:
    page = new_context(**BIG_PHONE).new_page()
    page.goto("")
    newest = catalog().events[0]
    cards = page.locator("article .meeting-cards > ul > li")
    expect(cards).to_have_count(len(newest.meetings))
    first = cards.first
    expect(first).to_contain_text(newest.meetings[0].title)
    box = first.bounding_box()
    assert box is not None and 0 < box["y"] < BIG_PHONE["viewport"]["height"], box
    # The site's name is in the header, not repeated as the page's heading.
    name = page.locator("header .md-header__topic").first.inner_text().strip()
    assert name not in page.locator("article h1").inner_text()


def test_each_card_names_the_meeting_gives_its_gist_and_day_and_opens_it(
    page: Page, base_url: str
) -> None:
    for entry in catalog().events[0].meetings:
        page.goto("")
        card = page.locator(".meeting-cards > ul > li", has_text=entry.title)
        expect(card).to_have_count(1)
        expect(card).to_contain_text(entry.one_line)
        day = entry.date
        expect(card).to_contain_text(f"{day.day} {day:%B} {day.year}")
        # The whole card opens the meeting, not only its title.
        card.click(position={"x": 20, "y": card.bounding_box()["height"] - 12})
        expect(page).to_have_url(base_url + url(entry))


# --- Meeting pages -----------------------------------------------------------------------


@pytest.mark.parametrize("entry", catalog().meetings, ids=meeting_ids)
def test_meeting_page_says_each_topic_once_and_skips_to_its_heading(
    page: Page, entry: MeetingEntry
) -> None:
    page.goto(url(entry))
    article = page.locator("article")
    # The skip link leads to the page's heading, the meeting's title.
    target = page.locator("a.md-skip").get_attribute("href")
    assert target and target.startswith("#")
    heading = article.locator("h1")
    expect(heading).to_have_count(1)
    assert heading.get_attribute("id") == target[1:]
    expect(heading).to_have_text(re.compile(rf"^\s*{re.escape(entry.title)}\s*¶?\s*$"))
    for topic in entry.topics:
        # One element of the content is the topic, and it is a link to the topic. (A
        # project of the same name, such as an initiative, is another fact: its list
        # is left aside.)
        alone = article.evaluate(
            """(article, topic) => [...article.querySelectorAll("*")].filter((el) =>
                 el.textContent.trim() === topic &&
                 ![...el.children].some((child) => child.textContent.trim() === topic) &&
                 el.closest("ul")?.previousElementSibling?.id !== "projects-and-initiatives"
               ).map((el) => el.closest("a") ? el.closest("a").getAttribute("href") : null)""",
            topic,
        )
        assert len(alone) == 1, (topic, alone)
        assert alone[0] and "topics/#tag:" in alone[0], (topic, alone)


@pytest.mark.parametrize("entry", catalog().meetings, ids=meeting_ids)
def test_meeting_page_offers_the_recording_and_the_calendar_near_the_top(
    page: Page, base_url: str, entry: MeetingEntry
) -> None:
    page.goto(url(entry))
    actions = page.locator("article .md-button")
    calendar = page.locator("article a.md-button", has_text="Add to calendar")
    expect(calendar).to_have_count(1)
    assert urljoin(page.url, calendar.get_attribute("href")) == base_url + entry.calendar
    recording = entry.recording
    if recording:
        watch = actions.first
        href = watch.get_attribute("href")
        if recording.url:
            assert href == recording.url
            expect(watch).to_contain_text("Watch")
        else:
            # Only a search is known: the button says so.
            assert href == recording.search_url
            expect(watch).to_contain_text(re.compile("search", re.I))
    # Near the top: before the first section of the page.
    first_section = page.locator("article h2").first
    top = actions.last.bounding_box()["y"]
    assert top < first_section.bounding_box()["y"]


def test_searching_a_word_of_a_summary_shows_that_summary(page: Page) -> None:
    # The longest word of a summary, and every meeting whose summary has it.
    word = max(re.findall(r"[a-z]{5,}", catalog().meetings[0].summary), key=len)
    found = [m for m in catalog().meetings if word in m.summary.casefold()]
    assert found, "no summary of the records has the word searched for"
    page.goto("")
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.press_sequentially(word)
    for entry in found:
        result = page.locator(
            ".md-search-result__item > .md-search-result__link",
            has=page.get_by_role("heading", level=1, name=entry.title, exact=True),
        )
        expect(result).to_have_count(1)
        text = flat(result.locator("article > p").first.inner_text())
        assert text and text.rstrip(".… ") in flat(entry.summary), text


# --- Topics ------------------------------------------------------------------------------


def check_topics_page(page: Page, records: Catalog) -> None:
    page.goto("topics/")
    headings = page.locator("article h2 .md-tag")
    shown = [flat(text) for text in headings.all_inner_texts()]
    assert shown == sorted(records.topics, key=lambda topic: (folded(topic), topic))
    counts = [flat(text) for text in page.locator("article .topic-count").all_inner_texts()]
    expected = [len(entries) for entries in records.topics.values()]
    assert counts == [f"{n} meeting" if n == 1 else f"{n} meetings" for n in expected]


def test_topics_are_in_the_order_a_person_expects_with_their_number_of_meetings(
    page: Page,
) -> None:
    check_topics_page(page, catalog())


def test_topics_with_capitals_and_accents_sort_among_the_others(
    browser: Any, one_meeting_site: tuple[Path, str]
) -> None:
    project, base = one_meeting_site
    records = collect(project / "clusters", project)
    assert any(folded(topic) != topic for topic in records.topics)  # the fixture's
    context = browser.new_context(base_url=base)
    try:
        check_topics_page(context.new_page(), records)
    finally:
        context.close()


DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TODAYS_TOPICS = 24
"""How many topics the records had when the topics page was laid out to fit one
1280 × 900 screen (issue 20; docs/assets/screenshots/topics-desktop.png)."""


def test_the_topics_fit_a_desktop_screen_in_rows(new_context: Any) -> None:
    """Every topic side by side, closed: with as many as today, the whole page fits one
    1280 × 900 screen; with more, it grows by rows of several topics, not one a line."""
    page = new_context(**DESKTOP).new_page()
    page.goto("topics/")
    topics = page.locator("article details.topic")
    expect(topics).to_have_count(len(catalog().topics))
    boxes = topics.evaluate_all(
        "ds => ds.map((d) => { const r = d.getBoundingClientRect();"
        " return [Math.round(r.left), r.height, d.open]; })"
    )
    columns = len({left for left, _, _ in boxes})
    assert columns >= 4, boxes
    assert not any(opened for _, _, opened in boxes)
    # A topic closed is its name (two lines at most) and its number of meetings.
    assert max(height for _, height, _ in boxes) < 90, boxes
    if len(boxes) <= TODAYS_TOPICS:
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= DESKTOP["viewport"]["height"], height


def test_a_topics_meetings_are_one_tap_away_on_a_phone(new_context: Any, base_url: str) -> None:
    page = new_context(**BIG_PHONE).new_page()
    page.goto("topics/")
    for topic, entries in catalog().topics.items():
        summary = page.locator("article details.topic > summary").filter(
            has=page.locator(".md-tag", has_text=re.compile(rf"^\s*{re.escape(topic)}\s*$"))
        )
        links = summary.locator("xpath=following-sibling::ul//a")
        expect(links.first).to_be_hidden()
        summary.tap()
        for entry in entries:
            link = links.filter(has_text=entry.title)
            expect(link).to_be_visible()
            assert link.get_attribute("href") and base_url + url(entry) == link.evaluate(
                "a => a.href"
            )
        summary.tap()  # closed again
        expect(links.first).to_be_hidden()
    # Two topics side by side, even on a phone.
    lefts = page.locator("article details.topic").evaluate_all(
        "ds => ds.map((d) => Math.round(d.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == min(2, len(lefts)), lefts


# --- Words -------------------------------------------------------------------------------


def test_no_page_says_1_meetings_and_events_show_their_dates(
    browser: Any, one_meeting_site: tuple[Path, str]
) -> None:
    project, base = one_meeting_site
    records = collect(project / "clusters", project)
    (single,) = [event for event in records.events if event.slug == ONE_MEETING_EVENT.name]
    assert len(single.meetings) == 1
    site = project.parent / "site"
    pages = sorted(
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("*.html")
    )
    assert url(single) in pages and url(single.meetings[0]) in pages
    context = browser.new_context(base_url=base)
    try:
        page = context.new_page()
        for address in pages:
            page.goto(address)
            text = page.locator("body").inner_text()
            assert not re.search(r"\b1 meetings\b", text), address
        start, end = single.start_date, single.end_date
        span = rf"{start.day} {start:%B}\s*–\s*{end.day} {end:%B} {end.year}"
        for address in ("", url(single)):
            page.goto(address)
            article = page.locator("article").inner_text()
            assert re.search(span, article), (address, span)
        page.goto(url(single))
        assert re.search(r"\b1 meeting\b", page.locator("article").inner_text())
    finally:
        context.close()


# --- Every page: link previews and the footer --------------------------------------------


@pytest.fixture(scope="module")
def heads(browser: Any, base_url: str) -> dict[str, dict[str, Any]]:
    """Each page's Open Graph tags and footer links, read once for the tests below."""
    context = browser.new_context(base_url=base_url)
    found = {}
    try:
        page = context.new_page()
        for address in site_pages():
            page.goto(address)
            found[address] = {
                "meta": page.locator("head meta[property]").evaluate_all(
                    "metas => Object.fromEntries(metas.map((m) => [m.getAttribute('property'),"
                    " m.content]))"
                ),
                "twitter": page.locator("head meta[name^='twitter:']").evaluate_all(
                    "metas => Object.fromEntries(metas.map((m) => [m.name, m.content]))"
                ),
                "footer": page.locator("footer a").evaluate_all(
                    "links => links.map((a) => [a.textContent.trim(), a.href])"
                ),
            }
    finally:
        context.close()
    return found


def test_every_page_has_a_title_and_a_picture_for_link_previews(
    heads: dict[str, dict[str, Any]], served_site: tuple[Path, str]
) -> None:
    site, _ = served_site
    # A link preview is fetched from the address the site was built for (CI's
    # TESTED_SITE is built for its Pages address), so the picture's address is
    # absolute there, and names a file of this site.
    built = built_for(site)
    for address, head in heads.items():
        meta = head["meta"]
        assert meta.get("og:title", "").strip(), address
        assert meta.get("og:description", "").strip(), address
        image = meta.get("og:image", "")
        assert image.startswith(built), (address, image)
        file = site / image.removeprefix(built)
        assert file.is_file() and file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", (address, image)
        assert head["twitter"].get("twitter:image") == image, address
        assert head["twitter"].get("twitter:card") == "summary_large_image", address


def test_every_page_links_the_accessibility_statement_in_its_footer(
    heads: dict[str, dict[str, Any]], base_url: str
) -> None:
    for address, head in heads.items():
        links = dict(head["footer"])
        assert links.get("Accessibility statement") == base_url + "accessibility/", address


def test_the_accessibility_statement_has_the_model_statements_parts(page: Page) -> None:
    page.goto("accessibility/")
    sections = [flat(t) for t in page.locator("article h2").all_inner_texts()]
    for part in (
        "Compliance status",
        "Non-accessible content",
        "Preparation of this statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ):
        assert any(section.startswith(part) for section in sections), part
    expect(page.locator("article")).to_contain_text("WCAG")


# --- Print -------------------------------------------------------------------------------


def test_a_printed_meeting_page_shows_link_addresses_and_no_buttons(page: Page) -> None:
    entry = catalog().meetings[0]
    page.goto(url(entry))
    page.emulate_media(media="print")
    after = page.evaluate(
        """() => [...document.querySelectorAll("article a[href^='http']:not(.headerlink)")]
             .filter((a) => a.offsetParent !== null)
             .map((a) => [a.href, getComputedStyle(a, "::after").content])"""
    )
    assert after, "no link to another site on the page"
    for href, content in after:
        assert href in content.replace('\\"', '"'), (href, content)
    # What only works on a screen is left out.
    for hidden in page.locator("article .print-hidden").all():
        expect(hidden).to_be_hidden()
    expect(page.locator("header.md-header")).to_be_hidden()
