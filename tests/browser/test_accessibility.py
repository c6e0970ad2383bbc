"""axe-core finds no WCAG 2.2 A or AA violation (nor a best-practice one) on any
page, in light and in dark mode and on a phone, nor in the open search and the page
it opens. WCAG 2.2 adds the size of targets (axe: target-size): the citations
"[1][3]" after a fact, for instance, are 24 px wide at least."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
SCHEMES = {"light": ("default", None), "dark": ("slate", "Switch to dark mode")}
AXE = Axe()


def set_scheme(page: Page, scheme: str) -> None:
    """Switch the colour scheme as a visitor does: with the header's toggle."""
    attribute, toggle = SCHEMES[scheme]
    if toggle:
        page.get_by_title(toggle).click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", attribute)


def assert_no_violation(page: Page) -> None:
    # axe reads colours as they are this instant: let the transitions (the colour
    # scheme's, the search overlay's fade) end first, or it may measure halfway.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    results = AXE.run(page, options=OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    # axe did look: the rules every page is subject to ran and passed.
    passed = {rule["id"] for rule in results.response["passes"]}
    assert {"color-contrast", "html-has-lang", "document-title", "landmark-one-main"} <= passed
    assert "target-size" in passed | {r["id"] for r in results.response["inapplicable"]}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_has_no_accessibility_violation(page: Page, page_path: str, scheme: str) -> None:
    page.goto(page_path)
    set_scheme(page, scheme)
    assert_no_violation(page)


def test_page_on_a_phone_has_no_accessibility_violation(phone_page: Page, page_path: str) -> None:
    """The sizes and spacing of targets (and the rest) as lines wrap on a 360 px phone."""
    phone_page.goto(page_path)
    assert_no_violation(phone_page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_open_search_has_no_accessibility_violation(page: Page, scheme: str) -> None:
    page.goto("")
    set_scheme(page, scheme)
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.press_sequentially("city")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    expect(page.get_by_role("dialog", name="Search")).to_be_visible()
    assert_no_violation(page)
    # The page a result opens, with the words searched for highlighted.
    page.locator(".md-search-result__link").first.click()
    expect(page.locator("article mark").first).to_be_visible()
    assert_no_violation(page)
