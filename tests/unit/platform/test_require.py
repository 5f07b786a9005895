"""``scripts/require``: the test command's prerequisites, each missing one named in one line.

The script runs with a PATH holding only the shell tools it uses plus fake ``java``, ``mvn``,
``node`` and ``npm`` commands, so every case is what a developer would see on a machine that
lacks (or has an old) tool.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REQUIRE = ROOT / "scripts" / "require"
SHELL_TOOLS = ("bash", "sed", "awk", "head", "sort", "printf", "dirname")


def _fake(bin_dir: Path, name: str, script: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def _java(bin_dir: Path, version_line: str) -> None:
    _fake(bin_dir, "java", f"echo '{version_line}' >&2")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH directory with the shell tools and none of the prerequisites."""
    directory = tmp_path / "bin"
    directory.mkdir()
    for tool in SHELL_TOOLS:
        found = shutil.which(tool)
        assert found is not None, f"{tool} is needed to run scripts/require"
        (directory / tool).symlink_to(found)
    return directory


def _run(bin_dir: Path, *tools: str, python: str = sys.executable) -> tuple[int, list[str]]:
    env = {"PATH": str(bin_dir), "PYTHON": python, "HOME": os.environ.get("HOME", "/")}
    done = subprocess.run(
        [str(bin_dir / "bash"), str(REQUIRE), *tools],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout == ""
    return done.returncode, done.stderr.splitlines()


def test_nothing_is_said_when_every_prerequisite_is_there(bin_dir: Path) -> None:
    _java(bin_dir, 'openjdk version "17.0.15" 2025-04-15')
    for tool in ("mvn", "curl", "node", "npm", "chromium"):
        _fake(bin_dir, tool, "exit 0")

    assert _run(bin_dir) == (0, [])


def test_each_missing_tool_is_named_in_one_line_with_what_it_is_for(bin_dir: Path) -> None:
    code, lines = _run(bin_dir)

    assert code == 1
    assert len(lines) == 6
    java, mvn, curl, node, npm, chromium = lines
    assert "java not found" in java and "Java 17" in java and "Apache Pulsar" in java
    assert "mvn not found" in mvn and "Apache Pulsar" in mvn
    assert "curl not found" in curl and "Apache Pulsar" in curl
    assert "node not found" in node and "newman" in node
    assert "npm not found" in npm and "newman" in npm
    assert "chromium not found" in chromium and "browser test" in chromium
    assert "apt-get install -y chromium" in chromium


def test_a_chromium_that_does_not_start_is_refused(bin_dir: Path) -> None:
    _fake(bin_dir, "chromium", "exit 127")

    code, lines = _run(bin_dir, "chromium")

    assert code == 1
    assert len(lines) == 1
    assert "chromium --version' failed" in lines[0]


@pytest.mark.parametrize(
    ("version_line", "major"),
    [('openjdk version "11.0.22" 2024-01-16', 11), ('java version "1.8.0_402"', 8)],
)
def test_a_java_older_than_17_is_refused_with_its_version(
    bin_dir: Path, version_line: str, major: int
) -> None:
    _java(bin_dir, version_line)

    code, lines = _run(bin_dir, "java")

    assert code == 1
    assert len(lines) == 1
    assert f"Java {major} is too old" in lines[0]


def test_a_newer_java_is_accepted(bin_dir: Path) -> None:
    _java(bin_dir, 'openjdk version "21" 2023-09-19')

    assert _run(bin_dir, "java") == (0, [])


def test_running_the_platform_asks_for_python_only(bin_dir: Path) -> None:
    """``./scripts/dev`` checks ``python`` alone: no Java, Maven, curl, Node or npm needed."""
    assert _run(bin_dir, "python") == (0, [])


def test_an_old_python_is_refused(bin_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "python3.10"
    old.write_text("#!/bin/sh\necho 3.10\n")
    old.chmod(0o755)

    code, lines = _run(bin_dir, "python", python=str(old))

    assert code == 1
    assert len(lines) == 1
    assert "Python 3.10 is too old" in lines[0] and "3.11" in lines[0]
