"""The data model and validation: good records pass, each kind of mistake is named.

The mistakes are made in the example meeting (:data:`~tests.records.SAMPLE`, made
up) that each test adds to its copy of the real records, so that none depends on
which meetings the records hold.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from meetings.catalog import collect
from meetings.load import parse_yaml
from meetings.model import Event, Meeting
from meetings.problems import InvalidRecords

from .helpers import CLUSTERS, ROOT, make_project, run_meetings
from .records import SAMPLE, add_passages, add_sample

AC1 = SAMPLE.file.removeprefix(SAMPLE.folder + "/")
"""The example meeting's file in its event's folder."""
LINE = re.compile(r"^(?P<file>clusters/\S+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): ")
NUMBER = f"  number: {SAMPLE.number}"
TITLE = f"title: Action Cluster {SAMPLE.number} - Sample Procurement meeting"
AFTER_THE_EVENT = (dt.date.fromisoformat(SAMPLE.end) + dt.timedelta(days=2)).isoformat()


@pytest.fixture
def clusters(tmp_path: Path) -> Path:
    """A copy of the real records and the example meeting, for a test to break, in a copy of
    the project."""
    project = make_project(tmp_path / "project")
    add_sample(project)
    return project / "clusters"


@pytest.fixture
def event(clusters: Path) -> Path:
    """The example meeting's event folder in the copy."""
    return clusters.parent / SAMPLE.folder


def another_meeting(event: Path, name: str, **values: str) -> Path:
    """A copy of the example meeting under another file name, with ``key: value`` lines changed."""
    text = SAMPLE.text
    for key, value in values.items():
        text = re.sub(rf"(?m)^(\s*){key}: .*$", rf"\g<1>{key}: {value}", text, count=1)
    path = event / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidRecords) as caught:
        collect(root, root.parent)
    return [str(problem) for problem in caught.value.problems]


def only_problem(root: Path) -> str:
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------
# Good data
# --------------------------------------------------------------------------


def test_the_real_records_are_valid_and_every_file_is_read():
    """Every record under clusters/ is valid, and published unless it is a draft."""
    catalog = collect(CLUSTERS, CLUSTERS.parent, schema_dir=ROOT / "docs" / "schema")
    files = {p.relative_to(ROOT).as_posix(): p for p in CLUSTERS.glob("*/*.yaml")}
    published = {e.file for e in catalog.events} | {m.file for m in catalog.meetings}
    drafts = {
        name
        for name, path in files.items()
        if parse_yaml(path.read_text(encoding="utf-8")).get("draft") is True
        or parse_yaml((path.parent / "event.yaml").read_text(encoding="utf-8")).get("draft")
    }
    assert published | drafts == set(files)
    for event in catalog.events:
        assert all(event.start_date <= m.date <= event.end_date for m in event.meetings)


def test_yaml_1_1_words_stay_text(clusters: Path, event: Path):
    """`no`, `on`, `yes` and a bare date where text is due are kept as written."""
    path = event / AC1
    edit(path, TITLE, "title: no")
    edit(path, "  name: Sample Procurement", "  name: on")
    edit(path, "  - sample youth", "  - sample youth\n  - yes\n  - 2021-06-10\n  - 1_000")
    edit(path, "sample youth.", "sample youth: yes, 2021-06-10, 1_000.")
    # The title and the cluster's name are the source's words: so the source writes them.
    summary = parse_yaml(path.read_text(encoding="utf-8"))["summary"]
    add_passages(clusters, SAMPLE.source, "no", "on", summary)
    (meeting,) = [m for m in collect(clusters).meetings if m.slug == SAMPLE.slug]
    assert meeting.title == "no"
    assert meeting.cluster.name == "on"
    assert meeting.topics[-3:] == ["yes", "2021-06-10", "1_000"]


# --------------------------------------------------------------------------
# Each kind of mistake
# --------------------------------------------------------------------------


def test_misspelt_key_names_the_place_and_suggests_the_key(clusters: Path, event: Path):
    edit(event / AC1, "summary:", "sumary:")
    found = problems(clusters)
    assert f"{SAMPLE.file}:8:1: sumary: unknown field 'sumary'; did you mean 'summary'?" in found
    assert any(
        re.search(r":\d+:\d+: summary: required field is missing; add 'summary:'", p) for p in found
    )


def test_unknown_nested_key_lists_the_valid_ones(clusters: Path, event: Path):
    edit(event / AC1, "  platform: YouTube", "  platform: YouTube\n  views: 12")
    message = only_problem(clusters)
    assert LINE.match(message)["field"] == "recording.views"
    assert "the fields here are: title, platform, channel, url" in message


