"""``make new``: a new meeting file with every field, a draft until filled in.

``make new`` without ``EVENT`` adds the meeting to the newest event, with its next free
cluster number: both are read from the records, whatever they hold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from meetings.catalog import collect
from meetings.cli import main
from meetings.load import parse_yaml
from meetings.model import Meeting
from meetings.scaffold import meeting_template, slug_for

from .helpers import CLUSTERS, make_full_project, run_make, yamllint
from .records import add_passages, paths_in

SCHEMA = "../../docs/schema/meeting.schema.json"

CATALOG = collect(CLUSTERS)
NEWEST = CATALOG.events[0]
NUMBER = max((m.cluster.number for m in NEWEST.meetings), default=0) + 1
TITLE = f"Action Cluster {NUMBER} - Circular Economy & Water meeting"
NEW = f"clusters/{NEWEST.slug}/ac{NUMBER}-circular-economy-water.yaml"
DAY = NEWEST.end_date.isoformat()


def schema_paths(schema: dict, node: dict | None = None, prefix: tuple = ()) -> set[tuple]:
    """Every field the model's JSON Schema describes, lists taken at their first item."""
    node = schema if node is None else node
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    found: set[tuple] = set()
    for option in node.get("anyOf", []):
        found |= schema_paths(schema, option, prefix)
    for name, sub in node.get("properties", {}).items():
        found |= {(*prefix, name)} | schema_paths(schema, sub, (*prefix, name))
    if "items" in node:
        found |= {(*prefix, 0)} | schema_paths(schema, node["items"], (*prefix, 0))
    return found


def uncomment_everything(text: str) -> str:
    """The file with every optional field turned on, as an editor would: '# ' removed."""
    lines = []
    for line in text.splitlines():
        while (match := re.match(r"^(\s*)# (.*)$", line)) and re.match(
            r"^[\s#]*(\w+:|-)( |$)", match[2]
        ):
            line = match[1] + match[2]
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_slugs_are_derived_as_the_real_records_have_them():
    for entry in CATALOG.meetings:
        meeting = entry
        assert slug_for(meeting.title, meeting.cluster.number) == meeting.slug
    assert (
        slug_for("Économie & the Smart City of Tomorrow", 12) == "ac12-economie-smart-city-tomorrow"
    )
    assert len(slug_for("word " * 40, 3)) <= 60


