"""Work done on a second processor core while MkDocs goes on with its own.

MkDocs builds a site on one core. The plugin's open data files (the calendars
above all) take as long as a quarter of its own pages' work, yet MkDocs needs
them only when it copies the static files, after it has read every page. So
``mkdocs build`` of a large site makes them in a forked process meanwhile
(:class:`Background`), and the plugin collects them in ``on_env``, the last
hook before the copy.

A forked process starts at once and shares the parent's memory (the catalog
is not copied nor pickled), but forking is safe only in a process with a
single thread: ``mkdocs serve`` runs a server and a file watcher beside the
build, so there, and on a single core, the work is done in the process
(:func:`can_fork`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def can_fork() -> bool:
    """Whether a forked process is safe (one thread) and useful (a second core) here."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and (os.cpu_count() or 1) > 1
    )


class Background:
    """``function(*args)`` computed in a forked process; :meth:`result` waits for it."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, function, args), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> Any:
        """The function's result, or its exception raised here."""
        try:
            succeeded, value = self._receive.recv()
        except EOFError:
            raise RuntimeError("the background process ended without a result") from None
        finally:
            self._receive.close()
            self._process.join()
        if not succeeded:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the process, e.g. when the build failed before the result was needed."""
        self._process.terminate()
        self._process.join()
        self._receive.close()


def _run(send: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        outcome = (True, function(*args))
    except Exception as error:
        outcome = (False, error)
    try:
        send.send(outcome)
    except Exception as error:  # an exception that cannot be pickled
        send.send((False, RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        send.close()
