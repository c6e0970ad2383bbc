"""`mkdocs serve`: saving a record shows the change after the reload.

(A wrong record keeps the last good pages: ``test_editing.py``, which waits
for the plugin to report the failed rebuild before it looks at the page.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import PAGE, RECORD, building, fetch, mkdocs_serve, wait_for
from .records import cut_a_word


@pytest.fixture
@building
def served(project: Path) -> Iterator[tuple[Path, str]]:
    """``mkdocs serve`` running on a copy of the project."""
    with mkdocs_serve(project) as (base, _output):
        yield project, base


def test_saving_a_summary_shows_the_new_text(served: tuple[Path, str]):
    project, base = served
    record = project / RECORD
    text = record.read_text(encoding="utf-8")
    # A change that still quotes the source: a word of the summary cut with "…".
    edited, shown = cut_a_word(text)
    assert shown not in (fetch(base + PAGE) or "")
    record.write_text(edited, encoding="utf-8")
    assert wait_for(lambda: shown in (fetch(base + PAGE) or ""))
