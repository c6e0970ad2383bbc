"""When each record was last changed, from the project's git history.

A fact about the record (its file), not about the meeting: a record page says it
under its sources. It is known only where git knows it exactly:

* outside a git work tree, or without git, nothing is known;
* a record changed since the last commit (or never committed) has no date: its
  last change is not in the history yet;
* in a shallow clone (``git clone --depth 1``, CI's default checkout), a record
  last changed by a commit whose parents were cut off has no date either: its
  real last change may be older (CI's published build checks out the whole
  history: ``fetch-depth: 0``).

The dates are the committer dates of the commits, in UTC, so that two builds of
one commit are byte-identical, wherever and whenever they run. Three git
commands in all, whatever the number of records (one ``git log`` for every
file): a few milliseconds at six records (``make bench``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

TIMEOUT = 60
"""Seconds a git command may take before the dates are given up (the build goes on)."""

_COMMIT = "\x1e"
"""Starts each commit's line in the log (a character no path of a record has)."""


def last_changed(root: Path, folder: Path) -> dict[str, dt.date]:
    """When each file under ``folder`` was last changed, by its path relative to ``root``
    (the project folder, as records name their files: ``clusters/forum-2021/ac1.yaml``)."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return {}
    where = os.path.relpath(folder, root)

    def run(*arguments: str) -> str | None:
        try:
            done = subprocess.run(
                [git, "-C", str(root), "-c", "core.quotepath=off", *arguments],
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=TIMEOUT,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    shallow = run("rev-parse", "--is-shallow-repository")
    if shallow is None:  # not in a git work tree
        return {}
    log = run(
        "log", f"--format={_COMMIT}%ct %P", "--name-only", "--relative", "--no-renames",
        "--", where,
    )  # fmt: skip
    changed_since = run("diff", "--name-only", "--relative", "--no-renames", "HEAD", "--", where)
    if log is None or changed_since is None:
        return {}
    cut_off = shallow.strip() == "true"
    dates: dict[str, dt.date] = {}
    seen: set[str] = set(changed_since.split("\n"))
    when: dt.date | None = None
    for line in log.split("\n"):  # not splitlines(), which also splits at _COMMIT
        if line.startswith(_COMMIT):
            stamp, _, parents = line[1:].partition(" ")
            when = dt.datetime.fromtimestamp(int(stamp), dt.UTC).date()
            if cut_off and not parents.strip():
                when = None  # its parents were cut off: the files' real last change is unknown
        elif line and line not in seen:
            seen.add(line)  # the newest commit that names the file is its last change
            if when is not None:
                dates[line] = when
    return dates
