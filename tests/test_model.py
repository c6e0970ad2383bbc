"""The data model and validation: good records pass, each kind of mistake is named."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from meetings.catalog import collect
from meetings.model import Event, Meeting
from meetings.problems import InvalidRecords

from .helpers import CLUSTERS, make_project
from .records import add_passages

EVENT = CLUSTERS / "forum-2021"
AC1 = "ac1-business-models-finance.yaml"
LINE = re.compile(r"^(?P<file>clusters/\S+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): ")


@pytest.fixture
def clusters(tmp_path: Path) -> Path:
    """A copy of the real records, for a test to break, in a copy of the project."""
    return make_project(tmp_path / "project") / "clusters"


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


def test_the_real_records_are_valid():
    catalog = collect(CLUSTERS, CLUSTERS.parent)
    assert [e.slug for e in catalog.events] == ["forum-2021"]
    meetings = [entry for entry in catalog.meetings]
    assert [m.cluster.number for m in meetings] == [1, 2, 3, 4, 5, 6]
    assert {m.date.isoformat() for m in meetings} == {"2021-06-10"}


def test_the_summaries_carry_the_spelling_fixes():
    text = " ".join(entry.summary for entry in collect(CLUSTERS).meetings)
    for wrong, right in [
        ("possiblity", "possibility"),
        ("decisoin", "decision"),
        ("beaufitul", "beautiful"),
    ]:
        assert wrong not in text
        assert right in text


def test_yaml_1_1_words_stay_text(clusters: Path):
    """`no`, `on`, `yes` and a bare date where text is due are kept as written."""
    path = clusters / "forum-2021" / AC1
    edit(path, "title: Action Cluster 1 - Business Models & Finance meeting", "title: no")
    edit(path, "  name: Business Models & Finance", "  name: on")
    edit(path, "  - buildings", "  - yes\n  - 2021-06-10\n  - 1_000")
    # The title and the cluster's name are the source's words: so the source writes them.
    add_passages(clusters, collect(CLUSTERS).meetings[0].cites[0], "no", "on")
    meeting = collect(clusters).events[0].meetings[0]
    assert meeting.title == "no"
    assert meeting.cluster.name == "on"
    assert meeting.topics[-3:] == ["yes", "2021-06-10", "1_000"]


# --------------------------------------------------------------------------
# Each kind of mistake
# --------------------------------------------------------------------------


def test_misspelt_key_names_the_place_and_suggests_the_key(clusters: Path):
    edit(clusters / "forum-2021" / AC1, "summary:", "sumary:")
    found = problems(clusters)
    assert (
        f"clusters/forum-2021/{AC1}:8:1: sumary: unknown field 'sumary'; did you mean 'summary'?"
        in found
    )
    assert any(
        re.search(r":\d+:\d+: summary: required field is missing; add 'summary:'", p) for p in found
    )


def test_unknown_nested_key_lists_the_valid_ones(clusters: Path):
    edit(clusters / "forum-2021" / AC1, "  platform: YouTube", "  platform: YouTube\n  views: 12")
    message = only_problem(clusters)
    assert LINE.match(message)["field"] == "recording.views"
    assert "the fields here are: title, platform, channel, url" in message


def test_missing_summary(clusters: Path):
    path = clusters / "forum-2021" / AC1
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"summary: >-\n(  .*\n)+", "", text)
    path.write_text(text, encoding="utf-8")
    message = only_problem(clusters)
    assert message.startswith(f"clusters/forum-2021/{AC1}:2:1: summary: required field is missing")


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("  number: 1", "  number: '1'", "cluster.number", "expected a whole number, found text"),
        ("  number: 1", "  number: 1.5", "cluster.number", "expected a whole number"),
        (
            "  number: 1",
            "  number: 0",
            "cluster.number",
            "0 is out of range; it must be at least 1",
        ),
        ("  number: 1", "  number: 100", "cluster.number", "it must be at most 99"),
        (
            "title: Action Cluster 1 - Business Models & Finance meeting",
            "title: true",
            "title",
            'found the yes/no value true; to keep it as text, put it in quotes: "true"',
        ),
        (
            "title: Action Cluster 1 - Business Models & Finance meeting",
            "title: 1e3",
            "title",
            'put it in quotes: "1e3"',
        ),
        ("date: 2021-06-10", "date: 10/06/2021", "date", "write it as YYYY-MM-DD"),
        ("date: 2021-06-10", "date: 2021-02-30", "date", "is not a day in the calendar"),
        ("date: 2021-06-10", "date: 2021-06-12", "date", "is outside the event's dates"),
        ("topics:\n", "topics: pre-commercial\nx:\n", "topics", "expected a list"),
        ("  platform: YouTube", "  platform: Vimeo", "recording.platform", "expected 'YouTube'"),
    ],
)
def test_wrong_values_name_field_and_expectation(clusters, old, new, field, expected):
    edit(clusters / "forum-2021" / AC1, old, new)
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
def test_links_must_be_https(clusters: Path, url: str, expected: str):
    path = clusters / "forum-2021" / "event.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"    url: https://smart-cities\S+", f"    url: '{url}'", text, count=1)
    path.write_text(text, encoding="utf-8")
    message = only_problem(clusters)
    assert LINE.match(message)["field"] == "sources[0].url"
    assert expected in message


def test_cluster_numbers_and_slugs_are_unique_per_event(clusters: Path):
    folder = clusters / "forum-2021"
    edit(folder / "ac2-citizen-focus.yaml", "  number: 2", "  number: 1")
    edit(
        folder / "ac3-integrated-infrastructures-processes.yaml",
        "slug: ac3-integrated-infrastructures-processes",
        "slug: ac1-business-models-finance",
    )
    found = problems(clusters)
    assert len(found) == 2, found
    assert found[0].startswith("clusters/forum-2021/ac2-citizen-focus.yaml:4:11: cluster.number: ")
    assert (
        f"Action Cluster 1 already has a meeting in this event, in clusters/forum-2021/{AC1}"
        in found[0]
    )
    assert found[1].startswith(
        "clusters/forum-2021/ac3-integrated-infrastructures-processes.yaml:2:7: slug: "
    )
    assert "already the slug of" in found[1]


def test_broken_indentation_gives_the_line(clusters: Path):
    path = clusters / "forum-2021" / AC1
    edit(path, "  platform: YouTube", "    platform: YouTube")
    line = path.read_text(encoding="utf-8").splitlines().index("    platform: YouTube") + 1
    message = only_problem(clusters)
    match = LINE.match(message)
    assert match and match["line"] == str(line), message
    assert match["field"].startswith("recording")


def test_every_problem_in_every_file_in_one_run(clusters: Path):
    folder = clusters / "forum-2021"
    edit(folder / AC1, "summary:", "sumary:")
    edit(folder / "ac2-citizen-focus.yaml", "  number: 2", "  number: -2")
    edit(folder / "ac4-integrated-planning-policy-regulations.yaml", "topics:\n", "topics: [a, b\n")
    edit(folder / "event.yaml", "end_date: 2021-06-10", "end_date: 2021-06-08")
    found = problems(clusters)
    files = {LINE.match(p)["file"] if LINE.match(p) else p.split(":")[0] for p in found}
    assert files == {
        f"clusters/forum-2021/{AC1}",
        "clusters/forum-2021/ac2-citizen-focus.yaml",
        "clusters/forum-2021/ac4-integrated-planning-policy-regulations.yaml",
        "clusters/forum-2021/event.yaml",
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
    """``meetings validate``, what ``make validate`` runs, on a copy of the project."""
    return subprocess.run(
        [sys.executable, "-m", "meetings", "--root", str(root), "validate"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_cited_id_that_is_not_listed_is_refused_where_it_is_cited(clusters: Path):
    """The first id cited by the first meeting, misspelt: the error points at it."""
    meeting = collect(CLUSTERS).meetings[0]
    path = clusters / meeting.file.removeprefix("clusters/")
    cited = meeting.cites[0]
    line = next(
        number
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("cites: [")
    )
    edit(path, f"\ncites: [{cited}", f"\ncites: [{cited}x")
    result = _validate(clusters.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{meeting.file}:{line}:9: cites[0]: no source '{cited}x' in the sources of "
        f"clusters/forum-2021/event.yaml; did you mean '{cited}'?"
    ]


def test_a_source_no_record_cites_is_refused_where_it_is_listed(clusters: Path):
    event = clusters / "forum-2021" / "event.yaml"
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
    index = len(collect(CLUSTERS).events[0].sources)
    result = _validate(clusters.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"clusters/forum-2021/event.yaml:{line}:9: sources[{index}].id: the source "
        "'never-cited' is listed but no record cites it; cite it ('cites: [never-cited]') "
        "beside the facts it gives, or remove it"
    ]


def test_two_sources_with_one_id_are_refused_at_the_second(clusters: Path):
    event = clusters / "forum-2021" / "event.yaml"
    sources = collect(CLUSTERS).events[0].sources
    text = event.read_text(encoding="utf-8")
    event.write_text(
        text + f"  - id: {sources[0].id}\n    publisher: P\n"
        "    url: https://example.org/\n    supports: Twice.\n",
        encoding="utf-8",
    )
    line = len(text.splitlines()) + 1
    assert only_problem(clusters) == (
        f"clusters/forum-2021/event.yaml:{line}:9: sources[{len(sources)}].id: "
        f"'{sources[0].id}' is already the id of sources[0]; give each source its own id"
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
