"""Editing without fear: the editors' schema, no stale page, reproducible builds, serve.

* The JSON Schemas in ``docs/schema/`` are those of the model, every record
  points to its schema, and the schema flags what validation refuses.
* Deleting a record removes everything made from it on the next build.
* Two builds of one commit are byte-identical.
* ``mkdocs serve`` prints the same lines as ``make validate`` and keeps
  serving the last good pages.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from meetings.banner import BANNER_ID
from meetings.catalog import collect
from meetings.cli import main
from meetings.load import parse_yaml
from meetings.model import Event, Meeting

from .helpers import (
    CLUSTERS,
    PAGE,
    RECORD,
    ROOT,
    fetch,
    make_full_project,
    make_project,
    mkdocs_serve,
    run_make,
    snapshot,
    wait_for,
    yamllint,
)
from .records import SAMPLE, add_sample, cut_a_word, remove_meeting

RECORDS = sorted(CLUSTERS.rglob("*.yaml"))
SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=(?P<path>\S+)\n")

# --------------------------------------------------------------------------
# The editors' JSON Schema
# --------------------------------------------------------------------------


def test_the_committed_schemas_are_those_of_the_model():
    result = CliRunner().invoke(main, ["--root", str(ROOT), "schema", "--check"])
    assert result.exit_code == 0, result.output
    assert "Schemas are up to date." in result.stdout


def test_a_stale_schema_is_found(tmp_path: Path):
    project = make_project(tmp_path / "project")
    path = project / "docs" / "schema" / "meeting.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    del schema["properties"]["gist"]
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(project), "schema", "--check"])
    assert result.exit_code == 1
    assert f"Out of date with the data model: {path}; run 'make schema'." in result.stderr


def schema_of(record: Path) -> dict:
    match = SCHEMA_LINE.match(record.read_text(encoding="utf-8"))
    assert match, f"{record} does not start with its yaml-language-server $schema line"
    target = (record.parent / match["path"]).resolve()
    assert target.parent == ROOT / "docs" / "schema", target
    return json.loads(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.name)
def test_each_record_points_to_its_schema_and_meets_it(record: Path):
    schema = schema_of(record)
    model = Event if record.name == "event.yaml" else Meeting
    assert schema["title"] == model.__name__
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(parse_yaml(record.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("change", "value"),
    [
        (("sumary",), "An unknown key"),
        (("recording", "url"), "http://example.org/"),
        (("cites",), []),
        (("cites",), ["Not An Id"]),
        (("cluster", "number"), 100),
        (("slug",), "Not A Slug"),
        (("date",), "10/06/2021"),
        (("topics",), "one topic, not a list"),
    ],
)
def test_the_schema_flags_what_validation_refuses(change: tuple, value):
    """What an editor's tool shows while typing, from the same model."""
    data = parse_yaml(SAMPLE.text)
    holder = data
    for key in change[:-1]:
        holder = holder[key]
    holder[change[-1]] = value
    schema = json.loads((ROOT / "docs" / "schema" / "meeting.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(data))
    with pytest.raises(ValueError):
        Meeting.model_validate(data)


# --------------------------------------------------------------------------
# Nothing stale
# --------------------------------------------------------------------------


def site_texts(site: Path) -> dict[str, str]:
    """The text of every file of the site (the sitemap unzipped), by path."""
    texts = {}
    for path in site.rglob("*"):
        if path.suffix == ".gz":
            texts[path.relative_to(site).as_posix()] = gzip.decompress(path.read_bytes()).decode()
        elif path.is_file() and path.suffix in {".html", ".json", ".xml", ".ics", ".txt"}:
            texts[path.relative_to(site).as_posix()] = path.read_text(encoding="utf-8")
    return texts


@pytest.mark.build
def test_deleting_a_record_removes_all_it_made(tmp_path: Path):
    project = make_full_project(tmp_path / "project")
    add_sample(project)
    assert run_make(project, "build").returncode == 0
    site = project / "site"
    before = site_texts(site)
    # A meeting with topics no other meeting has (the example meeting has some).
    meetings = collect(project / "clusters").meetings

    def only_its_own(meeting) -> set[str]:
        others = {t.casefold() for m in meetings if m is not meeting for t in m.topics}
        return {t for t in meeting.topics if t.casefold() not in others}

    gone = next(m for m in reversed(meetings) if only_its_own(m))
    GONE, GONE_TITLE = gone.slug, gone.title
    page = site / gone.event.slug / GONE
    assert (page / "index.html").is_file()
    assert sum(GONE in text for text in before.values()) > 5  # pages, search, tags, sitemap…
    topics = only_its_own(gone)

    remove_meeting(project / gone.file)  # and the sources only it cited
    result = run_make(project, "build")
    assert result.returncode == 0, result.stderr

    assert not page.exists()
    after = site_texts(site)
    # The sources' passages are the sources' own words, kept with them in the open data:
    # the article still names the meeting; nothing of the site does.
    data = json.loads(after["meetings.json"])
    for event in data["events"]:
        for source in event["sources"]:
            source.pop("passages", None)
    after["meetings.json"] = json.dumps(data)
    for name, text in after.items():
        assert GONE not in text, f"{name} still mentions {GONE}"
        assert GONE_TITLE not in text, f"{name} still has the title of the deleted meeting"
    search = json.loads(after["search/search_index.json"])["docs"]
    assert not [doc for doc in search if GONE in doc["location"]]
    tags = json.loads(after["tags.json"])
    listed = {tag for mapping in tags["mappings"] for tag in mapping["tags"]}
    assert not topics & listed
    topics_page = after["topics/index.html"]
    for topic in topics:
        assert f">{topic}<" not in topics_page


# --------------------------------------------------------------------------
# Reproducible
# --------------------------------------------------------------------------


@pytest.mark.build
def test_two_builds_of_one_commit_are_byte_identical(tmp_path: Path):
    """``make build; cp -r site /tmp/a; make build; diff -r /tmp/a site``, made harder:
    the second build runs in another folder, with another hash seed, time zone and locale."""
    project = make_full_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere" / "copy"
    shutil.copytree(project, elsewhere)
    first = run_make(project, "build", env={"PYTHONHASHSEED": "1", "TZ": "UTC"})
    assert first.returncode == 0, first.stderr
    second = run_make(
        elsewhere,
        "build",
        env={"PYTHONHASHSEED": "2", "TZ": "Pacific/Auckland", "LC_ALL": "C.UTF-8"},
    )
    assert second.returncode == 0, second.stderr
    one, two = snapshot(project / "site"), snapshot(elsewhere / "site")
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
    assert {"sitemap.xml.gz", "search/search_index.json", "tags.json"} <= set(one)
    assert {"meetings.json", "feed.xml", "forum-2021.ics"} <= set(one)


@pytest.mark.build
def test_the_sitemap_dates_come_from_the_commit(tmp_path: Path):
    project = make_full_project(tmp_path / "project")
    assert run_make(project, "build").returncode == 0
    sitemap = (project / "site" / "sitemap.xml").read_text(encoding="utf-8")
    dates = set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap))
    assert dates == {"2021-07-05"}  # SOURCE_DATE_EPOCH of the tests' builds


