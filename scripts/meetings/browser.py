"""How the project drives a browser over a built site (tests and screenshots).

The browser is Debian's ``chromium`` (``scripts/ensure-chromium`` installs it),
never a browser that Playwright downloads, started with flags that keep it
from calling home. The site is served by :func:`serve` on 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"

CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


class ChromiumMissing(RuntimeError):
    """Debian's chromium is not on PATH."""


def chromium() -> str:
    """The path of Debian's ``chromium``."""
    path = shutil.which("chromium")
    if path is None:
        raise ChromiumMissing(
            "chromium is not installed: run 'scripts/ensure-chromium' "
            "(as root it runs 'apt-get install --no-install-recommends chromium')"
        )
    return path


def launch_args() -> dict[str, Any]:
    """Keyword arguments for Playwright's ``chromium.launch``."""
    return {"executable_path": chromium(), "args": list(CHROMIUM_FLAGS)}


class _Handler(SimpleHTTPRequestHandler):
    """Serves the folder ``directory`` under the path ``at``, quietly."""

    def __init__(self, *args: Any, directory: str, at: str, **kwargs: Any) -> None:
        self.at = at
        super().__init__(*args, directory=directory, **kwargs)

    def send_head(self) -> Any:
        if not self.path.startswith(self.at):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.at))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path, at: str = "/") -> Iterator[str]:
    """Serve the folder ``site`` on 127.0.0.1 (a free port), under the path ``at``
    (``/action-cluster-meetings/``, as GitHub Pages serves a repository's site);
    yields its base URL.

    The folder is read at each request: a site can be built into it once its
    address is known.
    """
    if not (at.startswith("/") and at.endswith("/")):
        raise ValueError(f"serve: the path {at!r} must start and end with '/'")
    handler = functools.partial(_Handler, directory=str(site), at=at)
    server = ThreadingHTTPServer((HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}{at}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
