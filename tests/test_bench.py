"""The benchmark (``make bench``): its records are valid and realistic, its report has its shape.

Only tiny sizes run here, and nothing is timed against a target: the targets
live in ``scripts/bench.py``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from unittest import mock

import jinja2
import pytest

import bench
from meetings.catalog import collect

from .helpers import BUILD_ENV, ROOT


def test_event_sizes_are_realistic_and_add_up():
    rng = random.Random(7)
    for meetings in (1, 6, 12, 13, 100, 1_000):
        sizes = bench.event_sizes(meetings, rng)
        assert sum(sizes) == meetings
        assert all(1 <= size <= 12 for size in sizes)
        assert all(size >= 6 for size in sizes[:-1])


def test_generated_records_are_valid_and_varied(tmp_path: Path):
    bench.generate(tmp_path, 120)
    catalog = collect(tmp_path / "clusters", tmp_path)  # raises on any invalid record
    assert len(catalog.meetings) == 120
    assert len(catalog.events) >= 10
    assert len({e.slug for e in catalog.events}) == len(catalog.events)
    summaries = [len(m.summary) for m in catalog.meetings]
    assert min(summaries) >= 140 and max(summaries) <= 700  # like the real records
    uses = Counter(t for m in catalog.meetings for t in m.topics)
    assert len(uses) >= 40  # many topics ...
    assert uses.most_common(1)[0][1] >= 5 * statistics.median(uses.values())  # ... a few common
    assert all(m.related for m in catalog.meetings)


def test_the_same_seed_gives_the_same_records(tmp_path: Path):
    bench.generate(tmp_path / "a", 30)
    bench.generate(tmp_path / "b", 30)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert files
    for path in files:
        assert (tmp_path / "a" / path).read_text() == (tmp_path / "b" / path).read_text()


@pytest.mark.build
def test_report_has_the_documented_shape(tmp_path: Path):
    out = tmp_path / "bench.json"
    command = [sys.executable, str(ROOT / "scripts" / "bench.py")]
    result = subprocess.run(
        [*command, "--sizes", "6", "--runs", "1", "--no-reload"],
        env={**os.environ, **BUILD_ENV, "BENCH_OUT": str(out)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    processor = lines.index("| meetings | render | build | floor | build / floor |")
    wall = lines.index(
        "| meetings | render_s | build_s | floor_s | overhead_ratio | page_kib | peak_rss_mib |"
    )
    assert processor < wall  # processor time first
    assert any(line.startswith("Load average (1, 5, 15 min): ") for line in lines)
    report = json.loads(out.read_text())
    assert set(report) >= {"sizes", "reload_s", "machine", "load_average"}
    assert report["reload_s"] is None  # not measured
    assert "cores" in report["machine"] and "Python" in report["machine"]
    for moment in ("start", "end"):
        assert len(report["load_average"][moment]) == 3
    (size,) = report["sizes"]
    assert size["meetings"] == 6
    assert size["preview"] is None  # timed at 1,000 and 10,000 meetings only
    assert "| meetings | ours | MkDocs | rebuild | rebuild_s | visible_s |" in lines
    for key in ("render_s", "build_s", "floor_s", "overhead_ratio", "peak_rss_mib", "page_kib"):
        assert isinstance(size[key], float) and size[key] > 0, key
    for key in ("render", "build", "floor"):
        assert isinstance(size["cpu_s"][key], float) and size["cpu_s"][key] > 0, key
    assert abs(size["overhead_ratio"] - size["build_s"] / size["floor_s"]) < 0.01
    assert abs(size["cpu_ratio"] - size["cpu_s"]["build"] / size["cpu_s"]["floor"]) < 0.01


def test_theme_templates_are_compiled_once_and_again_when_edited(tmp_path: Path):
    """``mkdocs serve`` makes a new theme environment per rebuild; the plugin keeps the code."""
    from meetings.plugin import _CompiledTemplates

    template = tmp_path / "page.html"
    template.write_text("one {{ x }}")
    cache = _CompiledTemplates()

    def render(x: int) -> str:
        loader = jinja2.FileSystemLoader(tmp_path)
        return (
            jinja2.Environment(loader=loader, bytecode_cache=cache)
            .get_template("page.html")
            .render(x=x)
        )

    assert render(1) == "one 1"
    with mock.patch.object(jinja2.Environment, "compile", side_effect=AssertionError):
        assert render(2) == "one 2"  # a new environment, the same compiled code
    template.write_text("two {{ x }}")
    assert render(3) == "two 3"  # an edited template is compiled anew


@pytest.mark.build
def test_the_preview_is_timed_in_its_two_parts(tmp_path: Path):
    """A one-record edit in ``mkdocs serve --dirty`` (the real records, one edit): the
    plugin's part and the whole rebuild, in processor time, and the record as it was."""
    project = bench.make_project(tmp_path / "project", None)
    record, _ = bench.edited_record(project)
    before = record.read_bytes()
    command = [sys.executable, str(ROOT / "scripts" / "bench.py"), "--preview-child"]
    result = subprocess.run(
        [*command, str(project), "--runs", "1", "--whole"],
        env={**os.environ, **BUILD_ENV},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (edit,) = json.loads(result.stdout.splitlines()[-1])
    assert 0 < edit["ours"] < edit["rebuild"]
    assert edit["rebuild_s"] > 0
    assert record.read_bytes() == before
