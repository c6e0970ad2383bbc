"""`mkdocs serve`: saving a record shows the change after the reload."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import BUILD_ENV

PAGE = "forum-2021/ac2-citizen-focus/"
RECORD = "clusters/forum-2021/ac2-citizen-focus.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
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
def mkdocs_serve(project: Path) -> Iterator[tuple[str, Output]]:
    """``mkdocs serve`` running on ``project``: its address, and what it prints."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
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


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Path, str]]:
    """``mkdocs serve`` running on a copy of the project."""
    with mkdocs_serve(project) as (base, _output):
        yield project, base


def test_saving_a_summary_shows_the_new_text(served: tuple[Path, str]):
    project, base = served
    record = project / RECORD
    assert "cross-city cooperation." in fetch(base + PAGE)
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("cross-city cooperation.", "cross-city cooperation. Edited while serving."),
        encoding="utf-8",
    )
    assert wait_for(lambda: "Edited while serving." in (fetch(base + PAGE) or ""))


def test_a_broken_record_keeps_the_last_good_pages(served: tuple[Path, str]):
    project, base = served
    record = project / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("summary:", "sumary:"), encoding="utf-8")
    time.sleep(3)  # long enough for a rebuild to be attempted
    assert "cross-city cooperation." in (fetch(base + PAGE) or "")
    record.write_text(text.replace("cross-city cooperation.", "Fixed again."), encoding="utf-8")
    assert wait_for(lambda: "Fixed again." in (fetch(base + PAGE) or ""))
