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
from .test_hostile_input import AC1, AC2, build_site

EVENT_FOLDER = "clusters/forum-2021"


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
            (AC2, f"{EVENT_FOLDER}/ac2{SCRIPT}.yaml"),
            f"{EVENT_FOLDER}/ac2{SCRIPT}.yaml",
            "the name of a record's file may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. ac7-energy.yaml; rename it",
        ),
        (
            (EVENT_FOLDER, f"clusters/forum-2021{SCRIPT}"),
            f"clusters/forum-2021{SCRIPT}/",
            "the name of an event folder may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. forum-2022; rename it",
        ),
        (
            (AC2, f"{EVENT_FOLDER}/AC2 Citizen Focus.yaml"),
            f"{EVENT_FOLDER}/AC2 Citizen Focus.yaml",
            "the name of a record's file may hold only lowercase letters a-z, digits and "
            "hyphens, e.g. ac7-energy.yaml; rename it",
        ),
        (
            (AC2, f"{EVENT_FOLDER}/ac2\x1b[2J\x1b[32mOK.yaml"),
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
        "../clusters/forum-2021/a%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%25.yaml"
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
    (project / "clusters" / "forum-2022").symlink_to(project / EVENT_FOLDER)
    code, lines = validate(project)
    assert (code, lines) == (
        1,
        [f"{EVENT_FOLDER}/ac7-outside.yaml: {LINK}", f"clusters/forum-2022: {LINK}"],
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


PAGES = ["", "topics/", "forum-2021/", "forum-2021/ac2-citizen-focus/", "about/"]


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
            record = project / AC2
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


def test_make_build_of_the_real_project_is_a_real_folder(tmp_path: Path):
    """What GitHub Pages' upload reads (``path: site``): a folder, not a link."""
    project = make_project(tmp_path / "project")
    result = build_site(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert site.is_dir() and not site.is_symlink()
    assert (site / "forum-2021" / "index.html").is_file()
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
    for page in built_site.glob("forum-2021/*/index.html"):
        for chip in lxml_html.parse(str(page)).getroot().find_class("md-tag"):
            href = chip.get("href")
            assert href and "#" in href, href
            assert headings[href.split("#", 1)[1]] == chip.text_content().strip()
            checked += 1
    assert checked