def test_the_scaffold_has_every_field_of_the_model():
    text = meeting_template(NEWEST, 7, TITLE, "ac7-x", SCHEMA)
    data = parse_yaml(uncomment_everything(text))
    fields = schema_paths(Meeting.model_json_schema())
    assert len(fields) > 20
    assert fields <= set(paths_in(data))
    # Each field is explained by the comment line above it.
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[#\s]*\w+:", line):
            assert lines[number - 1].lstrip(" #").strip(), f"no description above {line!r}"


def test_the_scaffold_with_every_field_filled_in_is_valid():
    text = meeting_template(NEWEST, 7, TITLE, "ac7-x", SCHEMA)
    data = parse_yaml(uncomment_everything(text))
    values = {
        "date": "2021-06-10",
        "published": "2021-07-05",
        "url": "https://example.org/page",
        "start": "10:00",
        "end": "11:30",
        "timezone": "Europe/Brussels",
        "platform": "YouTube",
        "cites": NEWEST.sources[0].id,
        "mode": "online",
        "status": "announced",
    }

    def filled(value, key=None):
        if isinstance(value, dict):
            return {k: filled(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [filled(v, key) for v in value]
        return values.get(key, "Some text") if value in (None, "") else value

    data = filled(data)
    data["recording"]["url"] = "https://www.youtube.com/watch"  # a recording is on its platform
    meeting = Meeting.model_validate(data)
    assert (meeting.slug, meeting.cluster.number, meeting.title) == ("ac7-x", 7, TITLE)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_full_project(tmp_path / "project")


def test_make_new_writes_a_draft_whose_empty_fields_are_listed(project: Path):
    result = run_make(project, "new", TITLE=TITLE)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {NEW}" in result.stdout
    text = (project / NEW).read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../docs/schema/meeting.schema.json\n"
    )
    assert re.search(r"(?m)^draft: true$", text)
    assert re.search(rf"(?m)^slug: ac{NUMBER}-circular-economy-water$", text)
    assert re.search(rf"(?m)^  number: {NUMBER}$", text)
    assert re.search(rf"(?m)^title: {re.escape(TITLE)}$", text)

    # A draft: its empty fields are listed as warnings, and the rest is published.
    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout
    *printed, summary = result.stdout.splitlines()

    def at(key: str) -> int:
        return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(key))

    expected = {
        f"{NEW}:{at('  name:')}:8: warning: cluster.name: expected text, found nothing "
        "(an empty value)",
        f"{NEW}:{at('summary:')}:10: warning: summary: must not be empty",
        f"{NEW}:{at('  -')}:4: warning: topics[0]: expected text, found nothing (an empty value)",
        f"{NEW}:{at('cites:') + 1}:4: warning: cites[0]: expected text, found nothing "
        "(an empty value)",
    }
    if NEWEST.start_date != NEWEST.end_date:  # else the scaffold gives the event's one day
        expected.add(
            f"{NEW}:{at('date:')}:6: warning: date: expected a date written YYYY-MM-DD, e.g. "
            "2021-06-10, found nothing (an empty value)"
        )
    # The scaffold names the sources the event lists, which the record may cite.
    ids = ", ".join(source.id for source in NEWEST.sources)
    assert ids in " ".join(line.lstrip("# ") for line in text.splitlines())
    assert set(printed) == expected, "\n".join(printed)
    assert summary.endswith(f"left out as drafts: {NEW} ({len(expected)} warnings above).")


def fill_in(text: str) -> str:
    """What an editor does: the empty fields get their values, one optional field is used,
    and the draft is done."""
    edits = [
        (r"(?m)^draft: true\n", ""),
        (r"(?m)^  name:$", "  name: Circular Economy"),
        (
            r"(?m)^summary: >-$",
            "summary: >-\n  The first paragraph of the summary, on circular economy,\n"
            "  written over two lines.\n\n  The second paragraph.",
        ),
        (r"(?m)^  -$", "  - circular economy"),
        (r"(?m)^cites:\n  -$", f"cites:\n  - {NEWEST.sources[0].id}"),
        (r"(?m)^# gist:$", "gist: One line about the meeting."),
    ]
    for pattern, new in edits:
        text, count = re.subn(pattern, new, text, count=1)
        assert count == 1, pattern
    # The day, unless the scaffold has written it already (the event's only day).
    return re.sub(r"(?m)^date:$", f"date: {DAY}", text)


@pytest.mark.build
def test_make_new_fill_in_make_build_gives_one_more_meeting_page(project: Path):
    assert run_make(project, "new", TITLE=TITLE).returncode == 0
    path = project / NEW
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    # The title, summary and gist quote the source the record cites first: it holds them.
    words = [
        TITLE,
        "The first paragraph of the summary, on circular economy, written over two lines.",
        "The second paragraph.",
        "One line about the meeting.",
    ]
    result = run_make(project, "validate")
    assert result.returncode != 0
    assert {line.split(": ")[1] for line in result.stdout.splitlines()} == {
        "cluster.name",
        "title",
        "summary",
        "gist",
    }, result.stdout
    add_passages(
        project / "clusters", NEWEST.sources[0].id, *words, event=f"{NEWEST.slug}/event.yaml"
    )

    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout
    events, meetings = len(CATALOG.events), len(CATALOG.meetings) + 1
    assert re.search(rf"OK: {events} events?, {meetings} meetings, no problem\.", result.stdout)
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr

    site = project / "site"
    page = lxml_html.parse(str(site / NEW.removeprefix("clusters/")[:-5] / "index.html"))
    assert page.findtext(".//article//h1") == TITLE
    # The summary comes right after the facts and the buttons.
    paragraphs = page.xpath(
        "//article//div[contains(@class, 'meeting-actions')]/following-sibling::p[position() <= 2]"
    )
    assert [" ".join(p.text_content().split()) for p in paragraphs] == [
        "The first paragraph of the summary, on circular economy, written over two lines.",
        "The second paragraph.",
    ]
    home = lxml_html.parse(str(site / "index.html"))
    nav = home.xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")
    in_the_event = [href for href in nav if re.search(rf"{NEWEST.slug}/ac\d", href)]
    assert len(in_the_event) == len(NEWEST.meetings) + 1
    assert "One line about the meeting." in home.getroot().text_content()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        *(
            (
                ["--number", str(meeting.cluster.number)],
                f"Action Cluster {meeting.cluster.number} already has a meeting in "
                f"{NEWEST.slug}, in ",
            )
            for meeting in NEWEST.meetings[:1]
        ),
        (["--number", "100"], "the cluster number must be from 1 to 99; 100 is not"),
        *((["--slug", m.slug], "is already the slug of ") for m in NEWEST.meetings[:1]),
        (["--event", "forum-1999"], "no event folder 'forum-1999' under clusters/"),
        (["--title", "  "], "give the meeting's title"),
    ],
)
def test_new_refuses_what_cannot_be(project: Path, options, message):
    arguments = ["--root", str(project), "new", "--title", TITLE, *options]
    before = sorted((project / "clusters").rglob("*"))
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted((project / "clusters").rglob("*")) == before


def test_new_does_not_overwrite_a_file(project: Path):
    draft = project / NEW
    draft.write_text("# An editor's draft, not yet a record.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(project), "new", "--title", TITLE])
    assert result.exit_code == 1
    assert f"{NEW} already exists; give another TITLE or a SLUG" in result.stderr
    assert draft.read_text(encoding="utf-8") == "# An editor's draft, not yet a record.\n"


def test_make_new_without_a_title_says_how(project: Path):
    result = run_make(project, "new")
    assert result.returncode == 2
    assert 'usage: make new TITLE="' in result.stderr


def test_the_scaffold_passes_yamllint_before_and_after_filling_in(tmp_path: Path):
    text = meeting_template(NEWEST, 7, TITLE, "ac7-x", SCHEMA)
    for name, content in (("new.yaml", text), ("filled.yaml", fill_in(text))):
        # Not in a folder called clusters/, which .yamllint leaves to 'meetings validate'.
        (tmp_path / "scaffold").mkdir(exist_ok=True)
        (tmp_path / "scaffold" / name).write_text(content, encoding="utf-8")
    result = yamllint(tmp_path / "scaffold")
    assert result.returncode == 0, result.stdout
