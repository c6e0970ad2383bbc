"""What the site says of itself is true of the build (issue 18, item 6).

The About page, the accessibility statement and the not-found page promise an
edit button, a link to the repository or "Report a problem" only when the build
knows the repository (``REPO_URL``); the plugin fills in their words
(``<!-- meetings/correct -->``, ``<!-- meetings/report -->``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from .helpers import building, make_project, mkdocs_build


def normal(text: str) -> str:
    return " ".join(text.split())


def page_of(site: Path, address: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / address / "index.html")).getroot()


@pytest.fixture(scope="module")
@building
def without_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("norepo") / "project")
    site = project.parent / "site"
    result = mkdocs_build(project, site, env={"REPO_URL": ""})
    assert result.returncode == 0, result.stderr
    return site


PROMISES = {
    "about": "use the edit button (the pencil)",
    "accessibility": "use the Report a problem link at the bottom of every page",
}
"""What each page promises a visitor when the build knows the repository."""


def test_a_build_without_a_repository_promises_no_link_to_it(without_repository: Path):
    site = without_repository
    for address, promise in PROMISES.items():
        tree = page_of(site, address)
        article = normal(tree.xpath("string(//article)"))
        assert promise not in article and "open an issue" not in article, address
        assert "built without the address of its repository" in article, address
        assert not tree.xpath("//a[@rel='edit']"), address
        assert not tree.xpath("//a[contains(@href, '/issues')]"), address
    not_found = lxml_html.parse(str(site / "404.html")).getroot()
    assert not not_found.xpath("//a[@rel='edit'] | //a[contains(@href, '/issues')]")


def test_a_build_with_a_repository_has_what_its_pages_promise(built_site: Path):
    for address, promise in PROMISES.items():
        tree = page_of(built_site, address)
        assert promise in normal(tree.xpath("string(//article)")), address
        assert tree.xpath("//a[@rel='edit']"), address
        # The issues the page links are those the footer's "Report a problem" opens.
        footer = tree.xpath("//footer//a[normalize-space()='Report a problem']/@href")
        issues = tree.xpath("//article//a[contains(@href, '/issues')]/@href")
        assert footer and set(issues) == set(footer), address
