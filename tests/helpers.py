"""What the tests share: the project's paths, throw-away copies of it, builds and ``make``.

Tests never build into the project's own ``site/``: each build goes into a
temporary folder, from the real records or from records a test writes.
``make`` runs on a copy of the project that has the Makefile and the build
script beside the site's sources, with this test run's environment (``BIN``)
and without installing anything (``STAMP=``), as an editor runs it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from lxml import html as lxml_html
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

import bench
from meetings.catalog import Catalog, collect
from meetings.layout import Site
from meetings.published import EventEntry, MeetingEntry

F = TypeVar("F", bound=Callable[..., Any])

ROOT = bench.ROOT
CLUSTERS = ROOT / "clusters"
BUILD_ENV = bench.BUILD_ENV
"""What every build of the tests runs with: a fixed ``SOURCE_DATE_EPOCH`` (2021-07-05)."""


TESTED_SITE = os.environ.get("TESTED_SITE")
"""A site already built from this project (``make test TESTED_SITE=site``): CI
builds the site once, for its Pages address, tests that build and publishes it."""


DEEP = bool(os.environ.get("TEST_DEEP"))
"""``make test-deep``: the property tests at their full size."""


def examples(default: int, deep: int) -> int:
    """How many examples a property test tries: ``default`` in ``make test`` and
    ``make check`` (enough to find each bug it was written for: CONTRIBUTING.md,
    "Tests"), ``deep`` in ``make test-deep``."""
    return deep if DEEP else default


def building(fixture: F) -> F:
    """Mark a fixture function as one that builds the site (``@pytest.fixture`` above
    it): the tests that take it are marked ``build`` (``tests/conftest.py``)."""
    fixture.builds_the_site = True  # type: ignore[attr-defined]
    return fixture


def builds_the_site(function: object) -> bool:
    """Whether ``function`` is a fixture marked by :func:`building`."""
    return getattr(function, "builds_the_site", False) is True


def tested_site() -> Path:
    """The folder ``TESTED_SITE`` names, checked to hold a built site."""
    assert TESTED_SITE, "no TESTED_SITE given"
    site = Path(TESTED_SITE).resolve()
    assert (site / "index.html").is_file(), f"TESTED_SITE={TESTED_SITE}: no site built there"
    return site


def built_for(site: Path) -> str:
    """The address the built ``site`` was built for (its ``site_url``): what its
    home page gives as its canonical address."""
    home = lxml_html.parse(str(site / "index.html")).getroot()
    (address,) = home.xpath("head/link[@rel='canonical']/@href")
    return str(address)


EXAMPLE_REPO = "https://github.com/example/action-cluster-meetings"
"""The repository of a test build when none is known, so that its edit buttons exist."""


def built_site_env() -> dict[str, str]:
    """The variables ``built_site`` was built with (``BUILD_ENV`` and ``REPO_URL``), for
    another build or command to match it: a ``TESTED_SITE`` was built by ``make build``,
    with the environment's."""
    if TESTED_SITE:
        names = [*BUILD_ENV, "REPO_URL"]
        return {name: os.environ[name] for name in names if name in os.environ}
    return {**BUILD_ENV, "REPO_URL": os.environ.get("REPO_URL") or EXAMPLE_REPO}


def url(page: EventEntry | MeetingEntry | str) -> str:
    """The address of a page (a record's, or a path under ``docs/``) relative to the site's
    root, as MkDocs gives it by default: ``forum-2021/ac1/``; the home page's is ``""``."""
    address = Site(None, "").page_url(page if isinstance(page, str) else page.page)
    return "" if address == "./" else address


