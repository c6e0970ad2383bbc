"""Shared fixtures: the project's paths, throw-away copies of it, and builds.

Tests never build into the project's own ``site/``: each build goes into a
temporary folder, from the real records or from records a test writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# In CI, the property tests try the same examples on every run, so that a pull
# request fails for its own change, not for an example drawn that day; run them
# locally (random examples) to search further.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
CLUSTERS = ROOT / "clusters"
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides")
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1625443200"}


def make_project(dest: Path, clusters: Path | None = CLUSTERS) -> Path:
    """Copy the site's sources into ``dest``, with the records of ``clusters``.

    ``clusters=None`` leaves ``dest/clusters`` empty, for a test to fill.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    if clusters is None:
        (dest / "clusters").mkdir()
    else:
        shutil.copytree(clusters, dest / "clusters")
    return dest


def mkdocs_build(
    project: Path, site_dir: Path, *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` on ``project`` into ``site_dir``."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env={**os.environ, **BUILD_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


TESTED_SITE = os.environ.get("TESTED_SITE")
"""A site already built from this project (``make test TESTED_SITE=site``): CI
builds the site once, for its Pages address, tests that build and publishes it."""


def built_site_env() -> dict[str, str]:
    """The variables of ``BUILD_ENV`` as ``built_site`` was built with them: a
    ``TESTED_SITE`` was built by ``make build``, with the environment's."""
    if TESTED_SITE:
        return {name: os.environ.get(name, value) for name, value in BUILD_ENV.items()}
    return BUILD_ENV


EXAMPLE_REPO = "https://github.com/example/action-cluster-meetings"
"""The repository of a test build when none is known, so that its edit buttons exist."""


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once for the whole session (or the ``TESTED_SITE``)."""
    if TESTED_SITE:
        site = Path(TESTED_SITE).resolve()
        assert (site / "index.html").is_file(), f"TESTED_SITE={TESTED_SITE}: no site built there"
        return site
    site = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT, site, env={"REPO_URL": os.environ.get("REPO_URL") or EXAMPLE_REPO})
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away copy of the project with the real records."""
    return make_project(tmp_path / "project")
