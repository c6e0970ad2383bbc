"""When each record was last changed, from git (meetings/history.py), and the previous
and next page at the foot of each page (Material's navigation.footer): issue 20, item 7.

The history tests make git repositories of their own, with commits dated on purpose."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from meetings import history
from meetings.catalog import collect
from meetings.history import last_changed
from meetings.navigation import NAV_EVENTS
from meetings.words import long_date

from .helpers import CLUSTERS, ROOT, make_full_project, run_make, snapshot, url

CATALOG = collect(CLUSTERS, ROOT)
GIT = shutil.which("git") or "git"


def git(repo: Path, *arguments: str, when: str = "2024-03-01T10:00:00+00:00") -> str:
    """Run git in ``repo`` with fixed dates and names; returns its output. The project's
    own repository is read with the user's settings (CI marks its checkout safe there)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    if repo != ROOT:
        env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        [GIT, "-C", str(repo), *arguments], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit(repo: Path, when: str, message: str = "change") -> None:
    git(repo, "add", "-A", when=when)
    git(repo, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository of three records: two committed on 1 March 2024, one changed on
    15 May 2024 (late in the day in UTC, the next day in Auckland)."""
    repo = tmp_path / "repo"
    records = repo / "clusters" / "event"
    records.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (records / name).write_text(f"{name}\n")
    (repo / "README.md").write_text("not a record\n")
    commit(repo, "2024-03-01T10:00:00+00:00")
    (records / "b.yaml").write_text("b, changed\n")
    commit(repo, "2024-05-15T23:30:00+00:00")
    return repo


def test_each_record_is_dated_by_its_last_commit(repo: Path):
    dates = last_changed(repo, repo / "clusters")
    assert dates == {
        "clusters/event/a.yaml": dt.date(2024, 3, 1),
        "clusters/event/b.yaml": dt.date(2024, 5, 15),  # in UTC, whatever the zone
        "clusters/event/c.yaml": dt.date(2024, 3, 1),
    }


def test_a_record_changed_since_the_last_commit_has_no_date(repo: Path):
    (repo / "clusters" / "event" / "a.yaml").write_text("edited, not committed\n")
    (repo / "clusters" / "event" / "d.yaml").write_text("new\n")
    git(repo, "add", "clusters/event/c.yaml")  # staged, unchanged: still dated
    dates = last_changed(repo, repo / "clusters")
    assert set(dates) == {"clusters/event/b.yaml", "clusters/event/c.yaml"}


def test_in_a_shallow_clone_only_changes_after_the_cut_are_dated(repo: Path, tmp_path: Path):
    """A record whose last change is older than the clone's history is not given the
    date of the clone's first commit."""
    (repo / "clusters" / "event" / "c.yaml").write_text("c, changed\n")
    commit(repo, "2024-07-01T08:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(
        [GIT, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    # Cut after b's change: a's last change (1 March) is not in the clone.
    assert last_changed(clone, clone / "clusters") == {
        "clusters/event/c.yaml": dt.date(2024, 7, 1),
    }
    # The whole history again: every record is dated.
    git(clone, "fetch", "-q", "--unshallow")
    assert len(last_changed(clone, clone / "clusters")) == 3


def test_a_project_in_a_folder_of_the_repository(repo: Path):
    """Paths stay relative to the project folder, as records name their files."""
    project = repo / "site-project"
    shutil.copytree(repo / "clusters", project / "clusters")
    commit(repo, "2024-09-09T09:00:00+00:00")
    assert set(last_changed(project, project / "clusters")) == {
        "clusters/event/a.yaml",
        "clusters/event/b.yaml",
        "clusters/event/c.yaml",
    }


def test_outside_git_or_without_git_nothing_is_known(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    plain = tmp_path / "plain"
    shutil.copytree(repo / "clusters", plain / "clusters")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert last_changed(plain, plain / "clusters") == {}
    monkeypatch.setattr(history.shutil, "which", lambda name: None)
    assert last_changed(repo, repo / "clusters") == {}


def test_one_git_log_for_every_record(repo: Path, monkeypatch: pytest.MonkeyPatch):
    """Three git commands, however many records: not one per file."""
    for number in range(200):
        (repo / "clusters" / "event" / f"m{number}.yaml").write_text(f"{number}\n")
    commit(repo, "2024-10-01T12:00:00+00:00")
    calls: list[list[str]] = []
    run = subprocess.run

    def counted(command: list[str], **kwargs):
        calls.append(command)
        return run(command, **kwargs)

    monkeypatch.setattr(history.subprocess, "run", counted)
    assert len(last_changed(repo, repo / "clusters")) == 203
    assert [command[5] for command in calls] == ["rev-parse", "log", "diff"]


# --------------------------------------------------------------------------
# In the built site
# --------------------------------------------------------------------------


def page(site: Path, address: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / address / "index.html")).getroot()


def changed_line(tree: lxml_html.HtmlElement) -> list[str]:
    return [
        " ".join(p.text_content().split())
        for p in tree.xpath("//article//p[contains(@class, 'record-changed')]")
    ]


def git_knows(file: str) -> dt.date | None:
    """The date git gives one record's last change (a command per file, unlike the site);
    none outside a git work tree (a copy of the project, like the grown one)."""
    try:
        shallow = git(ROOT, "rev-parse", "--is-shallow-repository").strip() == "true"
    except subprocess.CalledProcessError:
        return None
    if shallow:
        last = git(ROOT, "log", "-1", "--format=%ct %P", "--", file).split()
        if len(last) < 2:  # the cut commit: unknown
            return None
    if git(ROOT, "status", "--porcelain", "--", file).strip():
        return None
    stamp = git(ROOT, "log", "-1", "--format=%ct", "--", file).strip()
    return dt.datetime.fromtimestamp(int(stamp), dt.UTC).date() if stamp else None


def test_each_record_page_says_when_its_record_was_last_changed(built_site: Path):
    """The real site is built inside the project's repository (CI checks out its whole
    history for this)."""
    for entry in [*CATALOG.events, *CATALOG.meetings]:
        known = git_knows(entry.file)
        expected = (
            [f"The record this page is made from was last changed on {long_date(known)}."]
            if known
            else []
        )
        assert changed_line(page(built_site, url(entry))) == expected, entry.file


@pytest.mark.build
def test_two_builds_of_one_commit_with_history_are_byte_identical(tmp_path: Path):
    """The dates come from the commits: the same in any time zone, at any time."""
    project = make_full_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    commit(project, "2024-05-15T23:30:00+00:00")
    elsewhere = tmp_path / "elsewhere"
    subprocess.run(
        [GIT, "clone", "-q", str(project), str(elsewhere)], check=True, capture_output=True
    )
    first = run_make(project, "build", env={"TZ": "UTC"})
    assert first.returncode == 0, first.stderr
    second = run_make(elsewhere, "build", env={"TZ": "Pacific/Auckland", "PYTHONHASHSEED": "7"})
    assert second.returncode == 0, second.stderr
    one, two = snapshot(project / "site"), snapshot(elsewhere / "site")
    assert [path for path in one if one.get(path) != two.get(path)] == []
    meeting = CATALOG.meetings[0]
    tree = page(project / "site", url(meeting))
    assert changed_line(tree) == [
        "The record this page is made from was last changed on 15 May 2024."
    ]


# --------------------------------------------------------------------------
# Previous and next
# --------------------------------------------------------------------------


def footer_links(site: Path, address: str) -> dict[str, tuple[str, str]]:
    """The previous and next page at the foot of a page: each one's address from the
    root, and its link's name for a screen reader."""
    tree = page(site, address)
    base = "https://site.test/"
    links = {}
    for way in ("prev", "next"):
        found = tree.xpath(
            f"//nav[contains(@class, 'md-footer__inner')]/a[contains(@class, '--{way}')]"
        )
        if found:
            href = urljoin(base + address, found[0].get("href")).removeprefix(base)
            links[way] = (href, found[0].get("aria-label"))
    return links


def test_each_meeting_page_leads_to_the_previous_and_next_page(built_site: Path):
    """In the navigation's order: the event's page, its meetings in cluster order, then
    the next event (or the topics)."""
    for event in CATALOG.events[:NAV_EVENTS]:
        order = [url(event), *(url(m) for m in event.meetings)]
        names = [event.name, *(m.title for m in event.meetings)]
        for index in range(1, len(order)):
            here = order[index]
            links = footer_links(built_site, here)
            # Named once escaped: "Business Models & Finance", not "&amp;" read out.
            assert links["prev"] == (order[index - 1], f"Previous: {names[index - 1]}"), here
            if index + 1 < len(order):
                assert links["next"] == (order[index + 1], f"Next: {names[index + 1]}"), here
            else:
                assert links["next"][0] not in order, here
