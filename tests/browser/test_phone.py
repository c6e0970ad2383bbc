"""On a 360 px wide phone: nothing scrolls sideways, the menu reaches every meeting,
and the light/dark toggle works and is remembered (on a desktop too)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from meetings.navigation import NAV_EVENTS
from tests.browser.browsing import PHONE, catalog
from tests.helpers import url


def test_page_does_not_scroll_sideways(phone_page: Page, page_path: str) -> None:
    phone_page.goto(page_path)
    width = PHONE["viewport"]["width"]
    # A phone zooms out to show wider content, so compare with the device's width.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= width
    assert phone_page.evaluate("window.innerWidth") == width


def test_menu_opens_and_reaches_every_meeting(phone_page: Page, base_url: str) -> None:
    page = phone_page
    drawer = page.locator("nav.md-nav--primary")
    for event in catalog().events[:NAV_EVENTS]:  # the newest events; older ones are not in it
        for entry in event.meetings:
            page.goto("")
            expect(drawer).not_to_be_in_viewport()
            page.locator('label.md-header__button[for="__drawer"]').click()
            expect(drawer).to_be_in_viewport()
            section = drawer.locator(
                ".md-nav__container",
                has=page.get_by_role("link", name=event.nav_title, exact=True),
            )
            section.locator("label").click()
            link = drawer.get_by_role("link", name=entry.title, exact=True)
            expect(link).to_be_in_viewport()
            link.click()
            expect(page).to_have_url(base_url + url(entry))
            expect(page.locator("article h1")).to_have_text(entry.title, use_inner_text=True)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_colour_scheme_toggle_works_and_is_remembered(
    new_context: Callable[..., BrowserContext], screen: str
) -> None:
    page = new_context(**(PHONE if screen == "phone" else {})).new_page()
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
