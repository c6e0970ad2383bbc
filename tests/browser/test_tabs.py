"""The tabs the browser tests share a browser context for start as a new visitor's."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import _Visitor

STORED = """() => [localStorage.getItem("x"), sessionStorage.getItem("y"), document.cookie,
                   matchMedia("print").matches]"""


def test_a_tab_after_another_finds_nothing_it_stored_or_set(
    _visitors: dict[str, _Visitor], served_site: tuple[Path, str], one_meeting_site
):
    visitor = _visitors["desktop"]
    sites = [served_site[1], one_meeting_site[1]]  # two origins
    first = visitor.new_page()
    page: Page = next(first)
    for site in sites:
        page.goto(site + "about/")
        page.evaluate(
            "() => { localStorage.setItem('x', '1'); sessionStorage.setItem('y', '2'); "
            "document.cookie = 'z=3; path=/'; }"
        )
        assert page.evaluate(STORED)[:3] == ["1", "2", "z=3"]
    page.emulate_media(media="print")
    page.on("console", lambda message: None)
    next(first, None)
    assert page.is_closed()

    second = visitor.new_page()
    page = next(second)
    for site in sites:
        page.goto(site + "about/")
        assert page.evaluate(STORED) == [None, None, "", False], site
    next(second, None)
