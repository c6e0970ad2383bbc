"""The look-alike table (``scripts/meetings/confusables.json``): ICU's skeletons without ICU.

Validation compares topics by their UTS #39 skeletons, computed with Python's
``unicodedata`` and a table made from ICU (``make confusables``), so that
building needs no ICU. These tests hold the table to ICU (``pyicu-wheels``, a
test tool), as the JSON Schemas are held to the data model: it is the one ICU
makes, it gives ICU's skeleton for every code point, and for random texts of
any script, with combining marks in any order and characters newer than
Python's Unicode.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import icu
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import cli
from meetings.confusables import PYTHON_UNICODE, TABLE, committed, skeleton

from .helpers import ROOT

EXAMPLES = int(os.environ.get("TRUST_EXAMPLES", "500"))

CHECKER = icu.SpoofChecker()
NFD = icu.Normalizer2.getNFDInstance()


def icu_skeleton(text: str) -> str:
    return str(CHECKER.getSkeleton(0, text))


def characters() -> list[str]:
    """Every code point but the surrogates (which are not characters)."""
    return [chr(p) for p in range(0x110000) if not 0xD800 <= p <= 0xDFFF]


# --------------------------------------------------------------------------
# The committed table is ICU's
# --------------------------------------------------------------------------


def test_the_committed_table_is_the_one_icu_makes():
    result = CliRunner().invoke(cli.main, ["--root", str(ROOT), "confusables", "--check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "The look-alike table is up to date.\n"
    assert f"ICU {icu.ICU_VERSION} (Unicode {icu.UNICODE_VERSION})" in TABLE.read_text("utf-8")


def test_a_stale_table_is_found_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    made = TABLE.read_text(encoding="utf-8")
    stale = tmp_path / "confusables.json"
    stale.write_text(made.replace('"0430": "0061"', '"0430": "0430"'), encoding="utf-8")
    assert stale.read_text(encoding="utf-8") != made
    monkeypatch.setattr(cli, "TABLE", stale)
    monkeypatch.setattr(cli, "make_table", lambda: made)  # ICU's, without reading it again
    runner = CliRunner()
    result = runner.invoke(cli.main, ["--root", str(ROOT), "confusables", "--check"])
    assert result.exit_code == 1
    assert f"Out of date with ICU: {stale}; run 'make confusables'." in result.stderr
    assert stale.read_text(encoding="utf-8") != made  # --check writes nothing
    result = runner.invoke(cli.main, ["--root", str(ROOT), "confusables"])
    assert result.exit_code == 0, result.output
    assert stale.read_text(encoding="utf-8") == made


def test_without_icu_the_table_command_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "icu", None)  # import icu now raises ImportError
    result = CliRunner().invoke(cli.main, ["--root", str(ROOT), "confusables", "--check"])
    assert result.exit_code == 1
    assert "needs ICU (pyicu-wheels" in result.stderr
    assert "run 'make confusables'" in result.stderr


# --------------------------------------------------------------------------
# The same skeletons as ICU
# --------------------------------------------------------------------------


def test_every_code_point_has_icus_skeleton_and_nfd():
    """For each of the 1,112,064 code points: the skeleton is ICU's; and, for each one
    assigned, NFD and the combining class are ICU's, what Python's Unicode does not know
    coming from the table (the characters assigned since :data:`PYTHON_UNICODE`)."""
    table = committed()
    other_skeleton, other_nfd, other_class = [], [], []
    for char in characters():
        if skeleton(char) != icu_skeleton(char):
            other_skeleton.append(f"U+{ord(char):04X}")
        if icu.Char.charType(char) == icu.UCharCategory.UNASSIGNED:
            continue
        if table.nfd(char) != NFD.normalize(char):
            other_nfd.append(f"U+{ord(char):04X}")
        kind = table.combining_classes.get(char) or unicodedata.combining(char)
        if kind != icu.Char.getCombiningClass(char):
            other_class.append(f"U+{ord(char):04X}")
    assert (other_skeleton, other_nfd, other_class) == ([], [], [])


def test_the_table_adds_only_what_is_newer_than_pythons_unicode():
    """Unicode never changes the decomposition or combining class of a character once
    assigned, so the table adds them only for characters assigned since Python 3.11's
    Unicode; for every older one, Python's are ICU's (checked above)."""
    table = committed()
    assert table.skeletons and table.decompositions and table.combining_classes
    for char in table.decompositions.keys() | table.combining_classes.keys():
        age = tuple(int(n) for n in str(icu.Char.charAge(char)).split(".")[:2])
        assert age > PYTHON_UNICODE, f"U+{ord(char):04X}"
    # Each skeleton is kept for a character that NFD leaves as it is, the only ones it reads.
    assert [c for c in table.skeletons if NFD.normalize(c) != c] == []
    assert [c for c, look in table.skeletons.items() if look == c] == []


NEWER = sorted(committed().decompositions.keys() | committed().combining_classes.keys())
IN_TABLE = sorted(committed().skeletons)

TEXT = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x24F),  # Latin
        st.characters(categories=["Mn", "Mc", "Me"]),  # combining marks, any order
        st.sampled_from(IN_TABLE),  # characters that look like others
        st.sampled_from(NEWER),  # characters Python 3.11's Unicode does not know
        st.characters(min_codepoint=0x370, max_codepoint=0x52F),  # Greek and Cyrillic
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul syllables
        st.characters(codec="utf-8"),  # any script, any character (no surrogate)
    ),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=TEXT)
def test_a_texts_skeleton_is_icus(text: str):
    assert skeleton(text) == icu_skeleton(text)
    assert skeleton(text.casefold()) == icu_skeleton(text.casefold())


# --------------------------------------------------------------------------
# Building needs no ICU
# --------------------------------------------------------------------------


def test_validation_compares_topics_without_icu():
    """``make validate`` with ICU impossible to import (as after ``make build``, which does
    not install it), on the real records, whose topics are compared by their looks."""
    code = (
        "import sys; sys.modules['icu'] = None\n"
        "from meetings.cli import main\n"
        f"main(['--root', {str(ROOT)!r}, 'validate'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
