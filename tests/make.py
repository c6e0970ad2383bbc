"""Run the project's ``make`` targets on a throw-away copy of the project.

The copy has the Makefile and the build script beside the site's sources, and
uses this test run's environment (``BIN``) without installing anything
(``STAMP=``), so ``make build`` and ``make new`` run as an editor runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import BUILD_ENV, ROOT, make_project


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
