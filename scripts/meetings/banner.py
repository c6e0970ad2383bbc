"""``mkdocs serve``: a failed rebuild shows its errors on every page served.

When a rebuild fails, the server goes on serving the last good pages
(:func:`~meetings.plugin._keeping_last_good_site`), and the editor who saved
would see nothing happen: the errors are only in the terminal. So while the
last rebuild has failed, every HTML page the server sends carries a banner at
its top with the errors of that rebuild, one ``FILE:LINE:COL: field: message``
line each, as text: a file name or a value may hold markup, and here it is
shown, never run. The next good rebuild takes the banner away (MkDocs reloads
the pages open in a browser after each rebuild, good or not).

The banner is put into the responses, in memory, by a WSGI wrapper around the
server's application (:meth:`wsgiref.simple_server.WSGIServer.set_app`), as
MkDocs itself puts its reload script in: nothing is written into the site
folder, so nothing of it can be published.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

BANNER_ID = "meetings-build-errors"

_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
# Characters that are no text: shown as U+FFFD rather than sent to the browser.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:100000;max-height:60vh;overflow:auto;"
    "box-sizing:border-box;margin:0;padding:0.75rem 1rem;background:#fff4f4;color:#5c0011;"
    "border-bottom:4px solid #b00020;font:15px/1.45 system-ui,sans-serif;text-align:left"
)
_LINES_STYLE = (
    "margin:0.5rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 monospace"
)


def banner(lines: Iterable[str]) -> bytes:
    """The banner that lists ``lines``, each escaped: text, whatever it holds."""
    shown = "\n".join(html.escape(_NOT_TEXT.sub("\ufffd", line), quote=True) for line in lines)
    return (
        f'<div id="{BANNER_ID}" role="alert" style="{_STYLE}">'
        "<strong>The last save was not built: this is the last good page.</strong> "
        "Fix these problems and save again; this message goes away with the next good build."
        f'<pre style="{_LINES_STYLE}">{shown}</pre></div>'
    ).encode()


def with_banner(page: bytes, lines: Iterable[str]) -> bytes:
    """``page`` (HTML) with the banner first in its body."""
    found = _BODY.search(page)
    at = found.end() if found else 0
    return page[:at] + banner(lines) + page[at:]


WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def serving_errors(app: WSGIApp, errors: Callable[[], list[str]]) -> WSGIApp:
    """The server's application, with the banner in every HTML page while ``errors()``
    gives any."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answered: list[Any] = []

        def hold(status: str, headers: list[tuple[str, str]], *more: Any) -> Any:
            answered[:] = [status, headers, *more]
            return lambda data: None  # the server's app writes nothing through it

        # The errors are read once the server's app has answered: it waits for a rebuild
        # under way to end, and the page must carry that rebuild's errors, not the last's.
        body = app(environ, hold)
        shown = errors()
        status, headers, *more = answered
        kind = next((value for name, value in headers if name.lower() == "content-type"), "")
        if not shown or not kind.startswith("text/html"):
            start_response(status, headers, *more)
            return body
        try:
            page = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        page = with_banner(page, shown)
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(page)))], *more)
        return [page]

    return serve


class ErrorLines(logging.Handler):
    """The errors and warnings logged while a rebuild runs: those its banner lists, if it
    fails (in strict mode, a warning fails it)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.errors = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += record.getMessage().splitlines()
        self.errors += record.levelno >= logging.ERROR

    @contextmanager
    def listening(self) -> Iterator[list[str]]:
        """Collect what MkDocs and the plugins log meanwhile (the ``mkdocs`` logger)."""
        self.lines, self.errors = [], 0
        logger = logging.getLogger("mkdocs")
        logger.addHandler(self)
        try:
            yield self.lines
        finally:
            logger.removeHandler(self)
