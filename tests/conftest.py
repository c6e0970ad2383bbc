"""Shared fixtures; the functions and paths they use are in :mod:`tests.helpers`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from .helpers import EXAMPLE_REPO, ROOT, TESTED_SITE, make_project, mkdocs_build, tested_site
from .records import add_sample

# In CI, the property tests try the same examples on every run, so that a pull
# request fails for its own change, not for an example drawn that day; run them
# locally (random examples) to search further.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once for the whole session (or the ``TESTED_SITE``)."""
    if TESTED_SITE:
        return tested_site()
    site = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT, site, env={"REPO_URL": os.environ.get("REPO_URL") or EXAMPLE_REPO})
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away copy of the project with the real records."""
    return make_project(tmp_path / "project")


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A throw-away copy of the project with the real records and the example meeting
    (:data:`tests.records.SAMPLE`), for a test to break."""
    project = make_project(tmp_path / "project")
    add_sample(project)
    return project
