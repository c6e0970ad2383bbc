"""Trust: nothing in a record, a file name or a build can harm visitors or lose the site.

Each test reproduces one way a file under ``clusters/`` (an editor's mistake,
or a hostile pull request) or an interrupted build broke that promise, and
checks what an editor or a visitor sees: the exact message line, the site left
byte for byte as it was, the preview still answering. Broken values are in
``test_hostile_input.py`` (the cases of what no build could publish, of
silently wrong data, of terminal escapes and of topics); the property that
validation and the build agree is in ``test_trust_properties.py``; what a
browser shows is in ``browser/test_trust_browser.py``.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files

import meetings.plugin
from meetings.banner import BANNER_ID
from meetings.catalog import Catalog
from meetings.cli import main
from meetings.render import TEMPLATES

from .helpers import (
    BUILD_ENV,
    EXAMPLE_REPO,
    ROOT,
    build_in_process,
    fetch,
    make_full_project,
    make_project,
    mkdocs_serve,
    run_make,
    set_plugin_option,
    snapshot,
    wait_for,
)
from .records import SAMPLE, add_sample
from .test_hostile_input import AC1, build_site

EVENT_FOLDER = SAMPLE.folder


@pytest.fixture
def project(sample_project: Path) -> Path:
    """A throw-away copy of the project with the real records and the example meeting."""
    return sample_project


def validate(project: Path) -> tuple[int, list[str]]:
    """``meetings validate`` in a child process, bounded in time and memory: its code and lines."""
    limit = 1 << 30  # 1 GiB of address space

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "meetings", "--root", str(project), "validate"],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=bounded,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout.splitlines()


# --------------------------------------------------------------------------
# 1. File and folder names are slugs
# --------------------------------------------------------------------------

SCRIPT = '"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(
    ("rename", "shown", "message"),
    [
        (
            (AC1, f"{EVENT_FOLDER}/ac2{SCRIPT}.yaml"),
            f"{EVENT_FOLDER}/ac2{SCRIPT}.yaml",
            "the name of a record's file may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. ac7-energy.yaml; rename it",
        ),
        (
            (EVENT_FOLDER, f"{EVENT_FOLDER}{SCRIPT}"),
            f"{EVENT_FOLDER}{SCRIPT}/",
            "the name of an event folder may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. forum-2022; rename it",
        ),
        (
            (AC1, f"{EVENT_FOLDER}/AC2 Citizen Focus.yaml"),
            f"{EVENT_FOLDER}/AC2 Citizen Focus.yaml",
            "the name of a record's file may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. ac7-energy.yaml; rename it",
        ),
        (
            (AC1, f"{EVENT_FOLDER}/ac2\x1b[2J\x1b[32mOK.yaml"),
            rf"{EVENT_FOLDER}/ac2\x1b[2J\x1b[32mOK.yaml",
            "the name of a record's file may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. ac7-energy.yaml; rename it",
        ),
    ],
    ids=["script-in-a-file-name", "script-in-a-folder-name", "capitals-and-spaces", "escapes"],
)
def test_file_and_folder_names_must_be_slugs(project: Path, rename, shown: str, message: str):
    old, new = rename
    (project / old).rename(project / new)
    code, lines = validate(project)
    assert code == 1
    assert lines == [f"{shown}: {message}"]


def test_edit_addresses_are_percent_encoded(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Defence in depth: whatever a record's path, its edit address is one URL."""
    collect = meetings.plugin.collect

    def with_a_hostile_path(*args: Any, **kwargs: Any) -> Catalog:
        catalog = collect(*args, **kwargs)
        # No such file can be read (names are slugs): give the entry one, as validate does.
        catalog.meetings[0]._file = f"{EVENT_FOLDER}/a{SCRIPT} %.yaml"
        return catalog

    monkeypatch.setattr(meetings.plugin, "collect", with_a_hostile_path)
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "s"))
    config = config.plugins.on_config(config)
    plugin = config.plugins["meetings"]
    entry = plugin.catalog.meetings[0]
    files = config.plugins.on_files(Files([]), config=config)
    edit = files.get_file_from_path(entry.page).edit_uri
    assert edit == (
        f"../{EVENT_FOLDER}/a%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%25.yaml"
    )


# --------------------------------------------------------------------------
# 2. Only regular files inside the repository are read
# --------------------------------------------------------------------------

LINK = "a symbolic link is not read; put the record itself here, as a regular file"
NOT_A_FILE = "this is not a regular file (a pipe or a device?); a record is a text file"


def test_a_link_to_dev_zero_is_refused_at_once(project: Path):
    (project / EVENT_FOLDER / "ac7-zero.yaml").symlink_to("/dev/zero")
    started = time.monotonic()
    code, lines = validate(project)
    assert time.monotonic() - started < 20
    assert (code, lines) == (1, [f"{EVENT_FOLDER}/ac7-zero.yaml: {LINK}"])