def test_missing_summary(clusters: Path, event: Path):
    path = event / AC1
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"summary: >-\n(  .*\n)+", "", text)
    path.write_text(text, encoding="utf-8")
    found = problems(clusters)
    assert found[0].startswith(f"{SAMPLE.file}:2:1: summary: required field is missing")
    # The topics, words of the summary no longer there, are not blamed for it.
    assert len(found) == 1, found


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        (NUMBER, "  number: '1'", "cluster.number", "expected a whole number, found text"),
        (NUMBER, "  number: 1.5", "cluster.number", "expected a whole number"),
        (NUMBER, "  number: 0", "cluster.number", "0 is out of range; it must be at least 1"),
        (NUMBER, "  number: 100", "cluster.number", "it must be at most 99"),
        (
            TITLE,
            "title: true",
            "title",
            'found the yes/no value true; to keep it as text, put it in quotes: "true"',
        ),
        (TITLE, "title: 1e3", "title", 'put it in quotes: "1e3"'),
        (f"date: {SAMPLE.date}", "date: 10/06/2021", "date", "write it as YYYY-MM-DD"),
        (f"date: {SAMPLE.date}", "date: 2021-02-30", "date", "is not a day in the calendar"),
        (
            f"date: {SAMPLE.date}",
            f"date: {AFTER_THE_EVENT}",
            "date",
            "is outside the event's dates",
        ),
        ("draft: true", "draft: yes", "draft", "expected true or false, found text 'yes'"),
        ("topics:\n", "topics: pre-commercial\nx:\n", "topics", "expected a list"),
        ("  platform: YouTube", "  platform: Vimeo", "recording.platform", "expected 'YouTube'"),
    ],
)
def test_wrong_values_name_field_and_expectation(clusters, event, old, new, field, expected):
    path = event / AC1
    if old == "draft: true":
        path.write_text("draft: true\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    edit(path, old, new)
    found = [p for p in problems(clusters) if LINE.match(p) and LINE.match(p)["field"] == field]
    assert found, problems(clusters)
    assert expected in found[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://smart-cities-marketplace.ec.europa.eu/x",
            "http: links are not allowed; use the https:// address",
        ),
        ("javascript:alert(1)", "javascript: links are not allowed; expected an https:// address"),
        ("data:text/html,<b>x</b>", "data: links are not allowed"),
        ("smart-cities-marketplace", "is not a web address; expected https://"),
        ("https://exa mple.org/", "must not contain spaces"),
    ],
)
def test_links_must_be_https(clusters: Path, event: Path, url: str, expected: str):
    path = event / "event.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^    url: https://\S+", f"    url: '{url}'", text, count=1)
    path.write_text(text, encoding="utf-8")
    message = only_problem(clusters)
    assert LINE.match(message)["field"] == "sources[0].url"
    assert expected in message


def test_cluster_numbers_and_slugs_are_unique_per_event(clusters: Path, event: Path):
    another_meeting(event, "zz-same-number.yaml", slug="zz-same-number")
    another_meeting(event, "zz-same-slug.yaml", number=str(SAMPLE.number + 1))
    found = problems(clusters)
    assert len(found) == 2, found
    assert found[0].startswith(f"{SAMPLE.folder}/zz-same-number.yaml:4:11: cluster.number: ")
    assert (
        f"Action Cluster {SAMPLE.number} already has a meeting in this event, in {SAMPLE.file}"
        in found[0]
    )
    assert found[1].startswith(f"{SAMPLE.folder}/zz-same-slug.yaml:2:7: slug: ")
    assert f"'{SAMPLE.slug}' is already the slug of {SAMPLE.file}" in found[1]


def test_broken_indentation_gives_the_line(clusters: Path, event: Path):
    path = event / AC1
    edit(path, "  platform: YouTube", "    platform: YouTube")
    line = path.read_text(encoding="utf-8").splitlines().index("    platform: YouTube") + 1
    message = only_problem(clusters)
    match = LINE.match(message)
    assert match and match["line"] == str(line), message
    assert match["field"].startswith("recording")


def test_every_problem_in_every_file_in_one_run(clusters: Path, event: Path):
    edit(event / AC1, "summary:", "sumary:")
    another_meeting(event, "zz-negative.yaml", slug="zz-negative", number="-2")
    unclosed = another_meeting(event, "zz-unclosed.yaml", slug="zz-unclosed")
    edit(unclosed, "topics:\n", "topics: [a, b\n")
    before = (dt.date.fromisoformat(SAMPLE.date) - dt.timedelta(days=1)).isoformat()
    edit(event / "event.yaml", f"end_date: {SAMPLE.end}", f"end_date: {before}")
    found = problems(clusters)
    files = {LINE.match(p)["file"] if LINE.match(p) else p.split(":")[0] for p in found}
    assert files == {
        SAMPLE.file,
        f"{SAMPLE.folder}/zz-negative.yaml",
        f"{SAMPLE.folder}/zz-unclosed.yaml",
        SAMPLE.event_file,
    }
    assert all(re.match(r"^clusters/\S+\.yaml:\d+:\d+: ", p) for p in found), found


