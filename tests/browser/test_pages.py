"""Every page of the built site, loaded as a visitor loads it: no console error,
no request to another host, a description of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Route

from tests.browser.browsing import ConsoleErrors, catalog, site_pages
from tests.helpers import url

# Link relations that make the browser load or connect without a click.
LOADING_RELS = (
    "stylesheet icon preload prefetch preconnect dns-prefetch prerender modulepreload manifest"
)
# The addresses a page's DOM makes the browser load without a click (lazy images too).
LOADED_REFERENCES = """(rels) => [
  ...[...document.querySelectorAll("[src], [srcset], [poster], object[data]")].flatMap((el) => [
    el.src, el.poster, el.data,
    ...(el.srcset || "").split(",").map((item) => item.trim().split(/\\s+/)[0]),
  ]),
  ...[...document.querySelectorAll("link[href]")]
    .filter((link) => [...link.relList].some((rel) => rels.split(" ").includes(rel)))
    .map((link) => link.href),
].filter((url) => url)"""


def stays_here(url: str, base_url: str) -> bool:
    """Whether ``url`` is on the server of the site (or needs no server at all).

    The port counts too: an address made from ``site_url`` (127.0.0.1:8000 in a
    local build, the public host in CI) is another server than the test's.
    """
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return (parts.scheme, parts.netloc) == urlsplit(base_url)[:2]


def test_every_built_page_is_listed(served_site: tuple[Path, str]) -> None:
    """The pages the browser tests are parametrized with are exactly the built ones."""
    built_site = served_site[0]
    built = {
        path.parent.relative_to(built_site).as_posix() + "/"
        if path.name == "index.html"
        else path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*.html")
    }
    built = {"" if page == "./" else page for page in built}
    assert sorted(built) == sorted(site_pages())


@dataclass
class PageLoad:
    """What loading one page did: every request (blocked ones too), the errors
    on its console, the addresses its DOM loads, its meta descriptions."""

    requests: list[str]
    console_errors: list[str]
    references: list[str]
    descriptions: list[str]


@pytest.fixture(scope="module")
def load(browser: Browser, base_url: str) -> Callable[[str], PageLoad]:
    """Load a page as a visitor does (once per page, for every test here), with
    every request recorded and those to another server blocked."""
    loads: dict[str, PageLoad] = {}

    def only_here(route: Route) -> None:
        if stays_here(route.request.url, base_url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def load(page_path: str) -> PageLoad:
        if page_path in loads:
            return loads[page_path]
        context = browser.new_context(base_url=base_url)
        record = loads[page_path] = PageLoad([], [], [], [])
        context.on("request", lambda request: record.requests.append(request.url))
        context.route("**/*", only_here)
        page = context.new_page()
        page.on("websocket", lambda socket: record.requests.append(socket.url))
        record.console_errors = ConsoleErrors(page)
        try:
            page.goto(page_path, wait_until="networkidle")
            record.references = page.evaluate(LOADED_REFERENCES, LOADING_RELS)
            record.descriptions = page.locator('head meta[name="description"]').evaluate_all(
                "metas => metas.map((meta) => meta.content)"
            )
        finally:
            context.close()
        return record

    return load


def test_no_console_error(load: Callable[[str], PageLoad], page_path: str) -> None:
    assert load(page_path).console_errors == []


def test_loading_a_page_asks_no_other_server(
    load: Callable[[str], PageLoad], base_url: str, page_path: str
) -> None:
    """Every request while the page loads (the blocked ones too) goes to the test's
    server on 127.0.0.1."""
    record = load(page_path)
    # The recording saw the page, its assets and the search index (fetched by a worker).
    assert base_url + page_path in record.requests
    assert any(url.endswith("/search/search_index.json") for url in record.requests)
    assert [url for url in record.requests if not stays_here(url, base_url)] == []
    # What loads later (lazy images) or connects without a request (resource hints).
    assert [url for url in record.references if not stays_here(url, base_url)] == []


def test_every_page_has_its_own_description(load: Callable[[str], PageLoad]) -> None:
    """Each page has one meta description, and it says something of that page."""
    records = catalog()
    expected = {url(entry): entry.description for entry in records.events}
    expected |= {url(entry): entry.one_line for entry in records.meetings}
    descriptions = {}
    for page_path in site_pages():
        found = load(page_path).descriptions
        assert len(found) == 1, f"{page_path}: {len(found)} meta descriptions"
        assert found[0].strip(), f"{page_path}: empty description"
        descriptions[page_path] = found[0]

    for page_path, text in expected.items():
        assert descriptions[page_path] == " ".join(text.split()), page_path
    # The not-found page has the site's description, like the home page; no other
    # page shares one.
    assert descriptions.pop("404.html") == descriptions[""]
    assert len(set(descriptions.values())) == len(descriptions)