def test_a_named_pipe_does_not_hang_validate(project: Path):
    os.mkfifo(project / EVENT_FOLDER / "ac7-pipe.yaml")
    code, lines = validate(project)  # times out (30 s) if it waits for a writer
    assert (code, lines) == (1, [f"{EVENT_FOLDER}/ac7-pipe.yaml: {NOT_A_FILE}"])


def test_a_file_outside_the_repository_is_not_read(project: Path, tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("api_token: hunter2-secret-value\n", encoding="utf-8")
    (project / EVENT_FOLDER / "ac7-outside.yaml").symlink_to(secret)
    (project / "clusters" / "linked-event").symlink_to(project / EVENT_FOLDER)
    code, lines = validate(project)
    assert (code, sorted(lines)) == (
        1,
        sorted([f"{EVENT_FOLDER}/ac7-outside.yaml: {LINK}", f"clusters/linked-event: {LINK}"]),
    )
    assert "hunter2" not in "\n".join(lines) and "api_token" not in "\n".join(lines)


def test_a_file_is_read_no_further_than_the_limit(tmp_path: Path):
    """A file that grows while it is read (here: a large one) is cut at the limit + 1 byte."""
    from meetings.load import read_regular_file  # here: the tests above run without it

    path = tmp_path / "large.yaml"
    path.write_bytes(b"#" * 5_000_000)
    assert len(read_regular_file(path, 1000)) == 1001
    with pytest.raises(OSError):
        read_regular_file(Path("/dev/zero"), 1000)


# --------------------------------------------------------------------------
# 4. A failed build never empties the site and never stalls the preview
# --------------------------------------------------------------------------


def broken_templates(project: Path) -> None:
    """Page templates that fail to render: a failure of ours that no record check sees."""
    shutil.copytree(TEMPLATES, project / "templates")
    page = project / "templates" / "meeting.md.j2"
    page.write_text(page.read_text(encoding="utf-8") + "{{ no_such_value }}\n", encoding="utf-8")
    set_plugin_option(project, "templates_dir", "templates")


def test_a_failure_in_rendering_leaves_the_site_byte_identical(
    tmp_path: Path, built_site: Path, caplog: pytest.LogCaptureFixture
):
    """A plain ``mkdocs build`` into the last good site: our work is done before MkDocs
    cleans the folder, so the site is untouched."""
    project = make_project(tmp_path / "project")
    site = project / "site"
    shutil.copytree(built_site, site)
    before = snapshot(site)
    broken_templates(project)
    with caplog.at_level(logging.INFO), pytest.raises(Exception, match="no_such_value"):
        build_in_process(project, site)
    assert snapshot(site) == before
    assert before  # the site was there


def test_a_file_of_docs_in_the_way_leaves_the_site_byte_identical(
    tmp_path: Path, built_site: Path, caplog: pytest.LogCaptureFixture
):
    """A hand-written file where a made one goes is refused before MkDocs cleans the site."""
    project = make_project(tmp_path / "project")
    site = project / "site"
    shutil.copytree(built_site, site)
    before = snapshot(site)
    (project / "docs" / "meetings.json").write_text("{}", encoding="utf-8")
    with caplog.at_level(logging.INFO), pytest.raises(Abort):
        build_in_process(project, site)
    assert "docs/meetings.json is in the way of a file made from clusters/" in caplog.text
    assert snapshot(site) == before
    assert before  # the site was there


LIVE_RELOAD = re.compile(r"<script>[^<]*livereload[^<]*</script>(?=</body>)")
BANNER = re.compile(f'<div id="{BANNER_ID}".*?</pre></div>', re.DOTALL)


def page_text(url: str, timeout: float, banner: bool = False) -> str | None:
    """A page as served, without the script mkdocs serve adds to every page (and the banner
    of a failed rebuild's errors, which it must then have)."""
    started = time.monotonic()
    text = fetch(url, timeout=timeout)
    assert time.monotonic() - started < timeout + 0.5
    if text is None:
        return None
    if banner:
        text, shown = BANNER.subn("", text)
        assert shown == 1, "no banner of the failed rebuild's errors"
    return LIVE_RELOAD.sub("", text)


PAGES = ["", "topics/", f"{SAMPLE.event}/", f"{SAMPLE.event}/{SAMPLE.slug}/", "about/"]


@pytest.mark.build
@pytest.mark.parametrize("breakage", ["time-zone-folder", "strict-warning"])
def test_the_preview_serves_the_last_good_pages_after_any_failed_rebuild(
    project: Path, breakage: str
):
    """While a rebuild has failed, every request gets the last good page within 2 s."""
    with mkdocs_serve(project, "--strict") as (base, output):
        good = {page: page_text(base + page, 10) for page in PAGES}
        assert all(good.values())
        if breakage == "time-zone-folder":
            # Raised an IsADirectoryError in the model: not a RecordsError.
            record = project / AC1
            record.write_text(
                record.read_text(encoding="utf-8")
                + 'time:\n  start: "10:00"\n  timezone: Europe\n',
                encoding="utf-8",
            )
        else:
            # A page linking to no page: MkDocs aborts after writing the whole site.
            (project / "docs" / "broken.md").write_text("[a link](nowhere.md)\n", encoding="utf-8")
        assert wait_for(lambda: output.has("The last good pages are still served"), timeout=60), (
            "\n".join(output.lines)
        )
        for page in PAGES:
            assert page_text(base + page, 2, banner=True) == good[page], page
        assert fetch(base + "broken/", timeout=2) is None


# --------------------------------------------------------------------------
# 6. The site swap is atomic
# --------------------------------------------------------------------------

FAKE_MKDOCS = textwrap.dedent(
    """
    # A stand-in for `mkdocs build --strict --site-dir DIR`: a site of many files,
    # each holding the build's generation, then a mark that the build is over.
    import os, sys, time
    site = sys.argv[sys.argv.index("--site-dir") + 1]
    generation = os.environ["GENERATION"]
    for n in range(300):
        folder = os.path.join(site, f"page-{n % 30}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{n}.html"), "w") as f:
            f.write(generation)
    # Builds started together end together: each waits for the same instant.
    time.sleep(max(0.0, float(os.environ.get("END_AT", "0")) - time.time()))
    open(os.environ["BUILT_MARK"], "w").close()
    time.sleep(0.02)  # then build-site swaps the sites
    """
)


def run_build_site(project: Path, generation: str, **env: str) -> subprocess.Popen[str]:
    fake = project / "fake_mkdocs.py"
    if not fake.exists():
        fake.write_text(FAKE_MKDOCS, encoding="utf-8")
    return subprocess.Popen(
        [str(ROOT / "scripts" / "build-site")],
        cwd=project,
        env={
            **os.environ,
            "MKDOCS": f"{sys.executable} {fake}",
            "GENERATION": generation,
            "BUILT_MARK": str(project / f".built-{generation}"),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def whole_site(site: Path) -> set[str]:
    """The generations the site's files come from; a whole site has 300 files of one."""
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) == 300, f"{len(files)} files in {site}"
    return {p.read_text() for p in files}


@pytest.mark.build
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT])
def test_a_build_killed_at_the_swap_leaves_a_whole_site(tmp_path: Path, signum: int):
    project = tmp_path
    first = run_build_site(project, "g0")
    assert first.wait(timeout=60) == 0, first.stdout.read()
    outcomes = []
    previous = "g0"
    for attempt in range(16):
        generation = f"g{attempt + 1}"
        process = run_build_site(project, generation)
        mark = project / f".built-{generation}"
        deadline = time.monotonic() + 30
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.0002)
        # From 20 ms before mkdocs ends, through the swap, to after it.
        time.sleep(attempt * 0.003)
        process.send_signal(signum)
        process.wait(timeout=30)
        assert (project / "site").is_dir(), f"no site/ after a kill {attempt * 3} ms on"
        (kept,) = whole_site(project / "site")
        assert kept in (generation, previous)
        outcomes.append(kept == generation)
        previous = kept
    # Another build cleans what killed builds left behind.
    last = run_build_site(project, "last")
    assert last.wait(timeout=60) == 0
    assert whole_site(project / "site") == {"last"}
    assert not list(project.glob(".site-build.*"))
    assert not (project / "site").is_symlink()
    print(f"{signal.Signals(signum).name}: new site in place after {sum(outcomes)} of 16 kills")


