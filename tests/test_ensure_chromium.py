"""scripts/ensure-chromium and scripts/ensure-package (libical3): each says what it
installs and why, then installs no more than needed.

They run here with a PATH of stand-ins: an ``apt-get`` that records what it is
asked (and "installs" a chromium, or any other package), and an ``id`` that
says who is running.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT

SCRIPT = ROOT / "scripts" / "ensure-chromium"
PACKAGE_SCRIPT = ROOT / "scripts" / "ensure-package"

FAKE_APT = """#!/bin/sh
echo "$*" >> "{log}"
case "$*" in
  *--simulate*libical3) printf 'Inst libical3\\nConf libical3\\n' ;;
  *--simulate*) printf 'Inst chromium\\nInst libfoo\\nConf chromium\\n' ;;
  *"install -y"*libical3) : > "{bin}/../libical.so.3" ;;
  *"install -y"*) printf '#!/bin/sh\\n' > "{bin}/chromium"; /bin/chmod +x "{bin}/chromium" ;;
esac
"""


def run(
    tmp_path: Path, uid: int, *command: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("grep", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    log = tmp_path / "apt.log"
    log.touch()
    (bin_dir / "apt-get").write_text(FAKE_APT.format(log=log, bin=bin_dir))
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    for tool in ("apt-get", "id"):
        (bin_dir / tool).chmod(0o755)
    result = subprocess.run(
        [shutil.which("sh"), *(command or [str(SCRIPT)])],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result, log.read_text().splitlines()


def test_as_root_it_says_what_and_why_then_installs_without_recommends(tmp_path: Path):
    result, apt = run(tmp_path, uid=0)
    assert result.returncode == 0, result.stderr
    assert apt == [
        "update -qq",
        "install --simulate --no-install-recommends chromium",
        "install -y -qq --no-install-recommends chromium",
    ]
    assert "the browser tests drive Debian's chromium package" in result.stderr
    assert "apt-get install --no-install-recommends chromium" in result.stderr
    assert "(2 packages:" in result.stderr


@pytest.mark.parametrize("uid", [1000])
def test_without_root_it_installs_nothing_and_says_how(tmp_path: Path, uid: int):
    result, apt = run(tmp_path, uid=uid)
    assert result.returncode == 1
    assert apt == []
    assert "sudo apt-get install --no-install-recommends chromium" in result.stderr


def test_an_installed_chromium_is_left_alone(tmp_path: Path):
    bin_dir = tmp_path / "pre"
    bin_dir.mkdir()
    (bin_dir / "chromium").write_text("#!/bin/sh\n")
    (bin_dir / "chromium").chmod(0o755)
    result = subprocess.run(
        [shutil.which("sh"), str(SCRIPT)], env={"PATH": str(bin_dir)}, capture_output=True
    )
    assert result.returncode == 0
    assert result.stderr == b""


def test_another_package_is_installed_the_same_way_with_its_own_probe(tmp_path: Path):
    """libical3 (for the calendar tests): present when its probe succeeds, here a file."""
    library = tmp_path / "libical.so.3"
    probe = ("test", "-e", str(library))
    why = "the calendar tests check every .ics file with libical"
    result, apt = run(tmp_path, 0, str(PACKAGE_SCRIPT), "libical3", why, *probe)
    assert result.returncode == 0, result.stderr
    assert library.exists()
    assert apt[1:] == [
        "install --simulate --no-install-recommends libical3",
        "install -y -qq --no-install-recommends libical3",
    ]
    assert f"libical3 is missing: {why}." in result.stderr
    assert "(1 package: libical3 alone, without recommended packages.)" in result.stderr
    # Present: nothing is asked of apt-get.
    again = subprocess.run(
        [shutil.which("sh"), str(PACKAGE_SCRIPT), "libical3", why, *probe],
        env={"PATH": str(tmp_path / "bin")},
        capture_output=True,
        text=True,
    )
    assert (again.returncode, again.stderr) == (0, "")
    # As another user: what to run, and nothing installed.
    library.unlink()
    (tmp_path / "user").mkdir()
    result, apt = run(tmp_path / "user", 1000, str(PACKAGE_SCRIPT), "libical3", why, *probe)
    assert result.returncode == 1
    assert apt == []
    assert "sudo apt-get install --no-install-recommends libical3" in result.stderr
