"""What the browser tests share: the records, the pages, a phone, console errors."""

from __future__ import annotations

import functools

from playwright.sync_api import Page

from meetings.catalog import Catalog, collect
from tests.helpers import ROOT, url

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@functools.cache
def catalog() -> Catalog:
    """The records the site is built from (read once; do not change it)."""
    return collect(ROOT / "clusters", ROOT)


def site_pages() -> list[str]:
    """Every page the built site should have, by its address relative to the site root.

    Known before the build, so that tests can be parametrized by page;
    ``test_every_built_page_is_listed`` checks the list against the build.
    """
    records = catalog()
    docs = ROOT / "docs"
    pages = ["", *(url(event) for event in records.events), *(url(m) for m in records.meetings)]
    pages += [url(path.relative_to(docs).as_posix()) for path in sorted(docs.rglob("*.md"))]
    pages.append("404.html")
    return pages


class ConsoleErrors(list[str]):
    """Errors a page printed to its console or threw, as they happen."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(f"uncaught: {error}"))
