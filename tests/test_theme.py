"""The copies of Material's partials in ``overrides/partials/`` differ from Material's
installed files only by the change each one's header documents.

A Material upgrade that changes one of these files fails here: compare the new
file with the copy, carry the change over, and update the header's version.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import material
import pytest

from .helpers import ROOT

MATERIAL = Path(material.__file__).parent / "templates"
HEADER = re.compile(r"\A\{#-\n(?P<text>.*?)\n-#\}\n", re.S)

CHANGES = {
    # Names the search dialog (axe: aria-dialog-name).
    "search.html": [
        (
            '<div class="md-search" data-md-component="search" role="dialog">',
            '<div class="md-search" data-md-component="search" role="dialog" '
            "aria-label=\"{{ lang.t('search') }}\">",
        )
    ],
    # No call to api.github.com for the repository's stars and forks.
    "source.html": [(' class="md-source" data-md-component="source">', ' class="md-source">')],
    # Names the topics' navigation (axe: landmark-unique).
    "tags.html": [
        (
            '<nav class="md-tags" {{ hidden }}>',
            '<nav class="md-tags" aria-label="Topics" {{ hidden }}>',
        )
    ],
}


def without_header(text: str) -> tuple[str, str]:
    match = HEADER.match(text)
    assert match, "a partial starts with a {#- … -#} comment"
    return match["text"], text[match.end() :]


def test_every_copied_partial_is_checked():
    copied = {path.name for path in (ROOT / "overrides" / "partials").glob("*.html")}
    material_names = {path.name for path in (MATERIAL / "partials").glob("*.html")}
    assert copied & material_names == set(CHANGES)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_copied_partial_is_materials_with_its_documented_change(name: str):
    header, ours = without_header((ROOT / "overrides" / "partials" / name).read_text("utf-8"))
    _, theirs = without_header((MATERIAL / "partials" / name).read_text("utf-8"))
    major_minor = ".".join(version("mkdocs-material").split(".")[:2])
    assert f"Material's partials/{name} ({major_minor})" in " ".join(header.split())
    for before, after in CHANGES[name]:
        assert theirs.count(before) == 1, f"Material's {name} changed: {before!r} is not in it"
        theirs = theirs.replace(before, after)
    assert ours == theirs