def png_size(path: Path) -> tuple[int, int]:
    """A PNG file's width and height, from its header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


FIXTURES = ROOT / "tests" / "fixtures"
"""Made-up events, never published (their README says what each one is for)."""


def fixture_catalog(dest: Path) -> Catalog:
    """The made-up events of ``tests/fixtures/``, read from a copy in ``dest`` (the
    folder holds their README too, which the records' folder would refuse)."""
    for folder in FIXTURES.iterdir():
        if folder.is_dir():
            shutil.copytree(folder, dest / folder.name)
    return collect(dest, dest.parent)


def make_project(dest: Path, clusters: Path | None = CLUSTERS) -> Path:
    """Copy the site's sources into ``dest``, with the records of ``clusters``.

    ``clusters=None`` leaves ``dest/clusters`` empty, for a test to fill.
    """
    bench.copy_sources(dest)
    if clusters is None:
        (dest / "clusters").mkdir()
    else:
        shutil.copytree(clusters, dest / "clusters")
    return dest


def mkdocs_build(
    project: Path, site_dir: Path, *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` on ``project`` into ``site_dir``, as the command line runs it.

    In this process (a second Python, with its imports, adds nothing but half a second
    of processor time): with the environment the command would get (``BUILD_ENV``, then
    ``env``) while the configuration is read and the site built, and MkDocs' log lines
    as the command prints them (``WARNING -  …``) in ``stderr``. ``returncode`` is 1 if
    the build stopped (a warning in strict mode, a problem of the records, an error).
    The tests of what the commands themselves do (``make build``, ``scripts/build-site``,
    ``mkdocs serve``) run them as editors do, in processes of their own.
    """
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(_CommandLineFormat())
    logger = logging.getLogger("mkdocs")
    level, propagate = logger.level, logger.propagate
    # What `mkdocs` sets up (mkdocs.__main__.State): INFO and up, printed, not propagated.
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    code = 0
    try:
        with environment({**BUILD_ENV, **(env or {})}):
            build_in_process(project, site_dir)
    except Abort as error:
        lines.write(f"{error}\n")  # what click prints for an Abort
        code = 1
    except Exception:
        lines.write(traceback.format_exc())
        code = 1
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    return subprocess.CompletedProcess(
        ["mkdocs", "build", "--strict", "--site-dir", str(site_dir)], code, "", lines.getvalue()
    )


class _CommandLineFormat(logging.Formatter):
    """A log line as ``mkdocs`` prints it, without colours: ``WARNING -  message``."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}-  {super().format(record)}"


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` set, as a child process would get it; restored after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_in_process(project: Path, site_dir: Path, command: str = "build") -> None:
    """``mkdocs build --strict`` on ``project`` into ``site_dir``, in this process, with
    this process's environment; raises what the build raises (``Abort``...); with
    ``command="serve"``, the first build of ``mkdocs serve`` (drafts shown)."""
    config = load_config(
        config_file=str(project / "mkdocs.yml"), site_dir=str(site_dir), strict=True
    )
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def set_plugin_option(project: Path, name: str, value: str) -> None:
    """Set one option of the ``meetings`` plugin in the ``mkdocs.yml`` of ``project``."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entry = "\n  - meetings:\n"
    assert entry in text, "mkdocs.yml no longer lists the meetings plugin as expected"
    config.write_text(text.replace(entry, f"{entry}      {name}: {value}\n"), encoding="utf-8")


def make_full_project(dest: Path, clusters: Path | None = ROOT / "clusters") -> Path:
    """A copy of the project that ``make`` can build: the site's sources, Makefile, scripts."""
    project = make_project(dest, clusters)
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    (project / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "build-site", project / "scripts" / "build-site")
    return project


def run_make(
    project: Path, *targets: str, env: dict[str, str] | None = None, **variables: str
) -> subprocess.CompletedProcess[str]:
    """``make TARGET… NAME=value…`` in ``project``, with ``env`` added to the environment."""
    settings = {"STAMP": "", "BIN": str(Path(sys.executable).parent), **variables}
    return subprocess.run(
        ["make", "--no-print-directory", *targets, *(f"{k}={v}" for k, v in settings.items())],
        cwd=project,
        env={**os.environ, **BUILD_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_meetings(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``meetings --root PROJECT ARGUMENT…`` in this process: what ``run_make`` gives for
    the ``make`` target that runs the same command, without starting a Python (about
    0.5 s of processor time each). Keep at least one test per command on ``run_make``."""
    from click.testing import CliRunner

    from meetings.cli import main

    command = ["--root", str(project), *arguments]
    result = CliRunner().invoke(main, command)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(command, result.exit_code, result.stdout, result.stderr)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, with a digest of each file's bytes."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
        for path in sorted(folder.rglob("*"))
    }


def yamllint(*paths: Path) -> subprocess.CompletedProcess[str]:
    """``yamllint --strict`` with the project's settings."""
    return subprocess.run(
        [sys.executable, "-m", "yamllint", "--strict", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --------------------------------------------------------------------------
# mkdocs serve
# --------------------------------------------------------------------------


def _first_meeting() -> MeetingEntry:
    from meetings.catalog import collect  # here: collect needs the records, read once

    return collect(CLUSTERS).meetings[0]


_FIRST = _first_meeting()
PAGE = url(_FIRST)
"""The page of the first meeting of the records (``forum-2021/ac1-business-models-finance/``
today), which the tests of ``mkdocs serve`` wait for and edit."""
RECORD = _FIRST.file
"""That meeting's file, relative to the project."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Output:
    """The lines a process prints, read as they come (so that its pipe never fills up)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    def has(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))


@contextmanager
def mkdocs_serve(project: Path, *options: str) -> Iterator[tuple[str, Output]]:
    """``mkdocs serve`` running on ``project``: its address, and what it prints."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", *options],
        cwd=project,
        # The preview's own address (mkdocs serve serves at site_url's path), whatever
        # SITE_URL the tests run with (CI sets the Pages address).
        env={**os.environ, **BUILD_ENV, "SITE_URL": base},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(process)
    try:
        started = wait_for(lambda: fetch(base + PAGE) is not None)
        assert started, "mkdocs serve did not start:\n" + "\n".join(output.lines)
        yield base, output
    finally:
        process.terminate()
        process.wait(timeout=20)