def test_models_refuse_unknown_keys_and_coercion():
    """The strictness lives in the model itself, not only in the YAML reader."""
    base = Meeting.model_validate(
        {
            "slug": "x",
            "cluster": {"number": 1, "name": "N"},
            "title": "T",
            "date": "2021-06-10",
            "summary": "S.",
            "topics": ["t"],
            "cites": ["a-source"],
        }
    )
    assert base.date.isoformat() == "2021-06-10"
    data = base.model_dump(mode="json")
    for change in (
        {"extra": 1},
        {"title": 5},
        {"cluster": {"number": "1", "name": "N"}},
        {"date": 20210610},
        {"topics": []},
        {"topics": ["a", "A"]},
        {"cites": []},
        {"cites": ["Not An Id"]},
        {"cites": ["a", "a"]},
        {"speakers": [{"name": "A name"}]},  # a speaker names its sources
        {"speakers": []},  # unknown speakers are left out: an empty list would say "none"
        {"speakers": [{"name": "A", "role": "R.", "cites": ["a"]}]},  # a role cites its own
        {"attendance": {"mode": "online", "cites": ["a"]}},  # announced, or reported?
    ):
        with pytest.raises(ValueError):
            Meeting.model_validate({**data, **change})
    event = Event.model_validate(
        {
            "slug": "e",
            "name": "E",
            "start_date": "2021-06-10",
            "end_date": "2021-06-10",
            "dates_cites": ["a"],
            "description": "D.",
            "cites": ["a"],
            "sources": [
                {"id": "a", "publisher": "P", "url": "https://example.org/", "supports": "All."}
            ],
        }
    ).model_dump(mode="json")
    with pytest.raises(ValidationError) as refused:
        Event.model_validate({**event, "slug": "Bad Slug"})
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(("slug",), "slug")]


# --------------------------------------------------------------------------
# Sources: every id cited is listed, every source listed is cited
# --------------------------------------------------------------------------


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def _validate(root: Path) -> subprocess.CompletedProcess[str]:
    """``meetings validate``, what ``make validate`` runs, on a copy of the project (in
    this process: tests/test_quotes.py runs it through make, as editors do)."""
    return run_meetings(root, "validate")


def test_a_cited_id_that_is_not_listed_is_refused_where_it_is_cited(clusters: Path):
    """The first id the example meeting cites, misspelt: the error points at it."""
    path = clusters.parent / SAMPLE.file
    cited = SAMPLE.source
    line = path.read_text(encoding="utf-8").splitlines().index(f"cites: [{cited}]") + 1
    edit(path, f"\ncites: [{cited}]", f"\ncites: [{cited}x]")
    result = _validate(clusters.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{SAMPLE.file}:{line}:9: cites[0]: no source '{cited}x' in the sources of "
        f"{SAMPLE.event_file}; did you mean '{cited}'?"
    ]


def test_a_source_no_record_cites_is_refused_where_it_is_listed(clusters: Path):
    event = clusters.parent / SAMPLE.event_file
    text = event.read_text(encoding="utf-8")
    event.write_text(
        text
        + "  - id: never-cited\n"
        + "    publisher: A publisher\n"
        + "    url: https://example.org/never-cited\n"
        + "    supports: Nothing any record says.\n",
        encoding="utf-8",
    )
    line = _line_of(event, "  - id: never-cited")
    index = len(SAMPLE.sources)
    result = _validate(clusters.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{SAMPLE.event_file}:{line}:9: sources[{index}].id: the source "
        "'never-cited' is listed but no record cites it; cite it ('cites: [never-cited]') "
        "beside the facts it gives, or remove it"
    ]


def test_two_sources_with_one_id_are_refused_at_the_second(clusters: Path):
    event = clusters.parent / SAMPLE.event_file
    sources = SAMPLE.sources
    text = event.read_text(encoding="utf-8")
    event.write_text(
        text + f"  - id: {sources[0]}\n    publisher: P\n"
        "    url: https://example.org/\n    supports: Twice.\n",
        encoding="utf-8",
    )
    line = len(text.splitlines()) + 1
    assert only_problem(clusters) == (
        f"{SAMPLE.event_file}:{line}:9: sources[{len(sources)}].id: "
        f"'{sources[0]}' is already the id of sources[0]; give each source its own id"
    )


def test_a_broken_record_does_not_make_its_sources_look_uncited(clusters: Path):
    """A record that cannot be read or validated may be the one citing a source: only its
    own mistake is reported."""
    catalog = collect(CLUSTERS)
    for entry in catalog.meetings:
        path = clusters / entry.file.removeprefix("clusters/")
        edit(path, "summary:", "sumary:")  # invalid, cites unknown to validation
    assert all("no record cites" not in p for p in problems(clusters))
    for entry in catalog.meetings:
        path = clusters / entry.file.removeprefix("clusters/")
        path.write_text("title: [unclosed\n", encoding="utf-8")  # unreadable
    assert all("no record cites" not in p for p in problems(clusters))
