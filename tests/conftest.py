"""Shared fixtures, the markers of the suite and the guard that keeps them true.

The functions and paths the fixtures use are in :mod:`tests.helpers`.

Markers (``pyproject.toml``; ``--strict-markers`` refuses any other):

``browser``
    drives Debian's chromium (every test under ``tests/browser/``, marked there).
``build``
    needs a whole MkDocs build: ``mkdocs build`` or ``serve``, ``make build`` or
    ``serve``, ``scripts/build-site``, a nested pytest. A test that builds in its body
    says so with ``@pytest.mark.build``; a test that takes a fixture decorated with
    :func:`~tests.helpers.building` is marked here, at collection.
``property``
    a hypothesis property test (marked here): ``make test-deep`` runs them at their
    full size (:func:`~tests.helpers.examples`).

``make check`` runs every test marked neither ``build`` nor ``browser``, in seconds.
The guard (:func:`_guard`) fails a test that builds unmarked, or a fixture that
builds undecorated, in every run: ``make check`` stays quick and complete.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mkdocs.commands.build
import pytest
from hypothesis import is_hypothesis_test, settings

from .helpers import (
    ROOT,
    TESTED_SITE,
    building,
    builds_the_site,
    built_site_env,
    make_project,
    mkdocs_build,
    tested_site,
)
from .records import add_sample

# In CI, the property tests try the same examples on every run, so that a pull
# request fails for its own change, not for an example drawn that day; run them
# locally (random examples) to search further.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
@building
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once for the whole session (or the ``TESTED_SITE``).

    Read it, never change it: a test that changes a site copies it first."""
    if TESTED_SITE:
        return tested_site()
    site = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT, site, env=built_site_env())
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


# --------------------------------------------------------------------------
# Markers, and the guard that a test or fixture that builds says so
# --------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.property)
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs if info is not None else {}
        if any(builds_the_site(d[-1].func) for d in definitions.values() if d):
            item.add_marker(pytest.mark.build)


_ITEMS: list[pytest.Item] = []
"""The test running now."""
_FIXTURES: list[Any] = []
"""The fixtures being set up now, the innermost last."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[Any]:
    _ITEMS.append(item)
    try:
        return (yield)
    finally:
        _ITEMS.pop()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    _FIXTURES.append(fixturedef)
    try:
        return (yield)
    finally:
        _FIXTURES.pop()


def _guard(what: str) -> None:
    """Fail the test now if it builds (``what``) without saying so."""
    if not _ITEMS:
        return
    item = _ITEMS[-1]
    if _FIXTURES:
        fixture = _FIXTURES[-1]
        if not builds_the_site(fixture.func):
            pytest.fail(
                f"the fixture {fixture.argname!r} {what}: decorate it with @building "
                "(tests/helpers.py), so that the tests taking it are marked 'build'",
                pytrace=False,
            )
    elif not (item.get_closest_marker("build") or item.get_closest_marker("browser")):
        pytest.fail(
            f"{item.nodeid} {what}: mark it @pytest.mark.build, so that `make check` "
            "leaves it to `make test`",
            pytrace=False,
        )


BUILD_COMMANDS = {"build", "serve", "gh-deploy"}
MAKE_TARGETS = {"build", "serve", "test", "test-deep", "check", "screenshots", "social-image"}
MAKE_TARGETS |= {"bench"}
DRY_RUN = {"-n", "--dry-run", "--just-print", "--recon", "-q", "--question"}
"""make's options that print or check what it would run, running nothing."""


def _a_build(args: Any) -> str | None:
    """What a command line does that builds the site, if it does: ``mkdocs build``,
    ``make serve``, ``scripts/build-site``, ``python -m pytest``."""
    if isinstance(args, str | bytes | os.PathLike):
        argv = shlex.split(os.fsdecode(args)) if isinstance(args, str | bytes) else [args]
    else:
        argv = list(args)
    words = [os.fsdecode(a) for a in argv]
    names = [Path(word).name for word in words]
    if "build-site" in names:
        return "runs scripts/build-site"
    for engine in ("mkdocs", "properdocs"):
        if engine in names and BUILD_COMMANDS & set(words):
            return f"runs `{engine} {next(w for w in words if w in BUILD_COMMANDS)}`"
    make = names and names[0] in {"make", "gmake"} and not DRY_RUN & set(words)
    if make and MAKE_TARGETS & set(words):
        return f"runs `make {' '.join(sorted(MAKE_TARGETS & set(words)))}`"
    if "pytest" in names and "-m" in words:
        return "runs pytest, whose tests build"
    if "bench.py" in names:
        return "runs scripts/bench.py"
    return None


_popen_init = subprocess.Popen.__init__
_get_navigation = mkdocs.commands.build.get_navigation


def _guarded_popen_init(self: subprocess.Popen[Any], args: Any, *rest: Any, **options: Any) -> None:
    what = _a_build(args)
    if what:
        _guard(what)
    _popen_init(self, args, *rest, **options)


def _guarded_get_navigation(*args: Any, **options: Any) -> Any:
    # MkDocs' build reaches the navigation once the records are valid: the whole build.
    _guard("builds the site with MkDocs")
    return _get_navigation(*args, **options)


subprocess.Popen.__init__ = _guarded_popen_init  # type: ignore[method-assign]
mkdocs.commands.build.get_navigation = _guarded_get_navigation
