"""What a visitor's browser does with hostile names and long words, and the feed link.

* Issue 10, item 1: with a script in a record's file name (let through here,
  as if the name check were missing), no page runs it: the edit addresses
  are percent-encoded.
* Item 10: a 60-character topic without a space does not make a page scroll
  sideways on a 390 px phone.
* Item 11: no page asks for ``sitemap.xml`` (Material fetches it beside every
  ``link[rel=alternate]``), and feed readers still discover the feed.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import mf2py
import pytest
from playwright.sync_api import BrowserContext, Page

import meetings.load
from meetings.browser import serve
from tests.browser.browsing import catalog, site_pages
from tests.helpers import (
    BUILD_ENV,
    EXAMPLE_REPO,
    build_in_process,
    building,
    built_for,
    make_project,
    mkdocs_build,
)
from tests.records import SAMPLE, add_passages, add_sample

SCRIPT = '"><img src=x onerror=alert(document.domain)>'
PHONE_390 = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def every_page(site: Path) -> list[str]:
    return sorted(
        path.parent.relative_to(site).as_posix() + "/" if path.name == "index.html" else path.name
        for path in site.rglob("*.html")
    )


@pytest.fixture
@building
def hostile_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """The site built with a script in a record's file name, the name check off.

    (An event folder's name is its slug, which is checked by the model too.)"""
    monkeypatch.setattr(meetings.load, "SLUG_NAME", re.compile(r".+"), raising=False)
    for name, value in {**BUILD_ENV, "REPO_URL": EXAMPLE_REPO}.items():
        monkeypatch.setenv(name, value)
    project = make_project(tmp_path / "project")
    add_sample(project)  # the example meeting, whose file gets the script in its name
    path = project / SAMPLE.file
    path.rename(path.parent / f"ac2{SCRIPT}.yaml")
    site = tmp_path / "site"
    with serve(site) as url:
        monkeypatch.setenv("SITE_URL", url)
        build_in_process(project, site)
        yield site, url


def test_no_script_from_a_file_name_runs_on_any_page(
    hostile_site: tuple[Path, str], new_context: Callable[..., BrowserContext]
):
    site, url = hostile_site
    page = new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = every_page(site)
    assert len(pages) >= len(site_pages())
    edits = 0
    for path in pages:
        page.goto(url + path)
        page.wait_for_load_state("load")
        for edit in page.locator("a.md-content__button").all():
            href = edit.get_attribute("href") or ""
            assert not re.search(r"[\"<> ]", href), href
            edits += 1
    assert edits >= len(catalog().meetings)
    assert dialogs == [], f"a script ran on the site: {dialogs}"


LONG_TOPIC = "Interoperabilityframeworkforcrossborderdigitalpublicservices"


@pytest.fixture(scope="module")
@building
def long_topic_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp("long") / "project")
    add_sample(project)
    record = project / SAMPLE.file
    text = record.read_text(encoding="utf-8").replace(
        "topics:\n", f"topics:\n  - {LONG_TOPIC}\n", 1
    )
    # A topic is a word of the summary, which quotes its source: a paragraph of both.
    text = re.sub(r"(?m)^(topics:)$", f"  \n  {LONG_TOPIC}.\n\\1", text, count=1)
    record.write_text(text, "utf-8")
    add_passages(project / "clusters", SAMPLE.source, f"{LONG_TOPIC}.")
    site = project / "site"
    with serve(site) as url:
        result = mkdocs_build(project, site, env={"SITE_URL": url})
        assert result.returncode == 0, result.stderr
        yield url


@pytest.mark.parametrize("path", ["topics/", f"{SAMPLE.event}/{SAMPLE.slug}/", ""])
def test_a_long_topic_does_not_make_a_phone_scroll_sideways(
    long_topic_site: str, new_context: Callable[..., BrowserContext], path: str
):
    assert len(LONG_TOPIC) == 60 and " " not in LONG_TOPIC
    page = new_context(**PHONE_390).new_page()
    page.goto(long_topic_site + path)
    if path:
        assert page.get_by_text(LONG_TOPIC).count() >= 1
    assert page.evaluate("window.innerWidth") == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture(scope="module")
def elsewhere(served_site: tuple[Path, str]) -> Iterator[str]:
    """The same site served at another address than the one it was built for (a preview)."""
    with serve(served_site[0]) as url:
        yield url


@pytest.mark.parametrize("where", ["its own address", "another address"])
def test_no_page_asks_for_the_sitemap(
    page: Page, served_site: tuple[Path, str], elsewhere: str, where: str
):
    base = served_site[1] if where == "its own address" else elsewhere
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in [*site_pages()[:4], "topics/"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    assert requests
    assert not [url for url in requests if url.endswith("sitemap.xml")]
    origin = urlsplit(base).netloc
    assert {urlsplit(url).netloc for url in requests if url.startswith("http")} == {origin}


def test_feed_readers_discover_the_feed_on_every_page(served_site: tuple[Path, str]):
    """As microformats' rel parsing reads links (the words of rel, the type), on every page."""
    site, base = served_site
    count = len(catalog().meetings)
    feeds = set()
    for path in site_pages():
        with urllib.request.urlopen(base + path, timeout=10) as response:
            document = response.read().decode("utf-8")
        rels = mf2py.parse(doc=document, url=base + path, html_parser="html5lib")["rel-urls"]
        found = [
            url
            for url, link in rels.items()
            if "alternate" in link["rels"] and link.get("type") == "application/atom+xml"
        ]
        assert len(found) == 1, (path, rels)
        feeds.update(found)
    (feed_url,) = feeds
    # The link is the published address (the one the site was built for), whole, as
    # feed readers need it; this server serves the same file under its own address.
    published = built_for(site)
    assert feed_url == published + "feed.xml"
    with urllib.request.urlopen(base + feed_url.removeprefix(published), timeout=10) as response:
        feed = feedparser.parse(response.read())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == count


# Issue 19, item 9: a meeting titled "Source article" keeps the citations' targets.


@pytest.fixture(scope="module")
@building
def source_titled_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The real site with the first meeting titled "Source <id of the source it cites first>"."""
    project = make_project(tmp_path_factory.mktemp("source-title") / "project")
    entry = catalog().meetings[0]
    record = project / entry.file
    title = f"Source {entry.cites[0]}"
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), "utf-8")
    event = project / entry.event.file  # the title is quoted from a source: it says so here
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("    passages:\n", f"    passages:\n      - {title}\n"), "utf-8")
    site = project / "site"
    with serve(site) as url:
        result = mkdocs_build(project, site, env={"SITE_URL": url})
        assert result.returncode == 0, result.stderr
        yield url + entry.page.removesuffix(".md") + "/", title


def test_a_citation_jumps_to_its_source_whatever_the_title(
    source_titled_site: tuple[str, str], new_context: Callable[..., BrowserContext]
):
    address, title = source_titled_site
    page = new_context().new_page()
    page.goto(address)
    assert page.locator("article h1").first.inner_text().startswith(title)
    citations = page.locator("article a", has_text=re.compile(r"^\[\d+\]$"))
    assert citations.count() >= 1
    for index in range(citations.count()):
        citation = citations.nth(index)
        number = citation.inner_text()
        citation.click()
        target = page.evaluate(
            "() => { const t = document.querySelector(':target');"
            " return t && [t.tagName, t.parentElement.tagName, t.closest('ol') !== null]; }"
        )
        assert target == ["A", "LI", True], f"{number} leads to {target}"
