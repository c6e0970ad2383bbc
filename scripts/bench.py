"""``make bench``: how long the site takes to build, and what our own layer adds to MkDocs.

Generates synthetic but realistic records (valid YAML, topics drawn from a
realistic vocabulary with a few common and many rare ones, summaries of the
real records' length, events of 6 to 12 meetings) at 6, 1,000 and 10,000
meetings in a temporary folder, and measures, each the median of
``BENCH_RUNS`` (default 3) runs in a new process, in processor time first
(``cpu_s``: user + system, which other work on a shared machine disturbs
little) and in wall time (``*_s``, which it can stretch several times):

``cpu_s.render``, ``render_s``
    Our layer alone, without a MkDocs build: the ``meetings`` plugin's
    ``on_config``, ``on_files`` and ``on_env`` (read, validate, catalog,
    navigation, every page, the open data files and the page metadata), timed
    inside the process once MkDocs has loaded the configuration.
``cpu_s.build``, ``build_s``
    ``mkdocs build --strict`` through the plugin (10,000 meetings only with
    ``BENCH_FULL=1``).
``cpu_s.floor``, ``floor_s``
    MkDocs alone: ``mkdocs build --strict`` of the same pages and files
    already written out, with the same theme, plugins and navigation but
    without the ``meetings`` plugin. It is left out, not ``enabled: false``:
    MkDocs imports a plugin even when it is switched off, and that import is
    part of our cost.
``cpu_ratio``, ``overhead_ratio``
    ``cpu_s.build / cpu_s.floor`` and ``build_s / floor_s``: what our layer adds.
``peak_rss_mib``
    The largest peak resident memory of our processes (render and build);
    ``rss_mib`` gives each process's.
``page_kib``
    The largest meeting page of the built site, in KiB of HTML.
``reload_s``
    ``mkdocs serve`` on a copy of the real six-meeting site: from saving a
    changed record to the served page showing the change (median of 5).

Prints the tables, the load average (1, 5 and 15 minutes) at the start and
the end, and the targets met or missed, judged on processor time; with
``BENCH_OUT=path`` also writes the figures as JSON, both times and the load
included (``null`` for what was not measured). Timing targets live here,
never in the tests.

    usage: python scripts/bench.py [--sizes 6,1000,10000] [--runs 3] [--no-reload]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides")
SIZES = (6, 1_000, 10_000)
FULL_ONLY = 10_000
"""Sizes whose MkDocs builds run only with ``BENCH_FULL=1`` (minutes each)."""
PREVIEW_SIZES = (1_000, 10_000)
"""Sizes at which a one-record edit in the preview is timed (at a size whose MkDocs builds
do not run, the plugin's part alone)."""
RELOAD_RUNS = 5
RELOAD_PAGE = "forum-2021/ac2-citizen-focus/"
RELOAD_RECORD = "clusters/forum-2021/ac2-citizen-focus.yaml"
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1625443200"}

# --------------------------------------------------------------------------
# Synthetic records
# --------------------------------------------------------------------------

CLUSTER_NAMES = (
    "Smart Finance",
    "People and Places",
    "Networks and Infrastructure",
    "Planning and Regulation",
    "Green Buildings",
    "Clean Mobility",
    "Energy Communities",
    "Urban Data Platforms",
    "Positive Energy Districts",
    "Green and Blue Spaces",
    "Smart Governance",
    "Circular Economy",
    "Climate Adaptation",
    "Digital Twins",
    "Public Procurement",
    "Small Cities and Regions",
    "Urban Logistics",
    "Water and Waste",
    "Health and Wellbeing",
    "Skills and Education",
)
"""Made-up Action Cluster names by number (1 to 20), as long as the real ones.

Nothing here is taken from the records: their text lives only in ``clusters/``."""

TOPICS = (
    "positive energy districts", "energy efficiency", "district heating", "heat pumps",
    "smart grids", "energy storage", "hydrogen", "solar power", "wind power", "retrofitting",
    "social housing", "energy poverty", "air quality", "noise", "green roofs", "urban forests",
    "water management", "flood protection", "heatwaves", "climate adaptation",
    "climate neutrality", "circular economy", "waste management", "recycling",
    "construction materials", "digital twins", "open data", "interoperability", "standards",
    "cybersecurity", "artificial intelligence", "internet of things", "sensors", "5G",
    "street lighting", "urban logistics", "last-mile delivery", "cycling", "walking",
    "public space", "parking policy", "low-emission zones", "mobility as a service",
    "autonomous vehicles", "rail", "bus rapid transit", "micromobility", "road safety",
    "accessibility", "ageing population", "gender equality", "skills", "education",
    "universities", "start-ups", "SMEs", "investment", "green bonds",
    "public-private partnerships", "business models", "procurement", "regulation", "governance",
    "participatory budgeting", "co-creation", "living labs", "urban planning", "land use",
    "regeneration", "tourism", "heritage", "small cities", "regions", "rural areas",
    "replication", "impact assessment", "key performance indicators", "city networks",
    "peer learning", "EU Green Deal", "zero pollution", "Covenant of Mayors", "Horizon Europe",
    "cohesion funds", "recovery plans", "resilience", "food systems", "urban agriculture",
    "health and wellbeing", "social innovation", "digital inclusion", "e-government",
    "platforms", "data spaces", "privacy", "ethics", "behaviour change", "awareness campaigns",
)  # fmt: skip
"""A made-up but realistic vocabulary, drawn with Zipf weights: a few topics are
very common (the most common one is on more than half the meetings), most are rare."""

PROJECTS = tuple(f"SYNTH-{name}" for name in (
    "ALPHA", "BRAVO", "CEDAR", "DELTA", "EMBER", "FJORD", "GAMMA", "HARBOR", "IVORY",
    "JUNIPER", "KESTREL", "LUMEN", "MERIDIAN", "NOVA", "ORBIT", "PRISM", "QUARRY", "RIVET",
))  # fmt: skip

_SENTENCES = (
    "The session looks at {a} and how it relates to {b}.",
    "Participants talk about {a}, {b} and what {c} means for cities.",
    "How could a whole district take up {a}?",
    "The {p} project shows its first results on {a}.",
    "Cities compare their plans for {a} and their work together on {b}.",
    "Money for {a} and the effort asked of residents are discussed at length.",
    "{b} and its links with {c} come up as well.",
    "Lessons from {p} on {a} and {b} are shared.",
    "The meeting closes with {c} and what comes next for {a}.",
    "Several cities explain how {a} serves their aims on {b}.",
)


def _weights(count: int) -> list[float]:
    """Zipf weights (s = 1): a few topics are very common, most are rare."""
    return [1 / rank for rank in range(1, count + 1)]


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _folded(text: str, indent: str = "  ", width: int = 96) -> str:
    """Text as a folded block scalar (``>-``), wrapped like the real records."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ">-\n" + "".join(f"{indent}{part}\n" for part in lines)


def event_sizes(meetings: int, rng: random.Random) -> list[int]:
    """Meetings per event: 6 to 12 each (like the real Forum's six), summing to ``meetings``."""
    if meetings <= 12:
        return [meetings]
    sizes: list[int] = []
    left = meetings
    while left > 12:
        size = rng.randint(6, 12)
        sizes.append(size)
        left -= size
    if left:
        sizes.append(left)
    return sizes


def generate(root: Path, meetings: int, seed: int = 2021) -> None:
    """Write ``meetings`` synthetic meeting records, grouped in events, under ``root/clusters``."""
    rng = random.Random(seed)
    weights = _weights(len(TOPICS))
    clusters = root / "clusters"
    start = dt.date(2021, 6, 9)
    for index, size in enumerate(event_sizes(meetings, rng)):
        first = start - dt.timedelta(days=7 * index)
        last = first + dt.timedelta(days=rng.randint(0, 2))
        slug = f"forum-{first.year}-{index + 1:04d}"
        folder = clusters / slug
        folder.mkdir(parents=True)
        numbers = sorted(rng.sample(range(1, len(CLUSTER_NAMES) + 1), size))
        quoted: list[str] = []  # the source's passages: what the meetings quote
        for number in numbers:
            day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
            topics = _distinct(rng.randint(3, 6), rng, weights)
            text, words = _meeting_yaml(number, day, topics, rng)
            name = f"ac{number}-{_slugify(CLUSTER_NAMES[number - 1])}.yaml"
            (folder / name).write_text(text, "utf-8")
            quoted += words
        (folder / "event.yaml").write_text(_event_yaml(slug, first, last, index, quoted), "utf-8")


def _distinct(count: int, rng: random.Random, weights: list[float]) -> list[str]:
    """``count`` different topics, common ones more often."""
    topics: dict[str, None] = {}
    while len(topics) < count:
        topics.update(dict.fromkeys(rng.choices(TOPICS, weights, k=count - len(topics))))
    return list(topics)


def _event_yaml(slug: str, first: dt.date, last: dt.date, index: int, quoted: list[str]) -> str:
    published = last + dt.timedelta(days=25)
    description = (
        f"On day 2 of forum no. {index + 1}, the Action Clusters held meetings on a "
        "number of topical subjects reflecting new developments in the field of smart cities."
    )
    passages = [
        description,
        "Watch the meetings on the Synthetic Marketplace YouTube channel.",
        "Projects presented: " + ", ".join(PROJECTS) + ".",
        *quoted,
    ]
    return (
        "# yaml-language-server: $schema=../../docs/schema/event.schema.json\n"
        f"slug: {slug}\n"
        f"name: Synthetic Marketplace Forum {first.year} no. {index + 1}\n"
        f"short_name: Forum {first.isoformat()}\n"
        f"start_date: {first.isoformat()}\n"
        f"end_date: {last.isoformat()}\n"
        "dates_cites: [news]\n"
        "description: "
        + _folded(description)
        + "organizer:\n  name: Synthetic Marketplace\n  url: https://example.org/\n"
        "  cites: [news]\n"
        "cites: [news]\n"
        "sources:\n"
        "  - id: news\n"
        f"    title: Action Cluster meetings of forum no. {index + 1}\n"
        "    publisher: Synthetic Marketplace news\n"
        f"    url: https://example.org/news/{slug}\n"
        f"    published: {published.isoformat()}\n"
        "    supports: The forum's dates and its meetings.\n"
        "    passages:\n" + "".join(f"      - {_folded(p, '        ')}" for p in passages)
    )


def _meeting_yaml(
    number: int, day: dt.date, topics: list[str], rng: random.Random
) -> tuple[str, list[str]]:
    """A meeting record, and the words it quotes from its source (its title, its summary)."""
    name = CLUSTER_NAMES[number - 1]
    projects = rng.sample(PROJECTS, rng.choice((0, 0, 1, 1, 2)))
    summary = ""
    target = rng.randint(140, 480)  # the real summaries' range
    while len(summary) < target:
        a, b = rng.sample(topics, 2)
        sentence = rng.choice(_SENTENCES).format(
            a=a, b=b, c=rng.choice(TOPICS), p=rng.choice(PROJECTS)
        )
        summary = f"{summary} {sentence}".strip()
    # A topic is a word or phrase of the meeting's own summary (meetings/topics.py).
    for topic in topics:
        if not re.search(rf"(?<!\w){re.escape(topic.casefold())}(?!\w)", summary.casefold()):
            summary += f" It also touches on {topic}."
    title = f"Action Cluster {number} - {name} meeting"
    lines = [
        "# yaml-language-server: $schema=../../docs/schema/meeting.schema.json",
        f"slug: ac{number}-{_slugify(name)}",
        "cluster:",
        f"  number: {number}",
        f"  name: {name}",
        f"title: {title}",
        f"date: {day.isoformat()}",
        "summary: " + _folded(summary).rstrip("\n"),
        "topics:",
        *(f"  - {topic}" for topic in topics),
    ]
    if projects:
        lines += ["projects:"]
        lines += [f"  - name: {project}\n    cites: [news]" for project in projects]
    lines += [
        "recording:",
        f"  title: {title}",
        "  platform: YouTube",
        "  channel: Synthetic Marketplace",
        "  cites: [news]",
        "cites: [news]",
    ]
    return "\n".join(lines) + "\n", [title, summary]


def copy_sources(dest: Path) -> None:
    """Copy the site's sources but the records (``SITE_SOURCES``) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)


def make_project(dest: Path, meetings: int | None) -> Path:
    """A copy of the site's sources in ``dest``: synthetic records, or the real ones (``None``)."""
    copy_sources(dest)
    if meetings is None:
        shutil.copytree(ROOT / "clusters", dest / "clusters")
    else:
        generate(dest, meetings)
    return dest


# --------------------------------------------------------------------------
# Measuring a process
# --------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mib: float
    output: str


def run(command: list[str], cwd: Path, log: Path) -> Run:
    """Run ``command`` to its end: its wall time and peak resident memory."""
    with log.open("w+", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **BUILD_ENV}, stdout=out, stderr=out, text=True
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed in {cwd}:\n{output[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, output)  # ru_maxrss: KiB on Linux


def mkdocs_build(project: Path, site: Path, config: str = "mkdocs.yml") -> Run:
    shutil.rmtree(site, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    return run(
        [*command, "--config-file", config, "--site-dir", str(site)],
        project,
        site.with_suffix(".log"),
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------
# Our layer alone, in a child process
# --------------------------------------------------------------------------


def render_child(project: Path, floor: Path | None) -> None:
    """Time the plugin's own work; then write its output as the floor's plain files.

    Prints ``{"seconds": …}``. The floor (when given) gets the hand-written
    pages, every generated page and file as the plugin made them, and an
    ``mkdocs.yml`` with the same configuration and navigation, without the
    plugin.
    """
    os.chdir(project)
    import jinja2
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    config = load_config(config_file=str(project / "mkdocs.yml"))
    plugin = config.plugins["meetings"]
    config.plugins._current_plugin = "meetings"  # as MkDocs sets it while running a hook
    start, cpu = time.perf_counter(), _cpu_time()
    config = plugin.on_config(config) or config
    files = plugin.on_files(Files([]), config=config) or Files([])
    plugin.on_env(jinja2.Environment(), config=config, files=files)
    seconds, cpu = time.perf_counter() - start, _cpu_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "files": len(files)}))
    if floor is not None:
        write_floor(project, floor, files, config.nav or [])


def _cpu_time() -> float:
    """Processor time of this process and of the children it waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def write_floor(project: Path, floor: Path, files: Any, nav: list[Any]) -> None:
    import yaml
    from mkdocs.utils.yaml import yaml_load

    shutil.copytree(project / "docs", floor / "docs")
    shutil.copytree(project / "overrides", floor / "overrides")
    for file in files:
        target = floor / "docs" / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.content_bytes)
    with (project / "mkdocs.yml").open("rb") as stream:
        plugins = yaml_load(stream).get("plugins", [])
    plugins = [
        p for p in plugins if p != "meetings" and not (isinstance(p, dict) and "meetings" in p)
    ]
    settings = {
        "INHERIT": str(project / "mkdocs.yml"),
        "plugins": plugins,
        "nav": nav,
        # The older events' pages are outside the navigation, as in the plugin's build.
        "validation": {"nav": {"omitted_files": "info"}},
    }
    # YAML, not JSON: plugin settings may name Python functions (the tags plugin's
    # order of topics), which PyYAML writes back as !!python/name tags.
    (floor / "mkdocs.yml").write_text(yaml.dump(settings, sort_keys=False), "utf-8")


# --------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------


@dataclass
class SizeResult:
    meetings: int
    render_s: float | None = None
    build_s: float | None = None
    floor_s: float | None = None
    page_kib: float | None = None
    rss_mib: dict[str, float | None] = field(
        default_factory=lambda: {"render": None, "build": None, "floor": None}
    )
    cpu_s: dict[str, float | None] = field(
        default_factory=lambda: {"render": None, "build": None, "floor": None}
    )
    """Processor time (user + system), less disturbed than wall time on a busy machine."""
    preview: dict[str, Any] | None = None
    """A one-record edit in the preview (:func:`measure_preview`)."""

    @property
    def overhead_ratio(self) -> float | None:
        if self.build_s is None or self.floor_s is None:
            return None
        return self.build_s / self.floor_s

    @property
    def cpu_ratio(self) -> float | None:
        """``cpu_s.build / cpu_s.floor``: what our layer adds, in processor time."""
        build, floor = self.cpu_s["build"], self.cpu_s["floor"]
        return None if build is None or floor is None else build / floor

    @property
    def peak_rss_mib(self) -> float | None:
        ours = [peak for k in ("render", "build") if (peak := self.rss_mib[k]) is not None]
        return max(ours) if ours else None

    def as_json(self) -> dict[str, Any]:
        return {
            "meetings": self.meetings,
            "cpu_s": {k: _round(v) for k, v in self.cpu_s.items()},
            "cpu_ratio": _round(self.cpu_ratio),
            "render_s": _round(self.render_s),
            "build_s": _round(self.build_s),
            "floor_s": _round(self.floor_s),
            "overhead_ratio": _round(self.overhead_ratio),
            "peak_rss_mib": _round(self.peak_rss_mib, 1),
            "page_kib": _round(self.page_kib, 1),
            "rss_mib": {k: _round(v, 1) for k, v in self.rss_mib.items()},
            "preview": self.preview,
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def measure_size(
    meetings: int, runs: int, build: bool, work: Path, preview: bool = True
) -> SizeResult:
    result = SizeResult(meetings)
    say(f"{meetings:,} meetings: generating the records")
    project = make_project(work / f"site-{meetings}", meetings)
    floor = work / f"floor-{meetings}"
    render_command = [sys.executable, __file__, "--render-child", str(project)]

    say(f"{meetings:,} meetings: render_s ({runs} runs)")
    renders = []
    for index in range(runs):
        # The first run also writes the floor's files (after its timing).
        extra = ["--floor", str(floor)] if build and index == 0 else []
        outcome = run([*render_command, *extra], project, work / "render.log")
        timed = json.loads(outcome.output.splitlines()[-1])
        renders.append((timed["seconds"], timed["cpu_seconds"], outcome.peak_mib))
    result.render_s = median([seconds for seconds, _, _ in renders])
    result.cpu_s["render"] = median([cpu for _, cpu, _ in renders])
    result.rss_mib["render"] = max(peak for _, _, peak in renders)
    if preview and meetings in PREVIEW_SIZES:
        say(f"{meetings:,} meetings: a one-record edit in the preview ({RELOAD_RUNS} edits)")
        result.preview = measure_preview(project, build, RELOAD_RUNS, work)
    if not build:
        return result

    say(f"{meetings:,} meetings: build_s and floor_s ({runs} runs each, alternating)")
    builds, floors = [], []
    for _ in range(runs):
        builds.append(mkdocs_build(project, work / "site-build"))
        floors.append(mkdocs_build(floor, work / "site-floor"))
    result.build_s = median([r.seconds for r in builds])
    result.floor_s = median([r.seconds for r in floors])
    result.rss_mib["build"] = max(r.peak_mib for r in builds)
    result.rss_mib["floor"] = max(r.peak_mib for r in floors)
    result.cpu_s["build"] = median([r.cpu_seconds for r in builds])
    result.cpu_s["floor"] = median([r.cpu_seconds for r in floors])
    result.page_kib = largest_meeting_page(project, work / "site-build")
    shutil.rmtree(project)
    shutil.rmtree(floor)
    return result


def largest_meeting_page(project: Path, site: Path) -> float:
    """The largest HTML page of a meeting in the built site, in KiB."""
    sizes = [
        (site / folder.name / record.stem / "index.html").stat().st_size
        for folder in (project / "clusters").iterdir()
        for record in folder.glob("*.yaml")
        if record.name != "event.yaml"
    ]
    return max(sizes) / 1024


# --------------------------------------------------------------------------
# The preview: mkdocs serve --dirty, as make serve runs it
# --------------------------------------------------------------------------


def measure_reload(project: Path, page: str, record: Path, runs: int = RELOAD_RUNS) -> list[float]:
    """``mkdocs serve --dirty`` (``make serve``): seconds from saving ``record`` to the
    served ``page`` showing the change (a word of its summary cut: :func:`cut_word`), wall
    time. It includes the time MkDocs' watcher takes to see the change (it looks every
    half second, then waits a tenth of a second for more changes)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{page}"
    log = (project.parent / f"serve-{project.name}.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, **BUILD_ENV, "SITE_URL": f"http://127.0.0.1:{port}/"},
        stdout=log,
        stderr=log,
    )
    original = record.read_text(encoding="utf-8")
    times = []
    try:
        _wait_for(lambda: bool(_fetch(url)), timeout=600)
        for index in range(runs):
            text, marker = cut_word(original, index)
            time.sleep(1.0)  # let the server settle after the previous rebuild
            record.write_text(text, "utf-8")
            start = time.perf_counter()
            _wait_for(lambda marker=marker: marker in _fetch(url), timeout=120)
            times.append(time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        record.write_text(original, "utf-8")
    return times


def edited_record(project: Path) -> tuple[Path, str]:
    """The record a preview figure edits: the first meeting of the newest event (on the home
    page, in the navigation); its file and its page's address."""
    from meetings.catalog import collect
    from meetings.layout import Site

    meeting = collect(project / "clusters", project).events[0].meetings[0]
    return project / meeting.file, Site(None, "").page_url(meeting.page)


def cut_word(text: str, index: int) -> tuple[str, str]:
    """A record's text with a word of its summary cut ("…"), a different one for each
    ``index``: still a quotation of its source (its topics, words of its summary, kept);
    and the words around the cut, as its page shows them."""
    summary = re.search(r"(?m)^summary: >-\n((?:  .*\n)+)", text)
    if summary is None:
        raise SystemExit("bench: the edited record's summary is not a folded block")
    words = summary[1].split()
    topics = re.search(r"(?m)^topics:\n((?:  - .*\n)+)", text)
    kept = {w for line in (topics[1] if topics else "").splitlines() for w in line[4:].split()}
    cuts = [
        i
        for i in range(1, len(words) - 1)
        if words[i].isalpha() and words[i - 1].isalpha() and words[i + 1].isalpha()
        if not {words[i - 1], words[i], words[i + 1]} & kept
    ]
    if not cuts:
        raise SystemExit("bench: no word of the edited record's summary can be cut")
    at = cuts[index % len(cuts)]
    cut = " ".join([*words[:at], "…", *words[at + 1 :]])
    block = "".join(f"  {line}\n" for line in textwrap.wrap(cut, 94, break_on_hyphens=False))
    return text[: summary.start(1)] + block + text[
        summary.end(1) :
    ], f"{words[at - 1]} … {words[at + 1]}"


PREVIEW_HOOKS = (
    "on_config", "on_files", "on_nav", "on_env", "on_page_markdown", "on_page_context",
    "on_post_page", "on_post_template", "on_post_build",
)  # fmt: skip


def preview_child(project: Path, whole: bool, runs: int) -> None:
    """Time one-record edits in ``mkdocs serve --dirty``, in this process, in processor time:
    the plugin's part (its hooks, and the pages MkDocs leaves out, which it gives back) and,
    with ``whole``, MkDocs' part (the rest of the rebuild). The watcher is MkDocs' (watchdog's
    polling observer); without ``whole``, only the plugin's ``on_config``, ``on_files`` and
    ``on_env`` run, as for ``cpu_s.render``. Prints the runs as JSON."""
    os.chdir(project)
    import types

    import jinja2
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files
    from watchdog.observers.polling import PollingObserver

    url = "http://127.0.0.1:8000/"
    site = Path(tempfile.mkdtemp(prefix="mkdocs_"))

    def config() -> Any:
        loaded = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        loaded.site_url = url
        return loaded

    spent = [0.0]  # processor time in the plugin's code, outermost calls only
    depth = [0]

    def timed(method: Any) -> Any:
        @functools.wraps(method)
        def run(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            start = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:
                    spent[0] += time.process_time() - start

        return run

    first = config()
    first.plugins.on_startup(command="serve", dirty=True)
    plugin = first.plugins["meetings"]
    for name in PREVIEW_HOOKS:
        setattr(plugin, name, timed(getattr(plugin, name)))

    def rebuild(loaded: Any) -> None:
        if whole:
            build(loaded, serve_url=url, dirty=True)
            return
        loaded.plugins._current_plugin = "meetings"  # as MkDocs sets it while running a hook
        loaded = plugin.on_config(loaded) or loaded
        files = plugin.on_files(Files([]), config=loaded) or Files([])
        plugin.on_env(jinja2.Environment(), config=loaded, files=files)
        plugin.on_post_build(config=loaded)  # the build is the last good one
        if plugin.pages is not None:
            plugin.pages.journal.keep()  # as the server's rebuild does

    rebuild(first)
    if plugin.pages is not None:  # the pages MkDocs leaves out: the plugin gives them back
        plugin.pages._is_modified = timed(plugin.pages._is_modified)
    observer = PollingObserver(timeout=0.1)
    plugin.preview.folders.watch(types.SimpleNamespace(observer=observer), project / "clusters")
    observer.start()
    record, _ = edited_record(project)
    original = record.read_text(encoding="utf-8")
    measured = []
    try:
        for index in range(runs):
            record.write_text(cut_word(original, index)[0], "utf-8")
            _wait_for(plugin.preview.folders.heard, timeout=30)
            spent[0], cpu, wall = 0.0, time.process_time(), time.perf_counter()
            rebuild(config())
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            measured.append({"ours": spent[0], "rebuild": cpu, "rebuild_s": wall})
    finally:
        observer.stop()
        record.write_text(original, "utf-8")
    print(json.dumps(measured))


def measure_preview(project: Path, whole: bool, runs: int, work: Path) -> dict[str, Any]:
    """One-record edits in the preview at this size: processor time, ours and MkDocs', and
    (with ``whole``) the wall time until the page served shows the edit."""
    command = [sys.executable, __file__, "--preview-child", str(project), "--runs", str(runs)]
    outcome = run([*command, *(["--whole"] if whole else [])], project, work / "preview.log")
    measured = json.loads(outcome.output.splitlines()[-1])
    ours = median([m["ours"] for m in measured])
    figures: dict[str, Any] = {"cpu_s": {"ours": _round(ours)}, "runs": measured}
    if whole:
        rebuild = median([m["rebuild"] for m in measured])
        figures["cpu_s"].update(mkdocs=_round(rebuild - ours), rebuild=_round(rebuild))
        figures["rebuild_s"] = _round(median([m["rebuild_s"] for m in measured]))
        record, page = edited_record(project)
        visible = measure_reload(project, page, record, runs)
        figures["visible_s"] = _round(median(visible))
        figures["visible_runs_s"] = [_round(seconds) for seconds in visible]
    return figures


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("bench: mkdocs serve did not show the change in time")
        time.sleep(0.02)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def machine() -> str:
    """CPU model, cores, memory, Python and OS, in one line."""
    import psutil

    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found[1].strip() if found else cpu
    memory = psutil.virtual_memory().total / 2**30
    system = platform.platform(terse=True)
    os_release = Path("/etc/os-release")
    if os_release.is_file():
        found = re.search(r'^PRETTY_NAME="?([^"\n]+)', os_release.read_text(), re.MULTILINE)
        system = found[1] if found else system
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {system}"
    )


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("mkdocs", "mkdocs-material")}


TARGETS = (
    # (figure, meetings, limit, how it is written)
    ("cpu_s.render", 10_000, 3.0, "cpu_s.render <= 3.0 s at 10,000 meetings"),
    ("cpu_ratio", 1_000, 1.05, "cpu_s.build / cpu_s.floor <= 1.05 at 1,000 meetings"),
    ("cpu_ratio", 10_000, 1.05, "cpu_s.build / cpu_s.floor <= 1.05 at 10,000 meetings"),
    ("peak_rss_mib", 10_000, 1024, "peak memory <= 1 GiB at 10,000 meetings"),
    ("page_kib", 1_000, 40, "meeting page <= 40 KiB at 1,000 meetings"),
    ("page_kib", 10_000, 40, "meeting page <= 40 KiB at 10,000 meetings"),
    ("preview.cpu_s.ours", 10_000, 0.1, "preview, one-record edit: ours <= 0.1 s at 10,000"),
    ("preview.visible_s", 1_000, 1.0, "preview, one-record edit visible <= 1.0 s at 1,000"),
)


def targets(report: dict[str, Any]) -> list[str]:
    lines = []
    by_size = {size["meetings"]: size for size in report["sizes"]}
    for name, meetings, limit, text in TARGETS:
        value: Any = by_size.get(meetings, {})
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        lines.append(_verdict(text, value, limit))
    lines.append(_verdict("reload_s <= 1.0 s on the real site", report["reload_s"], 1.0))
    return lines


def _verdict(text: str, value: float | None, limit: float) -> str:
    if value is None:
        return f"  not measured  {text}"
    return f"  {'met' if value <= limit else 'MISSED':12}  {text}: {value:g}"


def load_average() -> list[float]:
    """The machine's load average over 1, 5 and 15 minutes."""
    return [round(value, 2) for value in os.getloadavg()]


def table(report: dict[str, Any]) -> str:
    def cell(value: float | None, digits: int = 2) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    start, end = report["load_average"]["start"], report["load_average"]["end"]
    rows = [
        "Processor time (cpu_s: user + system, s, median of the runs), what the targets judge:",
        "",
        "| meetings | render | build | floor | build / floor |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in report["sizes"]:
        cpu = size["cpu_s"]
        rows.append(
            f"| {size['meetings']:,} | {cell(cpu['render'])} | {cell(cpu['build'])} "
            f"| {cell(cpu['floor'])} | {cell(size['cpu_ratio'], 3)} |"
        )
    rows += [
        "",
        "Wall time (s), which other work on the machine stretches:",
        "",
        "| meetings | render_s | build_s | floor_s | overhead_ratio | page_kib | peak_rss_mib |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in report["sizes"]:
        rows.append(
            f"| {size['meetings']:,} | {cell(size['render_s'])} | {cell(size['build_s'])} "
            f"| {cell(size['floor_s'])} | {cell(size['overhead_ratio'], 3)} "
            f"| {cell(size['page_kib'], 1)} | {cell(size['peak_rss_mib'], 0)} |"
        )
    rows += [
        "",
        "Preview (make serve: mkdocs serve --dirty), a one-record edit, median of the edits:",
        "processor time of the plugin's part and of MkDocs' part of the rebuild; its wall time;",
        "and the wall time from saving to the page served showing it (watcher included):",
        "",
        "| meetings | ours | MkDocs | rebuild | rebuild_s | visible_s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size in report["sizes"]:
        preview = size.get("preview")
        if preview:
            cpu = preview["cpu_s"]
            rows.append(
                f"| {size['meetings']:,} | {cell(cpu.get('ours'), 3)} | {cell(cpu.get('mkdocs'))} "
                f"| {cell(cpu.get('rebuild'))} | {cell(preview.get('rebuild_s'))} "
                f"| {cell(preview.get('visible_s'))} |"
            )
    rows.append("")
    runs = ", ".join(f"{seconds:.2f}" for seconds in report["reload_runs_s"])
    reload = cell(report["reload_s"])
    rows.append(f"reload_s (real site, median of {RELOAD_RUNS}): {reload} ({runs or 'not run'})")
    rows.append(
        "Load average (1, 5, 15 min): "
        f"{', '.join(map(str, start))} at the start, {', '.join(map(str, end))} at the end"
    )
    return "\n".join(rows)


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="meetings, e.g. 6,1000")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--no-reload", action="store_true", help="skip reload_s")
    parser.add_argument("--no-preview", action="store_true", help="skip the preview's figures")
    parser.add_argument("--render-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--preview-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--whole", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render_child:
        render_child(args.render_child, args.floor)
        return
    if args.preview_child:
        preview_child(args.preview_child, args.whole, args.runs)
        return

    full = os.environ.get("BENCH_FULL") == "1"
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="meetings-bench-") as tmp:
        work = Path(tmp)
        results = [
            measure_size(n, args.runs, full or n < FULL_ONLY, work, not args.no_preview)
            for n in sizes
        ]
        reloads: list[float] = []
        if not args.no_reload:
            say(f"reload_s on the real site ({RELOAD_RUNS} saves)")
            real = make_project(work / "reload", None)
            reloads = measure_reload(real, RELOAD_PAGE, real / RELOAD_RECORD)
    report = {
        "sizes": [result.as_json() for result in results],
        "reload_s": _round(median(reloads)) if reloads else None,
        "reload_runs_s": [_round(seconds) for seconds in reloads],
        "machine": machine(),
        "software": versions(),
        "load_average": {"start": load, "end": load_average()},
        "runs": args.runs,
    }
    print(table(report))
    print(f"\nMachine: {report['machine']}.")
    print("Targets:")
    print("\n".join(targets(report)))
    out = os.environ.get("BENCH_OUT")
    if out:
        Path(out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {out}")


if __name__ == "__main__":
    main()
