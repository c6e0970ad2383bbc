"""``make new-event``, and the checks that keep an event its own.

An event's folder is named by its slug, and an event copied from another
(``cp -r clusters/forum-2021 clusters/forum-2022``) is refused until its
description and sources are its own: otherwise the old event's text would be
published under the new event's name.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from pydantic import BaseModel

from meetings.cli import main
from meetings.load import parse_yaml, read_records
from meetings.model import Event
from meetings.validate import validate

from .helpers import CLUSTERS, examples, make_full_project, run_make
from .records import paths_in
from .test_editing_scaffold import schema_paths, uncomment_everything

SLUG = "forum-2099"
NAME = "Smart Cities Marketplace Forum 2099"
NEW = f"clusters/{SLUG}/event.yaml"
REAL_EVENT = sorted(CLUSTERS.glob("*/event.yaml"))[0]
REAL = f"clusters/{REAL_EVENT.parent.name}/event.yaml"


def required_paths(model: type[BaseModel], prefix: tuple = ()) -> set[tuple]:
    """The fields an editor must fill in, lists taken at their first item."""
    found: set[tuple] = set()
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        inner = info.annotation
        if typing.get_origin(inner) is list:
            (item,) = typing.get_args(inner)
            if isinstance(item, type) and issubclass(item, BaseModel):
                found |= required_paths(item, (*prefix, name, 0))
            else:
                found.add((*prefix, name, 0))  # the empty '-' item of a list of values
            continue
        found.add((*prefix, name))
    return found


def field_name(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_full_project(tmp_path / "project")


def test_make_new_event_writes_a_folder_refused_until_filled_in(project: Path):
    result = run_make(project, "new-event", SLUG=SLUG, NAME=NAME)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {NEW}" in result.stdout
    text = (project / NEW).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../docs/schema/event.schema.json\n")
    assert re.search(rf"(?m)^slug: {SLUG}$", text)
    assert re.search(rf"(?m)^name: {NAME}$", text)

    # Every field of the model is there, explained; the optional ones commented out.
    data = parse_yaml(uncomment_everything(text))
    assert schema_paths(Event.model_json_schema()) <= set(paths_in(data))
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[#\s]*\w+:", line):
            assert lines[number - 1].lstrip(" #").strip(), f"no description above {line!r}"

    # A draft: one FILE:LINE:COL warning per field still empty; the rest is published.
    assert re.search(r"(?m)^draft: true$", text)
    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout
    *printed, summary = result.stdout.splitlines()
    assert all(re.match(rf"{re.escape(NEW)}:\d+:\d+: warning: ", line) for line in printed)
    fields = {line.split(": ")[2] for line in printed}
    expected = {field_name(p) for p in required_paths(Event) - {("slug",), ("name",)}}
    assert expected and fields == expected, "\n".join(printed)
    assert f"left out as drafts: clusters/{SLUG}/ (the event and its 0 meetings)" in summary


def fill_in(text: str, description: str, url: str) -> str:
    """Every required field filled in; still a draft."""
    edits = [
        (r"(?m)^start_date:$", "start_date: 2022-06-20"),
        (r"(?m)^end_date:$", "end_date: 2022-06-21"),
        (r"(?m)^description: >-$", f"description: >-\n  {description}"),
        (r"(?m)^dates_cites:\n  -$", "dates_cites:\n  - forum-article"),
        (r"(?m)^cites:\n  -$", "cites:\n  - forum-article"),
        (r"(?m)^    id:$", "    id: forum-article"),
        (r"(?m)^    # title:$", "    title: An article about the forum"),
        (r"(?m)^    publisher:$", "    publisher: A news section"),
        (r"(?m)^    url:$", f"    url: {url}"),
        (r"(?m)^    supports: >-$", "    supports: >-\n      The forum's dates and what it was."),
        # The description quotes the source: its words are there.
        (r"(?m)^    # passages:\n    #   -$", f"    passages:\n      - {description}"),
    ]
    for pattern, new in edits:
        text, count = re.subn(pattern, new, text, count=1)
        assert count == 1, pattern
    return text


@pytest.mark.build
def test_a_filled_in_event_is_built_with_its_own_page_once_no_draft(project: Path):
    assert run_make(project, "new-event", SLUG=SLUG, NAME=NAME).returncode == 0
    path = project / NEW
    own = "A forum of 2099, described in its own words."
    path.write_text(
        fill_in(path.read_text(encoding="utf-8"), own, "https://example.org/forum"),
        encoding="utf-8",
    )
    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout
    assert "left out as drafts: " in result.stdout and "warning" not in result.stdout
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr
    assert "Drafts left out of the site, shown by 'make serve' once complete" in result.stderr
    assert not (project / "site" / SLUG).exists()

    path.write_text(re.sub(r"(?m)^draft: true\n", "", path.read_text("utf-8")), "utf-8")
    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout
    assert "no problem" in result.stdout
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr
    page = lxml_html.parse(str(project / "site" / SLUG / "index.html")).getroot()
    assert own in page.text_content()


def test_the_event_of_a_copied_folder_is_refused_until_rewritten(project: Path):
    """The old description and source list, word for word, are refused, at their lines."""
    shutil.copytree(REAL_EVENT.parent, project / "clusters" / SLUG)
    path = project / NEW
    old = path.read_text(encoding="utf-8")
    slug_line = next(n for n, line in enumerate(old.splitlines(), 1) if line.startswith("slug:"))
    text = re.sub(r"(?m)^slug: .*$", f"slug: {SLUG}", old, count=1)
    path.write_text(text, encoding="utf-8")

    result = run_make(project, "validate")
    assert result.returncode != 0
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:"))

    printed = [line for line in result.stdout.splitlines() if line.startswith(NEW)]
    assert [line.split(":")[:2] for line in printed] == [
        [NEW, str(line_of("description"))],
        [NEW, str(line_of("sources") + 1)],
    ], printed
    assert f"the same description as the event in {REAL}" in printed[0]
    assert f"the same sources as the event in {REAL}" in printed[1]
    assert slug_line == line_of("slug")

    # Rewritten: refused no more. One of the old sources may stay, beside a new one.
    event = parse_yaml(old)
    text = re.sub(r"(?m)^description: >-\n(  .*\n)+", "description: New words.\n", text)
    text = re.sub(r"(?m)^action_clusters: >-\n(  .*\n)+", "", text)
    text = text.rstrip("\n") + (
        "\n  - id: another-article\n    title: Another article\n    publisher: A publisher\n"
        "    url: https://example.org/a\n    supports: The new event's facts.\n"
        "    passages:\n      - New words.\n"
    )
    # The new source is cited first by the event's own facts, as the one its description
    # quotes (a source no record cites is refused).
    text = re.sub(r"(?m)^cites: \[(.*)\]$", r"cites: [another-article, \1]", text, count=1)
    path.write_text(text, encoding="utf-8")
    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout
    assert event["sources"][0]["url"] in text


def test_a_copied_folder_with_the_old_slug_is_refused(project: Path):
    shutil.copytree(REAL_EVENT.parent, project / "clusters" / SLUG)
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    assert result.exit_code == 1
    fields = [line.split(": ")[1] for line in result.stdout.splitlines()]
    assert fields.count("slug") == 2, result.stdout  # the slug taken, and not the folder's name
    assert f"rename the folder to clusters/{REAL_EVENT.parent.name}/" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--slug", REAL_EVENT.parent.name], "already exists; give another SLUG"),
        (["--slug", "Forum 2022"], "is not a valid slug"),
        (["--slug", "../outside"], "is not a valid slug"),
    ],
)
def test_new_event_refuses_what_cannot_be(project: Path, arguments: list[str], message: str):
    before = sorted(project.rglob("*"))
    result = CliRunner().invoke(main, ["--root", str(project), "new-event", *arguments])
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted(project.rglob("*")) == before


def test_make_new_event_without_a_slug_says_how(project: Path):
    result = run_make(project, "new-event")
    assert result.returncode == 2
    assert "usage: make new-event SLUG=" in result.stderr


SLUGS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)


@settings(
    max_examples=examples(10, 40), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(folder=SLUGS, slug=SLUGS)
def test_an_event_is_valid_only_in_the_folder_named_by_its_slug(folder: str, slug: str):
    """Any folder name and slug: the event is refused, at its slug, unless they are equal."""
    text = re.sub(r"(?m)^slug: .*$", f'slug: "{slug}"', REAL_EVENT.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "clusters" / folder).mkdir(parents=True)
        (Path(tmp) / "clusters" / folder / "event.yaml").write_text(text, encoding="utf-8")
        documents, problems = read_records(Path(tmp) / "clusters", Path(tmp))
    assert problems == []
    _events, problems = validate(documents)
    about_folder = [p for p in problems if "folder" in p.message]
    if folder == slug:
        assert about_folder == []
    else:
        (problem,) = about_folder
        assert (problem.file, problem.field) == (f"clusters/{folder}/event.yaml", "slug")
        assert problem.line == next(
            n for n, line in enumerate(text.splitlines(), 1) if line.startswith("slug:")
        )
