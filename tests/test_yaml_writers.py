"""Records written by ordinary YAML tools are read as written (issue 17).

Every real record is re-written by PyYAML's ``safe_dump`` (lines wrapped at 40 and
80 characters, and at its default width) and by ruamel.yaml's round trip, as an
editor's tool or formatter would write it; the site built from the re-written
records is byte for byte the site built from the originals. PyYAML wraps long
text over several unquoted lines, quotes dates, sorts the keys and drops the
comments: the first line, which points editors' tools to the record's JSON
Schema and which ``meetings validate`` asks for, is written back, as an editor
adds it. What the dialect still refuses is in ``test_hostile_input.py``: a
list item continued on a more-indented ``- `` line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from meetings.load import parse_yaml
from meetings.yamlstrict import read_yaml

from .helpers import CLUSTERS, build_in_process, building, make_project, snapshot

RECORDS = sorted(CLUSTERS.glob("*/*.yaml"))


def pyyaml(width: int | None) -> Callable[[str], str]:
    def write(text: str) -> str:
        first = text.split("\n", 1)[0] + "\n"  # the schema line: comments are not kept
        options = {} if width is None else {"width": width}
        return first + yaml.safe_dump(parse_yaml(text), **options)

    return write


def ruamel(text: str) -> str:
    writer = YAML()  # round trip: comments, order and styles kept
    out = io.StringIO()
    writer.dump(writer.load(text), out)
    return out.getvalue()


WRITERS = {
    "pyyaml-width-40": pyyaml(40),
    "pyyaml-width-80": pyyaml(80),
    "pyyaml-default-width": pyyaml(None),
    "ruamel-round-trip": ruamel,
}


@pytest.fixture(scope="module")
@building
def original(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    project = make_project(tmp_path_factory.mktemp("original") / "project")
    build_in_process(project, project / "site")
    return snapshot(project / "site")


@pytest.mark.parametrize("writer", WRITERS)
def test_records_rewritten_by_a_yaml_writer_build_the_same_site(
    tmp_path: Path, original: dict[str, str], writer: str
):
    project = make_project(tmp_path / "project")
    rewritten = 0
    for record in RECORDS:
        path = project / record.relative_to(CLUSTERS.parent)
        text = path.read_text(encoding="utf-8")
        new = WRITERS[writer](text)
        assert read_yaml(new).errors == [], new
        assert parse_yaml(new) == parse_yaml(text)
        rewritten += new != text
        path.write_text(new, encoding="utf-8")
    assert rewritten  # the writer wrote something else than the editors did
    build_in_process(project, project / "site")
    built = snapshot(project / "site")
    assert sorted(built) == sorted(original)
    assert [name for name in built if built[name] != original[name]] == []


def test_pyyaml_at_width_40_wraps_unquoted_text_over_several_lines():
    """The case the dialect refused before: unquoted text continued on indented lines."""
    wrapped = [
        record.name
        for record in RECORDS
        if any(
            line.startswith("  ") and not line.lstrip().startswith(("- ", "#")) and ":" not in line
            for line in pyyaml(40)(record.read_text(encoding="utf-8")).splitlines()
        )
    ]
    assert wrapped
