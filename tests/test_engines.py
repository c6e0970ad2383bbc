"""ProperDocs, the maintained continuation of MkDocs 1.6, builds the same site.

``make build ENGINE=properdocs`` runs ProperDocs (installed from the test lock) on
the same ``mkdocs.yml``, through the same ``meetings`` plugin, Material theme
and overrides. The two builds are compared file by file: the meeting and event
pages, the search index and the open data files must be the same. The one
difference allowed is the page head's ``generator`` tag, in which each engine
names itself; any other difference fails, with the file that differs.
(CONTRIBUTING.md, "Beyond MkDocs".)
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from meetings.catalog import collect
from meetings.exports import export_files
from meetings.layout import Site

from .helpers import CLUSTERS, ROOT, building, built_site_env, url

CATALOG = collect(CLUSTERS)
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def properdocs_build(
    project: Path, site_dir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "properdocs",
            "build",
            "--strict",
            "-f",
            "mkdocs.yml",
            "-d",
            site_dir,
        ],
        cwd=project,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
@building
def builds(
    built_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The real project built by MkDocs (the session's build) and by ProperDocs, with
    the same settings: every file of each."""
    folder = tmp_path_factory.mktemp("engines")
    result = properdocs_build(ROOT, folder / "properdocs", built_site_env())
    assert result.returncode == 0, result.stderr
    return files_of(built_site), files_of(folder / "properdocs")


def test_properdocs_builds_the_same_files(builds):
    mkdocs, properdocs = builds
    assert sorted(properdocs) == sorted(mkdocs)


def test_the_meeting_and_event_pages_differ_only_by_the_generator_tag(builds):
    mkdocs, properdocs = builds
    pages = [f"{url(entry)}index.html" for entry in (*CATALOG.events, *CATALOG.meetings)]
    assert len(pages) == len(CATALOG.events) + len(CATALOG.meetings) >= 2
    for page in pages:
        assert GENERATOR.findall(mkdocs[page]) != GENERATOR.findall(properdocs[page]), page
        assert [g.split(b",")[0] for g in GENERATOR.findall(properdocs[page])] == [
            b"mkdocs-ProperDocs " + properdocs_version().encode()
        ]
        assert GENERATOR.sub(b"", mkdocs[page]) == GENERATOR.sub(b"", properdocs[page]), page


def test_the_search_index_and_the_open_data_are_byte_for_byte_the_same(builds):
    mkdocs, properdocs = builds
    exported = export_files(CATALOG, Site("https://example.org/", "Any"))  # only their paths
    paths = ["search/search_index.json", "sitemap.xml", *exported]
    for path in paths:
        assert path in mkdocs, path
        assert properdocs[path] == mkdocs[path], path


def test_every_other_file_is_the_same_but_for_the_generator_tag(builds):
    mkdocs, properdocs = builds
    different = [
        path
        for path, data in mkdocs.items()
        if GENERATOR.sub(b"", data) != GENERATOR.sub(b"", properdocs.get(path, b""))
    ]
    assert different == []


def properdocs_version() -> str:
    return importlib.metadata.version("properdocs")
