"""The copies of Material's partials and fragments in ``overrides/`` differ from
Material's installed files only by the change each one's header documents.

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
    # The accessibility statement, the licence (on the About page) and a way to report a
    # problem, on every page.
    "partials/copyright.html": [
        (
            "  {% if not config.extra.generator == false %}\n    Made with",
            "  <a href=\"{{ 'accessibility/' | url }}\">Accessibility statement</a>\n"
            "  ·\n"
            "  <a href=\"{{ 'about/' | url }}#quoted-text-and-licence\">Licence</a>\n"
            "  {% if config.repo_url %}\n"
            "    ·\n"
            "    <a href=\"{{ config.repo_url | trim('/') | e }}/issues\">Report a problem</a>\n"
            "  {% endif %}\n"
            "  {% if not config.extra.generator == false %}\n    ·\n    Made with",
        )
    ],
    # Each topic a disclosure on the topics page: its heading and number of meetings,
    # which open its meetings.
    "fragments/tags/default/listing.html": [
        (
            "  {{ listing.content }}\n  <ul>\n",
            "  {% set count = listing.mappings | length %}\n"
            '  <details class="topic">\n'
            "  <summary>\n"
            "  {{ listing.content }}\n"
            '  <span class="topic-count">{{ count }} '
            '{{ "meeting" if count == 1 else "meetings" }}</span>\n'
            "  </summary>\n"
            "  <ul data-search-exclude>\n",
        ),
        ("  </ul>\n{% endmacro %}", "  </ul>\n  </details>\n{% endmacro %}"),
    ],
    # The previous and next pages' names escaped once in their links' aria-label.
    "partials/footer.html": [
        (
            "{{ page.previous_page.title | e }}",
            "{{ page.previous_page.title | striptags | e }}",
        ),
        ("{{ page.next_page.title | e }}", "{{ page.next_page.title | striptags | e }}"),
    ],
    # Names the search dialog (axe: aria-dialog-name).
    "partials/search.html": [
        (
            '<div class="md-search" data-md-component="search" role="dialog">',
            '<div class="md-search" data-md-component="search" role="dialog" '
            "aria-label=\"{{ lang.t('search') }}\">",
        )
    ],
    # No call to api.github.com for the repository's stars and forks; the address and
    # name escaped (issue 19: REPO_URL is checked, and escaped anyway).
    "partials/source.html": [
        (' class="md-source" data-md-component="source">', ' class="md-source">'),
        ('<a href="{{ config.repo_url }}"', '<a href="{{ config.repo_url | e }}"'),
        ("{{ config.repo_name }}", "{{ config.repo_name | e }}"),
    ],
    # Names the topics' navigation (axe: landmark-unique).
    "partials/tags.html": [
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
    overrides = ROOT / "overrides"
    copied = {
        path.relative_to(overrides).as_posix()
        for folder in ("partials", "fragments")
        for path in (overrides / folder).rglob("*.html")
    }
    assert {name for name in copied if (MATERIAL / name).is_file()} == set(CHANGES)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_copied_partial_is_materials_with_its_documented_change(name: str):
    header, ours = without_header((ROOT / "overrides" / name).read_text("utf-8"))
    _, theirs = without_header((MATERIAL / name).read_text("utf-8"))
    major_minor = ".".join(version("mkdocs-material").split(".")[:2])
    assert f"Material's {name} ({major_minor})" in " ".join(header.split())
    for before, after in CHANGES[name]:
        assert theirs.count(before) == 1, f"Material's {name} changed: {before!r} is not in it"
        theirs = theirs.replace(before, after)
    assert ours == theirs
