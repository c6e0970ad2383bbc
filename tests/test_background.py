"""The open data files of a large site, made in a second process: the same files.

``mkdocs build`` of a site with many meetings (the plugin's
``background_exports_from``) makes them in a forked process while MkDocs reads
the pages; the site must be byte for byte the one made in a single process.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from meetings.background import Background
from meetings.catalog import collect
from meetings.exports import Site, export_files, export_paths

from .conftest import BUILD_ENV, CLUSTERS, ROOT, make_project
from .test_bench import bench

SITE = Site("https://example.org/meetings/", "Action Cluster meetings")
BUILT = dt.datetime(2021, 7, 5, tzinfo=dt.UTC)


def fails(message: str) -> None:
    raise ValueError(message)


def test_a_result_and_an_error_come_back_from_the_process():
    assert Background(sorted, [3, 1, 2]).result() == [1, 2, 3]
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH is wrong"):
        Background(fails, "SOURCE_DATE_EPOCH is wrong").result()


def test_a_cancelled_process_is_stopped():
    work = Background(__import__("time").sleep, 60)
    work.cancel()
    assert not work._process.is_alive()


@pytest.mark.parametrize("records", ["real", "synthetic"])
def test_the_paths_are_known_before_the_files_are_made(records: str, tmp_path: Path):
    if records == "real":
        catalog = collect(CLUSTERS, ROOT)
    else:
        bench.generate(tmp_path, 40)
        catalog = collect(tmp_path / "clusters", tmp_path)
    assert export_paths(catalog) == list(export_files(catalog, SITE, BUILT))


def test_the_site_is_the_same_whichever_process_makes_the_files(tmp_path: Path):
    project = make_project(tmp_path / "project", clusters=None)
    bench.generate(project, 30)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - meetings:\n" in text
    sites = {}
    for threshold in (0, 1):  # never, always
        setting = f"\n  - meetings:\n      background_exports_from: {threshold}\n"
        config.write_text(text.replace("\n  - meetings:\n", setting), encoding="utf-8")
        sites[threshold] = tmp_path / f"site-{threshold}"
        result = mkdocs_build(project, sites[threshold])
        assert result.returncode == 0, result.stderr
        assert ("second process" in result.stderr) == bool(threshold)
    calendars = sorted(p.relative_to(sites[1]) for p in sites[1].rglob("*.ics"))
    assert len(calendars) > 30
    assert_same_tree(sites[0], sites[1])


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict --verbose``, whose debug lines say how the files were made."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--verbose", "--site-dir", str(site)],
        cwd=project,
        env={**os.environ, **BUILD_ENV},
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_same_tree(one: Path, two: Path) -> None:
    compared = filecmp.dircmp(one, two)
    assert not compared.left_only and not compared.right_only and not compared.funny_files
    _, mismatch, errors = filecmp.cmpfiles(one, two, compared.common_files, shallow=False)
    assert not mismatch and not errors, mismatch
    for folder in compared.common_dirs:
        assert_same_tree(one / folder, two / folder)
