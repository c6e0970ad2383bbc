"""What a clone does on an editor's machine: `make serve`'s address, and no made-up links.

``make serve`` listens where ``PORT=`` and ``HOST=`` say, and a busy port stops
it with one line that says how to choose another (not mkdocs' traceback). A
clone that does not come from GitHub builds a site without a repository link
or edit buttons, rather than with a placeholder repository's addresses.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from meetings.catalog import collect

from .helpers import BUILD_ENV, CLUSTERS, PAGE, ROOT, fetch, free_port, make_full_project, wait_for

_PUBLISHED = collect(CLUSTERS)
RECORDS = sorted(ROOT / e.file for e in [*_PUBLISHED.events, *_PUBLISHED.meetings])
"""The records the site publishes (a draft has no page)."""


def make_env(**extra: str) -> dict[str, str]:
    """This test run's environment without what a parent `make` or CI set for the project."""
    unset = {"REPO_URL", "SITE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "HOST", "PORT"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {**env, **BUILD_ENV, **extra}


def make(project: Path, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    settings = ["STAMP=", f"BIN={Path(sys.executable).parent}"]
    return subprocess.run(
        ["make", "--no-print-directory", *arguments, *settings],
        cwd=project,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_full_project(tmp_path / "project")
    shutil.copy2(ROOT / "scripts" / "check-port", project / "scripts" / "check-port")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    return project


# --------------------------------------------------------------------------
# make build: only what building needs, and where the site is
# --------------------------------------------------------------------------

BUILD_LOCK, TEST_LOCK = "requirements.txt", "requirements-test.txt"


@pytest.mark.parametrize(
    ("arguments", "locks"),
    [
        (("build",), [BUILD_LOCK]),
        (("serve",), [BUILD_LOCK]),
        (("validate",), [BUILD_LOCK]),
        (("build", "ENGINE=properdocs"), [BUILD_LOCK, TEST_LOCK]),
        (("lint",), [BUILD_LOCK, TEST_LOCK]),
        (("test",), [BUILD_LOCK, TEST_LOCK]),
        (("bench",), [BUILD_LOCK, TEST_LOCK]),
    ],
)
def test_each_command_installs_the_locks_it_needs(tmp_path: Path, arguments, locks):
    """On a fresh clone (no .venv yet), what each command would install: the build's
    lock for building and previewing, the test lock on top for the tools."""
    for name in ("Makefile", "pyproject.toml", BUILD_LOCK, TEST_LOCK):
        shutil.copy2(ROOT / name, tmp_path / name)
    actionlint = ".ci/actionlint"
    shutil.copytree(ROOT / actionlint, tmp_path / actionlint, ignore=lambda *_: {"node_modules"})
    result = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", *arguments],
        cwd=tmp_path,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    installed = re.findall(r"scripts/install-venv \.venv (\S+)", result.stdout)
    assert installed == locks, result.stdout


@pytest.mark.build
def test_make_build_ends_by_naming_the_site_folder(project: Path):
    """Its last line names site/, not the temporary folder MkDocs built in."""
    settings = ["STAMP=", f"BIN={Path(sys.executable).parent}"]
    result = subprocess.run(
        ["make", "--no-print-directory", "build", *settings],
        cwd=project,
        env=make_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Building the site (mkdocs build --strict)...", lines
    assert lines[-1] == "Built the site into site/.", lines
    assert (project / "site" / "index.html").is_file()


# --------------------------------------------------------------------------
# make serve
# --------------------------------------------------------------------------


@contextmanager
def make_serve(project: Path, *arguments: str) -> Iterator[subprocess.Popen[str]]:
    """``make serve …`` running in its own process group, stopped with all its children."""
    settings = ["STAMP=", f"BIN={Path(sys.executable).parent}"]
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve", *arguments, *settings],
        cwd=project,
        env=make_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.mark.build
def test_make_serve_serves_on_the_port_given(project: Path):
    port = free_port()
    with make_serve(project, f"PORT={port}") as process:
        assert wait_for(lambda: fetch(f"http://127.0.0.1:{port}/{PAGE}") is not None)
        assert process.poll() is None


@contextmanager
def held(port: int) -> Iterator[None]:
    """``port`` on 127.0.0.1 busy: held here, or already held by another program."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
        yield


@pytest.mark.build
@pytest.mark.parametrize("arguments", [(), ("PORT=8123",)])
def test_a_busy_port_stops_make_serve_with_one_line(project: Path, arguments: tuple[str, ...]):
    port = int(arguments[0].split("=")[1]) if arguments else 8000  # the Makefile's default
    with held(port):
        result = make(project, "serve", *arguments, timeout=60)
    assert result.returncode != 0
    printed = (result.stdout + result.stderr).splitlines()
    assert len(printed) == 1, printed
    assert "Traceback" not in printed[0]
    assert f"port {port} on 127.0.0.1 is busy" in printed[0]
    assert f"make serve PORT={port + 1}" in printed[0]


@pytest.mark.build
@pytest.mark.parametrize(
    ("host", "port", "message"),
    [
        ("127.0.0.1", "http", "PORT must be a number from 1 to 65535, not 'http'"),
        ("127.0.0.1", "70000", "PORT must be a number from 1 to 65535, not '70000'"),
        ("no-such-host.invalid", "8000", "HOST 'no-such-host.invalid' is not an address"),
    ],
)
def test_make_serve_explains_an_address_it_cannot_use(project: Path, host, port, message):
    result = make(project, "serve", f"HOST={host}", f"PORT={port}", timeout=60)
    assert result.returncode != 0
    printed = (result.stdout + result.stderr).splitlines()
    assert len(printed) == 1 and message in printed[0], printed


def test_check_port_is_silent_about_a_free_port():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check-port"), "127.0.0.1", str(free_port())],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == result.stderr == ""


# --------------------------------------------------------------------------
# The repository's addresses
# --------------------------------------------------------------------------


def site_text(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.build
@pytest.mark.parametrize("origin", [None, "/srv/git/action-cluster-meetings"])
def test_a_clone_without_a_github_origin_links_no_repository(project: Path, origin: str | None):
    if origin:
        subprocess.run(["git", "-C", str(project), "remote", "add", "origin", origin], check=True)
    result = make(project, "build")
    assert result.returncode == 0, result.stderr

    files = site_text(project / "site")
    assert files
    assert [name for name, data in files.items() if b"OWNER" in data] == []
    pages = {name: data.decode() for name, data in files.items() if name.endswith(".html")}
    assert [name for name, html in pages.items() if 'rel="edit"' in html] == []
    assert [name for name, html in pages.items() if 'class="md-source"' in html] == []


@pytest.mark.build
def test_a_clone_of_a_github_repository_links_its_records(project: Path):
    repo = "https://github.com/someone/a-fork"
    subprocess.run(
        ["git", "-C", str(project), "remote", "add", "origin", f"{repo}.git"], check=True
    )
    result = make(project, "build")
    assert result.returncode == 0, result.stderr

    pages = "".join(p.read_text(encoding="utf-8") for p in (project / "site").rglob("*.html"))
    assert f'href="{repo}"' in pages
    for record in RECORDS:
        shown = record.relative_to(ROOT).as_posix()
        assert f'href="{repo}/edit/main/{shown}"' in pages, shown
