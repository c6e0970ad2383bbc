"""On a 360 px wide phone: nothing scrolls sideways, a number stays with its unit,
the menu reaches every meeting, and the light/dark toggle works and is remembered
(on a desktop too)."""

from __future__ import annotations

import re

import markdown
import pytest
from playwright.sync_api import Page, expect

from meetings.navigation import NAV_EVENTS, titles
from meetings.render import paragraphs
from tests.browser.browsing import PHONE, catalog
from tests.helpers import url


def test_page_does_not_scroll_sideways(phone_page: Page, page_path: str) -> None:
    phone_page.goto(page_path)
    width = PHONE["viewport"]["width"]
    # A phone zooms out to show wider content, so compare with the device's width.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= width
    assert phone_page.evaluate("window.innerWidth") == width


# Each "N %" of the page's text, and the number of lines it is shown on.
NUMBERS_AND_UNITS = """(article) => {
  const found = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\d\\s[%‰]/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      found.push([match[0], tops.size]);
    }
  }
  return found;
}"""


MADE_UP_NUMBERS = (
    "A sentence made up for the test, long enough to wrap on a phone many times over: "
    "cities reaching 100 % renewable energy, 2.5 ‰ of the budget, then 45 % and 7 % more, "
    "and again 100 % of the buildings, 12 % of the roofs and 3 ‰ of the streets."
)
"""Numbers with units at many places of a line, shown as the site renders a summary."""


def check_numbers_stay_together(page: Page, address: str) -> None:
    for width in range(320, 481, 8):
        page.set_viewport_size({"width": width, "height": 740})
        found = page.locator("article").evaluate(NUMBERS_AND_UNITS)
        assert found, (address, "the number is not on the page")
        assert [lines for _, lines in found] == [1] * len(found), (address, width, found)


def test_a_number_and_its_unit_stay_on_one_line(phone_page: Page) -> None:
    """'100 %' is never parted at the end of a line (issue 20), at every width from the
    narrowest phone up: in the records' summaries where they have one, on the meeting's
    page and on its card (the home page's, for the newest event); and in a made-up
    summary rendered as the site renders one, in a meeting's page."""
    entries = [m for m in catalog().meetings if re.search(r"\d [%‰]", m.summary)]
    newest = catalog().events[0]
    for entry in entries:
        carded = entry in newest.meetings and re.search(r"\d [%‰]", entry.one_line)
        for address in (url(entry), *([""] if carded else [])):
            phone_page.goto(address)
            check_numbers_stay_together(phone_page, address)
    address = url(catalog().meetings[0])
    phone_page.goto(address)
    made_up = markdown.markdown(paragraphs(MADE_UP_NUMBERS))
    phone_page.locator("article h1").evaluate(
        "(heading, html) => heading.insertAdjacentHTML('afterend', html)", made_up
    )
    check_numbers_stay_together(phone_page, address)


def test_menu_opens_and_reaches_every_meeting(phone_page: Page, base_url: str) -> None:
    page = phone_page
    drawer = page.locator("nav.md-nav--primary")
    listed = catalog().events[:NAV_EVENTS]  # the newest events; older ones are not in it
    for event, title in zip(listed, titles(listed), strict=True):
        for entry in event.meetings:
            page.goto("")
            expect(drawer).not_to_be_in_viewport()
            page.locator('label.md-header__button[for="__drawer"]').click()
            expect(drawer).to_be_in_viewport()
            section = drawer.locator(
                ".md-nav__container",
                has=page.get_by_role("link", name=title, exact=True),
            )
            section.locator("label").click()
            link = drawer.get_by_role("link", name=entry.title, exact=True)
            expect(link).to_be_in_viewport()
            link.click()
            expect(page).to_have_url(base_url + url(entry))
            expect(page.locator("article h1")).to_have_text(entry.title, use_inner_text=True)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_colour_scheme_toggle_works_and_is_remembered(
    request: pytest.FixtureRequest, screen: str
) -> None:
    page: Page = request.getfixturevalue("phone_page" if screen == "phone" else "page")
    body = page.locator("body")
    background = "getComputedStyle(document.body).backgroundColor"
    page.goto("")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    light = page.evaluate(background)

    page.get_by_title("Switch to dark mode").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    dark = page.evaluate(background)
    assert dark != light

    # Remembered on the next page and after a reload.
    meeting = page.locator("article .meeting-cards li strong > a").first
    target = meeting.evaluate("link => link.href")
    meeting.click()
    expect(page).to_have_url(target)
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate(background) == dark

    page.get_by_title("Switch to light mode").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert page.evaluate(background) == light