ROUNDS = 5


@pytest.mark.build
def test_builds_at_once_give_one_whole_site(tmp_path: Path):
    project = tmp_path
    for round_ in range(ROUNDS):
        end_at = str(time.time() + 0.4)
        builds = [run_build_site(project, f"r{round_}b{n}", END_AT=end_at) for n in range(3)]
        for process in builds:
            assert process.wait(timeout=60) == 0, process.stdout.read()
        generations = whole_site(project / "site")
        assert generations in ({f"r{round_}b0"}, {f"r{round_}b1"}, {f"r{round_}b2"})
        assert not list((project / "site").glob(".site-build.*"))
        assert not list(project.glob(".site-build.*"))


@pytest.mark.build
def test_make_build_of_the_real_project_is_a_real_folder(tmp_path: Path):
    """What GitHub Pages' upload reads (``path: site``): a folder, not a link."""
    project = make_project(tmp_path / "project")
    result = build_site(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert site.is_dir() and not site.is_symlink()
    assert (site / SAMPLE.event / "index.html").is_file()
    workflow = (ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    assert re.search(r"upload-pages-artifact@[^\n]*\n\s+with:\n\s+path: site\n", workflow)


# --------------------------------------------------------------------------
# 7. make new writes inside clusters/ only
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"SLUG": "../../x"},
            "meetings new: SLUG: '../../x' is not a valid slug: use lowercase letters, digits "
            "and single hyphens, e.g. ac1-business-models-finance",
        ),
        (
            {"EVENT": "../../.."},
            "meetings new: EVENT: '../../..' is not a valid slug: use lowercase letters, digits "
            "and single hyphens, e.g. ac1-business-models-finance",
        ),
        (
            {"SLUG": "/tmp/x"},
            "meetings new: SLUG: '/tmp/x' is not a valid slug: use lowercase letters, digits "
            "and single hyphens, e.g. ac1-business-models-finance",
        ),
    ],
    ids=["slug-up-two-folders", "event-up-three-folders", "absolute-slug"],
)
def test_make_new_writes_nothing_outside_clusters(tmp_path: Path, variables, message: str):
    project = make_full_project(tmp_path / "project")
    before = snapshot(tmp_path)
    result = run_make(project, "new", TITLE="Action Cluster 7 - Escape meeting", **variables)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == message
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------
# 8. Terminal escapes never reach the terminal
# --------------------------------------------------------------------------


