"""Browser tests: Debian's chromium, driven by pytest-playwright, over the built site.

One browser for the whole session (pytest-playwright's ``browser``), one
context on a desktop and one on a phone, a new tab in it for each test, emptied
of what an earlier test stored; the site is served on 127.0.0.1 by a small threaded server
the tests start themselves. It is the ``TESTED_SITE`` when one is given (CI's
build for the Pages address, the one it publishes); otherwise it is built once,
into a temporary folder, for the address it is served at. Every test here is
marked ``browser`` (``pytest -m browser`` runs them alone).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request

from meetings.browser import ChromiumMissing, launch_args, serve
from tests.browser.browsing import PHONE, ConsoleErrors, site_pages
from tests.helpers import (
    ROOT,
    building,
    built_for,
    make_project,
    mkdocs_build,
)

HERE = Path(__file__).parent
ONE_MEETING_EVENT = ROOT / "tests" / "fixtures" / "synthetic-meetup-2019"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``page_path`` runs once for every page of the site."""
    if "page_path" in metafunc.fixturenames:
        pages = site_pages()
        metafunc.parametrize("page_path", pages, ids=[page or "/" for page in pages])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium and its flags, never a browser Playwright downloads."""
    try:
        return {**browser_type_launch_args, **launch_args()}
    except ChromiumMissing as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[tuple[Path, str]]:
    """The site of the real records served on 127.0.0.1; yields (folder, address).

    It is :func:`~tests.conftest.built_site`, the one build of the session (with
    ``TESTED_SITE``, that build: CI's, for the Pages address, the bytes that are
    published), served at the path it was built for, as GitHub Pages serves a
    repository's site (the not-found page's links start with it). Its host is
    another than the one it was built for, as in CI: no page asks that host for
    anything (``test_pages``)."""
    with serve(built_site, at=urlsplit(built_for(built_site)).path) as url:
        yield built_site, url


@pytest.fixture(scope="session")
@building
def one_meeting_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The real records and the made-up event of one meeting (tests/fixtures/), built
    and served like :func:`served_site`. Yields (project, address); the site is
    ``project.parent / "site"``."""
    project = make_project(tmp_path_factory.mktemp("one-meeting") / "project")
    shutil.copytree(ONE_MEETING_EVENT, project / "clusters" / ONE_MEETING_EVENT.name)
    site = project.parent / "site"
    with serve(site) as url:
        result = mkdocs_build(project, site, env={"SITE_URL": url})
        assert result.returncode == 0, result.stderr
        yield project, url


@pytest.fixture(scope="session")
def base_url(served_site: tuple[Path, str]) -> str:
    """The served site's address; ``page.goto("about/")`` is relative to it."""
    return served_site[1]


class _Visitor:
    """A browser context for the whole session, and the origins its tabs reached."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.origins: set[str] = set()
        context.on("request", self._saw)

    def _saw(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https"}:
            self.origins.add(f"{parts.scheme}://{parts.netloc}")

    def new_page(self) -> Iterator[Page]:
        """A new tab, as a new visitor finds every site: no cookie, nothing stored, no
        route; closed after the test with what the test set on it (listeners, emulated
        media, dialogs), and what it stored for any origin it reached is cleared."""
        page = self.context.new_page()
        yield page
        cdp = self.context.new_cdp_session(page)
        for origin in sorted(self.origins):
            cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        cdp.detach()
        self.origins.clear()
        for tab in self.context.pages:
            tab.close()
        self.context.clear_cookies()
        self.context.clear_permissions()
        self.context.unroute_all()


@pytest.fixture(scope="session")
def _visitors(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[dict[str, _Visitor]]:
    """One browser context on a desktop and one on a phone, for the whole session
    (see :func:`page`)."""
    visitors = {
        "desktop": _Visitor(browser.new_context(**browser_context_args)),
        "phone": _Visitor(browser.new_context(**browser_context_args, **PHONE)),
    }
    yield visitors
    for visitor in visitors.values():
        visitor.context.close()


@pytest.fixture
def page(_visitors: dict[str, _Visitor]) -> Iterator[Page]:
    """A new desktop tab, with nothing stored by an earlier test.

    Every test's tab opens in the same browser context (emptied before and after): a
    new context costs chromium about 0.25 s more processor time per test than a new
    tab (a page load here is about 0.26 s), measured on this site."""
    yield from _visitors["desktop"].new_page()


@pytest.fixture
def phone_page(_visitors: dict[str, _Visitor]) -> Iterator[Page]:
    """A new tab in a 360 px wide phone viewport, emptied like :func:`page`."""
    yield from _visitors["phone"].new_page()


@pytest.fixture
def console_errors(page: Page) -> ConsoleErrors:
    """The console errors of ``page``, recorded from before its first load."""
    return ConsoleErrors(page)