# --------------------------------------------------------------------------
# mkdocs serve: the same lines, the last good pages
# --------------------------------------------------------------------------


def without_reload(page: str | None) -> str:
    """A served page without the live-reload script's counters."""
    assert page is not None
    return re.sub(r"reload\(\d+, \d+\)", "", page)


@pytest.mark.build
def test_serve_prints_the_lines_of_validate_and_keeps_the_last_good_page(project: Path):
    record = project / RECORD
    text = record.read_text(encoding="utf-8")
    with mkdocs_serve(project) as (base, output):
        good = fetch(base + PAGE)
        wrong = re.sub(r"(?m)^  number: \d+$", "  number: 200", text.replace("summary:", "sumary:"))
        record.write_text(wrong, encoding="utf-8")
        validate = CliRunner().invoke(main, ["--root", str(project), "validate"])
        expected = validate.stdout.splitlines()
        assert len(expected) == 3, expected
        assert wait_for(lambda: all(output.has(line) for line in expected)), output.lines
        assert wait_for(lambda: output.has("3 problems in 1 file, listed above: nothing was built"))
        # The last good page, with the errors' banner first in it (meetings.banner).
        served = without_reload(fetch(base + PAGE))
        banner = re.search(f'<div id="{BANNER_ID}".*?</pre></div>', served, re.DOTALL)
        assert banner is not None
        assert all(html.escape(line) in banner[0] for line in expected)
        assert served.replace(banner[0], "") == without_reload(good)
        # Fixed, with a change of its own that still quotes the source: a word cut.
        fixed, shown = cut_a_word(text)
        record.write_text(fixed, encoding="utf-8")
        assert wait_for(lambda: shown in (fetch(base + PAGE) or ""))


# --------------------------------------------------------------------------
# pre-commit
# --------------------------------------------------------------------------


def test_the_project_yaml_passes_yamllint():
    result = yamllint(ROOT)
    assert result.returncode == 0, result.stdout


def test_the_pre_commit_hooks_are_local_and_run_pinned_tools():
    """pre-commit fetches no hook repository: each hook runs a tool of .venv."""
    config = parse_yaml((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {hook["entry"].split()[0] for hook in hooks} == {
        f".venv/bin/{tool}" for tool in ("meetings", "ruff", "mypy", "yamllint", "codespell")
    }
    for hook in hooks:
        assert (ROOT / hook["entry"].split()[0]).name in {
            path.name for path in Path(sys.executable).parent.iterdir()
        }
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