def test_no_control_character_reaches_the_terminal(project: Path):
    record = project / AC1
    text = record.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^slug: .*$", r'slug: "\\e[2J\\e[H\\e[32mOK"', text)
    record.write_text(text + '"\\e]0;title\\a": 1\n', encoding="utf-8")
    (project / EVENT_FOLDER / "ac2\x1b[2J.yaml").write_text("x: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.stdout)
    assert r"'\x1b[2J\x1b[H\x1b[32mOK' is not a valid slug" in result.stdout


# --------------------------------------------------------------------------
# 9. Each topic has its own entry on the topics page
# --------------------------------------------------------------------------


def test_every_topic_link_opens_its_own_entry(built_site: Path):
    """Each topic chip of a meeting page links to the topics page entry of that topic."""
    topics = lxml_html.parse(str(built_site / "topics" / "index.html")).getroot()
    headings = {
        h.get("id"): h.text_content().rstrip("¶").strip() for h in topics.iter("h2") if h.get("id")
    }
    checked = 0
    for page in built_site.glob("*/*/index.html"):
        for chip in lxml_html.parse(str(page)).getroot().find_class("md-tag"):
            href = chip.get("href")
            assert href and "#" in href, href
            assert headings[href.split("#", 1)[1]] == chip.text_content().strip()
            checked += 1
    assert checked


# ==========================================================================
# Issue 19: the second pass
# ==========================================================================

OLD_SITE_MARK = "the last good site"


def build_site_bounded(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``make build``'s script on ``project``, bounded in time and memory (a build that
    reads ``/dev/zero`` would fill the memory, one that opens a pipe would wait for ever)."""
    limit = 2 << 30

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    process = subprocess.Popen(
        [ROOT / "scripts" / "build-site"],
        cwd=project,
        env={
            **os.environ,
            **BUILD_ENV,
            "MKDOCS": f"{sys.executable} -m mkdocs",
            "REPO_URL": EXAMPLE_REPO,
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=bounded,
        start_new_session=True,  # on a timeout, MkDocs (waiting on a pipe) is ended too
    )
    try:
        stdout, stderr = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def with_old_site(project: Path) -> dict[str, str]:
    """A last good ``site/`` in ``project`` (one marked page is enough); its snapshot."""
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text(OLD_SITE_MARK, encoding="utf-8")
    return snapshot(site)


def errors_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The ERROR lines of a build, but MkDocs' and our closing ones."""
    lines = re.findall(r"^ERROR\s+-\s+(.*)$", result.stderr, re.MULTILINE)
    return [line for line in lines if not re.match(r"\d+ problems? in \d+ files?", line)]


def refused_build(project: Path, before: dict[str, str], **env: str) -> list[str]:
    """Build ``project``; check that it was refused without a traceback and that the last
    good site is untouched; the problem lines."""
    result = build_site_bounded(project, **env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "Build failed: site/ is unchanged." in result.stderr
    assert snapshot(project / "site") == before
    return errors_of(result)


# --------------------------------------------------------------------------
# Item 1: docs/, overrides/ and clusters/ hold regular files only
# --------------------------------------------------------------------------

FILE_LINK = "a symbolic link is not read; put the file itself here, as a regular file"
FOLDER_LINK = "a symbolic link is not read; put the folder itself here"
NOT_REGULAR = "this is not a regular file (a pipe or a device?); the build reads only regular files"


def _outside(tmp_path: Path) -> Path:
    """A folder outside the project, with a secret in it."""
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.md").write_text("# FAKE_SECRET=hunter2\n", encoding="utf-8")
    return outside


SPECIAL_ENTRIES = {
    "docs-link-to-environ": ("docs/env.md", lambda p, t: os.symlink("/proc/self/environ", p)),
    "docs-link-to-dev-zero": ("docs/zero.md", lambda p, t: os.symlink("/dev/zero", p)),
    "docs-pipe": ("docs/pipe.md", lambda p, t: os.mkfifo(p)),
    "docs-link-to-a-file-outside": (
        "docs/secret.md",
        lambda p, t: os.symlink(_outside(t) / "secret.md", p),
    ),
    "docs-link-to-a-folder-outside": ("docs/outside", lambda p, t: os.symlink(_outside(t), p)),
    "docs-link-inside-the-project": ("docs/copy.md", lambda p, t: os.symlink("index.md", p)),
    "docs-hidden-folder-link": ("docs/.cache", lambda p, t: os.symlink("/", p)),
    "docs-deep-link": (
        "docs/stylesheets/deep/env.css",
        lambda p, t: (p.parent.mkdir(), os.symlink("/proc/self/environ", p)),
    ),
    "overrides-link-to-a-file": (
        "overrides/partials/env.html",
        lambda p, t: os.symlink("/proc/self/environ", p),
    ),
    "overrides-link-to-a-folder": ("overrides/assets", lambda p, t: os.symlink(_outside(t), p)),
    "overrides-pipe": ("overrides/pipe.js", lambda p, t: os.mkfifo(p)),
    "clusters-folder-is-a-link": (
        "clusters",
        lambda p, t: (shutil.move(p, t / "records"), os.symlink(t / "records", p)),
    ),
}


def _expected_line(path: str) -> str:
    if path == "clusters":
        return f"clusters: {FOLDER_LINK}"
    if path.endswith(("outside", "assets", ".cache")):
        return f"{path}: {FOLDER_LINK}"
    if path.endswith(("pipe.md", "pipe.js")):
        return f"{path}: {NOT_REGULAR}"
    return f"{path}: {FILE_LINK}"


@pytest.mark.build
@pytest.mark.parametrize("name", list(SPECIAL_ENTRIES))
def test_the_build_reads_regular_files_of_the_project_only(tmp_path: Path, name: str):
    """One line per link, pipe or device, nothing built, the last site untouched; the
    secret (the build's environment, a file outside) published nowhere."""
    path, make = SPECIAL_ENTRIES[name]
    project = make_project(tmp_path / "project")
    before = with_old_site(project)
    make(project / path, tmp_path)
    assert refused_build(project, before, FAKE_SECRET="hunter2") == [_expected_line(path)]


@pytest.mark.build
def test_an_editors_lock_file_is_not_in_the_way(tmp_path: Path):
    """Emacs marks a file being edited with a dangling link ``.#name``: nothing reads it
    (MkDocs leaves out hidden files, the records' reader skips them), so it is no problem."""
    project = make_project(tmp_path / "project")
    os.symlink("editor@host.1234:1700000000", project / "docs" / ".#about.md")
    os.symlink("editor@host.1234:1700000000", project / EVENT_FOLDER / ".#ac1.yaml")
    result = build_site_bounded(project)
    assert result.returncode == 0, result.stderr


@pytest.mark.build
def test_mkdocs_serve_refuses_a_link_and_keeps_the_last_good_pages(project: Path):
    with mkdocs_serve(project) as (base, output):
        good = page_text(base, 10)
        assert good
        os.symlink("/proc/self/environ", project / "docs" / "env.md")
        line = f"docs/env.md: {FILE_LINK}"
        assert wait_for(lambda: output.has(line), timeout=60), "\n".join(output.lines)
        assert wait_for(lambda: output.has("The last good pages are still served"), timeout=30)
        assert page_text(base, 2, banner=True) == good
        assert fetch(base + "env/", timeout=2) is None
        assert not any("Traceback" in line for line in output.lines)


def test_meetings_render_copies_no_link(tmp_path: Path, project: Path):
    os.symlink("/proc/self/environ", project / "docs" / "env.md")
    result = CliRunner().invoke(main, ["--root", str(project), "render", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"docs/env.md: {FILE_LINK}"]
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# Item 4: make new and make new-event never write through a link
# --------------------------------------------------------------------------

NEW_TITLE = "Action Cluster 7 - Circular Economy meeting"
NEW_FILE = f"{EVENT_FOLDER}/ac7-circular-economy.yaml"


def test_make_new_does_not_write_through_a_dangling_link(tmp_path: Path):
    project = make_full_project(tmp_path / "project")
    target = tmp_path / "elsewhere.yaml"
    os.symlink(target, project / NEW_FILE)
    result = run_make(project, "new", TITLE=NEW_TITLE)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        f"meetings new: {NEW_FILE} is a symbolic link; remove it, or give another TITLE or a SLUG"
    )
    assert not target.exists()


@pytest.mark.parametrize("target", ["new", "new-event"])
def test_make_new_refuses_a_linked_folder(tmp_path: Path, target: str):
    project = make_full_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    if target == "new":
        shutil.copytree(project / EVENT_FOLDER, elsewhere / "forum-2022")
        (elsewhere / "forum-2022" / "event.yaml").write_text(
            (project / EVENT_FOLDER / "event.yaml")
            .read_text(encoding="utf-8")
            .replace("slug: forum-2021", "slug: forum-2022"),
            encoding="utf-8",
        )
        os.symlink(elsewhere / "forum-2022", project / "clusters" / "forum-2022")
        before = snapshot(elsewhere)
        result = run_make(project, "new", TITLE=NEW_TITLE, EVENT="forum-2022")
        message = (
            "meetings new: clusters/forum-2022/ is a symbolic link, which is not read; "
            "make it a folder of clusters/"
        )
    else:
        shutil.move(project / "clusters", elsewhere)
        os.symlink(elsewhere, project / "clusters")
        before = snapshot(elsewhere)
        result = run_make(project, "new-event", SLUG="forum-2022")
        message = (
            "meetings new-event: clusters/ is a symbolic link, which is not read; "
            "make it a folder of the project"
        )
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == message
    assert snapshot(elsewhere) == before


def test_make_new_creates_its_file_exclusively(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The file is created with O_CREAT|O_EXCL|O_NOFOLLOW: a link put in its place after
    the checks is not followed either."""
    import meetings.scaffold as scaffold
    from meetings.layout import Site

    project = make_project(tmp_path / "project")
    flags: list[int] = []
    real_open = os.open

    def recording_open(path, flag, *args, **kwargs):
        flags.append(flag)
        return real_open(path, flag, *args, **kwargs)

    monkeypatch.setattr(scaffold.os, "open", recording_open)
    made = scaffold.new_meeting(Site.load(project), NEW_TITLE)
    assert made.path.read_text(encoding="utf-8") == made.text
    wanted = os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    assert any(flag & wanted == wanted for flag in flags), flags


# --------------------------------------------------------------------------
# Item 7: the "did you mean" search is bounded
# --------------------------------------------------------------------------


def test_hints_for_many_unknown_ids_are_bounded(project: Path, monkeypatch: pytest.MonkeyPatch):
    """4,000 sources and 8,000 near-miss ids: the search for "did you mean" compares a
    bounded number of pairs (it compared them all: 32 million, two minutes)."""
    import difflib

    import yaml

    from meetings.load import read_records
    from meetings.validate import validate as validate_documents

    event = project / EVENT_FOLDER / "event.yaml"
    data = yaml.safe_load(event.read_text(encoding="utf-8"))
    source = {"publisher": "P", "url": "https://example.org/", "supports": "S"}
    data["sources"] += [{"id": f"source-number-{n}", **source} for n in range(4000)]
    data["cites"] = data["cites"] + [f"source-numbr-{n}" for n in range(8000)]
    event.write_text(yaml.safe_dump(data, sort_keys=False, width=10_000), encoding="utf-8")
    compared = 0
    real_ratio = difflib.SequenceMatcher.ratio

    def counted(self):
        nonlocal compared
        compared += 1
        if compared > 200_000:
            raise AssertionError("the hint search compares every unknown id with every source")
        return real_ratio(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    documents, unread = read_records(project / "clusters", project)
    assert not unread
    _, problems = validate_documents(documents)
    unknown = [p for p in problems if "no source 'source-numbr-" in p.message]
    assert len(unknown) == 8000
    assert "did you mean 'source-number-0'?" in unknown[0].message
    assert all(len(p.message) < 400 for p in unknown)


# --------------------------------------------------------------------------
# Item 8: the build's settings
# --------------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "REPO_URL",
            "javascript://x.y/%0Aalert(document.domain)",
            "repo_url (REPO_URL): javascript: links are not allowed; expected an https:// address",
        ),
        (
            "REPO_URL",
            'https://github.com/example/x"><script>alert(1)</script>',
            "repo_url (REPO_URL): a web address must not contain spaces, quotes or angle "
            "brackets; expected an https:// address",
        ),
        (
            "REPO_URL",
            "http://github.com/example/action-cluster-meetings",
            "repo_url (REPO_URL): http: links are not allowed; use the https:// address",
        ),
        (
            "SITE_URL",
            "https://example.org/'onmouseover='alert(1)'/",
            "site_url (SITE_URL): a web address must not contain spaces, quotes or angle "
            "brackets; expected an https:// address",
        ),
        (
            "SITE_URL",
            "http://example.org/",
            "site_url (SITE_URL): http: links are not allowed; use the https:// address",
        ),
        (
            "SITE_URL",
            "https://github.com@evil.example/",
            "site_url (SITE_URL): the address holds '@' before its host, so it leads to "
            "'evil.example', not to what comes before the '@'; write the address without it",
        ),
    ],
    ids=["javascript", "quotes", "http-repo", "quotes-in-site", "http-site", "user-info"],
)
def test_build_addresses_are_https(tmp_path: Path, name: str, value: str, message: str):
    project = make_project(tmp_path / "project")
    before = with_old_site(project)
    assert refused_build(project, before, **{name: value}) == [message]


@pytest.mark.build
@pytest.mark.parametrize(
    "address",
    ["http://127.0.0.1:8000/", "http://localhost:8123/preview/", "http://[::1]:8000/"],
)
def test_local_http_addresses_build(tmp_path: Path, address: str):
    project = make_project(tmp_path / "project")
    result = build_site_bounded(project, SITE_URL=address)
    assert result.returncode == 0, result.stderr


def test_the_theme_escapes_the_addresses_it_prints(project: Path):
    """Defence in depth: the partials escape the repository's address, which validation
    already keeps free of quotes."""
    config = load_config(config_file=str(project / "mkdocs.yml"))
    config.repo_url = 'https://github.com/a/b"><script>alert(1)</script>'
    env = config.theme.get_env()
    lang = env.get_template("partials/language.html").make_module({"config": config})
    for name in ("partials/source.html", "partials/copyright.html"):
        text = env.get_template(name).render(config=config, lang=lang, base_url=".", page=None)
        assert "<script>" not in text and 'b"><' not in text, name
        assert "&lt;script&gt;" in text, name


@pytest.mark.build
@pytest.mark.parametrize("value", ["", "-1", "99999999999", "1.5", "yesterday"])
def test_source_date_epoch_is_checked(tmp_path: Path, value: str):
    project = make_project(tmp_path / "project")
    before = with_old_site(project)
    found = "the empty text" if not value else f"'{value}'"
    assert refused_build(project, before, SOURCE_DATE_EPOCH=value) == [
        f"SOURCE_DATE_EPOCH: {found} is not a number of seconds since 1970-01-01 from 0 to "
        "4294967295; unset it, or set it to the last commit's time (git log -1 --format=%ct)"
    ]


@pytest.mark.build
def test_outside_git_the_calendars_are_not_stamped_1970(tmp_path: Path):
    """``make build`` in a folder that is no git repository: the plugin's own fallback
    (the newest date of the records) stamps the calendars, not 1970-01-01."""
    from meetings.catalog import collect
    from meetings.exports import build_time

    project = make_full_project(tmp_path / "project")
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "GIT_DIR")}
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    result = subprocess.run(
        ["make", "--no-print-directory", "build", "STAMP=", f"BIN={Path(sys.executable).parent}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    catalog = collect(project / "clusters", project)
    stamp = build_time(catalog, {}).strftime("%Y%m%dT%H%M%SZ")
    calendar = (project / "site" / "forum-2021.ics").read_text(encoding="utf-8")
    assert f"DTSTAMP:{stamp}" in calendar
    assert "19700101" not in calendar
    assert "1970-01-01" not in (project / "site" / "sitemap.xml").read_text(encoding="utf-8")


def _no_space_left(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device", "site/index.html")


def _read_only(*args, **kwargs):
    import errno

    raise OSError(errno.EROFS, "Read-only file system", "site/index.html")


@pytest.mark.build
@pytest.mark.parametrize("failure", [_no_space_left, _read_only], ids=["full", "read-only"])
def test_a_build_folder_that_cannot_be_written_gives_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, failure
):
    import mkdocs.__main__
    import mkdocs.utils

    monkeypatch.setattr(mkdocs.utils, "write_file", failure)
    monkeypatch.setattr(mkdocs.utils, "copy_file", failure)
    monkeypatch.chdir(project)
    for variable, value in BUILD_ENV.items():
        monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(mkdocs.__main__.cli, ["build", "--site-dir", "site"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.output.count("cannot write the site into site/") == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.build
def test_a_build_that_runs_out_of_room_gives_one_line_and_keeps_the_site(tmp_path: Path):
    """A real build whose files cannot be written (a file size limit stands for a full
    disk): one line, and ``make build`` keeps the last good site."""
    project = make_project(tmp_path / "project")
    before = with_old_site(project)
    limit = 50_000

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [ROOT / "scripts" / "build-site"],
        cwd=project,
        env={**os.environ, **BUILD_ENV, "MKDOCS": f"{sys.executable} -m mkdocs"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_files,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = errors_of(result)
    assert re.fullmatch(r"cannot write the site into \S+: File too large \(\S+\)", line), line
    assert snapshot(project / "site") == before


@pytest.mark.build
def test_build_site_says_in_one_line_when_it_cannot_write(tmp_path: Path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = subprocess.run(
        [ROOT / "scripts" / "build-site", "a-file/site"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Cannot build a-file/site/: Not a directory: {tmp_path / 'a-file' / '.site.lock'}"
    ]


# --------------------------------------------------------------------------
# Item 9: small ones
# --------------------------------------------------------------------------


@pytest.mark.build
def test_no_title_takes_the_address_of_a_citation(tmp_path: Path):
    """A meeting titled "Source article": its heading's id is not the citation target
    of source ``article``, and every id of every page is unique."""
    project = make_project(tmp_path / "project")
    add_sample(project)
    record = project / AC1
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"(?m)^title: .*$", "title: Source article", text), "utf-8")
    event = project / EVENT_FOLDER / "event.yaml"
    text = event.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", "name: Source forum-2021 article", text)
    # Names are quoted from their sources: the sources say so here.
    passages = "    passages:\n      - Source article\n      - Source forum-2021 article\n"
    event.write_text(text.replace("    passages:\n", passages), "utf-8")
    site = tmp_path / "site"
    build_in_process(project, site)
    checked = 0
    for page in site.rglob("*.html"):
        root = lxml_html.parse(str(page)).getroot()
        ids = root.xpath("//@id")
        assert len(ids) == len(set(ids)), f"{page}: {sorted(i for i in ids if ids.count(i) > 1)}"
        # A citation is a number in brackets, linking to its source in the page's list.
        for href in root.xpath("//article//a[starts-with(normalize-space(.), '[')]/@href"):
            (target,) = root.xpath(f"//*[@id='{href[1:]}']")
            assert target.tag == "a" and target.getparent().tag == "li", href
            checked += 1
    assert checked


def test_make_new_event_checks_its_name_like_a_title(tmp_path: Path):
    project = make_full_project(tmp_path / "project")
    before = snapshot(project / "clusters")
    result = run_make(project, "new-event", SLUG="forum-2022", NAME="\x1b[31mred")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        r"meetings new-event: NAME: must not contain U+001B (a control character); remove it"
    )
    assert snapshot(project / "clusters") == before


@pytest.mark.parametrize(
    ("target", "variables", "message"),
    [
        (
            "new",
            {"TITLE": NEW_TITLE, "SLUG": "index"},
            "meetings new: SLUG: 'index' is the address of the event's own page; "
            "choose another slug",
        ),
        (
            "new-event",
            {"SLUG": "topics"},
            "meetings new-event: SLUG: 'topics' is already the address of a page of the site; "
            "choose another slug",
        ),
    ],
    ids=["meeting-index", "event-topics"],
)
def test_make_new_refuses_what_validate_would(tmp_path: Path, target: str, variables, message):
    project = make_full_project(tmp_path / "project")
    before = snapshot(project / "clusters")
    result = run_make(project, target, **variables)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == message
    assert snapshot(project / "clusters") == before


# --------------------------------------------------------------------------
# Item 3: a time zone means the same on every machine
# --------------------------------------------------------------------------


def test_the_machines_time_zone_database_changes_nothing(project: Path, tmp_path: Path):
    """A machine whose database says Europe/Brussels is UTC (``PYTHONTZPATH``): the
    calendar still says 10:00 in Brussels is 08:00 UTC, from the pinned ``tzdata``."""
    import importlib.resources

    fake = tmp_path / "zoneinfo"
    (fake / "Europe").mkdir(parents=True)
    utc = importlib.resources.files("tzdata.zoneinfo").joinpath("UTC").read_bytes()
    (fake / "Europe" / "Brussels").write_bytes(utc)
    record = project / AC1
    text = record.read_text(encoding="utf-8")
    record.write_text(text + 'time:\n  start: "10:00"\n  timezone: Europe/Brussels\n', "utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "meetings", "--root", str(project), "render", str(out)],
        env={**os.environ, **BUILD_ENV, "PYTHONTZPATH": str(fake)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    calendar = (out / SAMPLE.page.replace(".md", ".ics")).read_text("utf-8")
    day = SAMPLE.date.replace("-", "")
    assert f"DTSTART:{day}T080000Z" in calendar  # 10:00 in Brussels in summer


@pytest.mark.build
def test_the_canonical_link_is_escaped_even_if_the_check_were_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Defence in depth, with the check of SITE_URL off: the canonical link of every page
    holds the address as text, and no element comes from it."""
    import meetings.plugin

    monkeypatch.setattr(meetings.plugin, "web_address", lambda value, **_: value, raising=False)
    hostile = 'https://example.org/x"><script>alert(1)</script>/'
    for name, value in {**BUILD_ENV, "SITE_URL": hostile}.items():
        monkeypatch.setenv(name, value)
    project = make_project(tmp_path / "project")
    site = tmp_path / "site"
    build_in_process(project, site)
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert pages
    for page in pages:
        root = lxml_html.parse(str(page)).getroot()
        (canonical,) = root.xpath("//link[@rel='canonical']/@href")
        assert canonical.startswith(hostile), page
        # A script made from the address would hold just its code (the JSON-LD quotes it).
        assert not [s for s in root.iter("script") if (s.text or "").strip() == "alert(1)"], page
