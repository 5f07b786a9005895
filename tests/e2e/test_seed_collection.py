"""The seed's own Postman collection, as a client, against ``alpes dev --no-auth``: the
collection carries no credentials, so the platform it runs against has authentication off
(``AUTH_DISABLED=true``), as ``alpes dev --no-auth`` runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import Platform

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "seed"  # the seed's own Postman files, unchanged (README.md there)


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_DEADLINE_SECONDS": "30", "AUTH_DISABLED": "true"}


def test_the_seeds_postman_collection_runs_green_with_newman(
    platform: Platform, tmp_path: Path
) -> None:
    """The seed's own collection, as a client: all 22 requests answer as the seed documents.

    The environment file's non-empty values are passed one by one, base URLs pointed at
    this platform: its empty ``campana_id`` would outrank the collection variable that the
    collection's own test scripts set from the created campaign, so every ``{{campana_id}}``
    request would go out without an id.
    """
    newman = ROOT / "tools" / "newman" / "node_modules" / ".bin" / "newman"
    assert newman.exists(), "newman is installed by scripts/setup"
    env_file = json.loads((SEED / "Alpes Partners.postman_environment.json").read_text())
    values = {
        v["key"]: v["value"] for v in env_file["values"] if v.get("enabled", True) and v["value"]
    }
    assert "campana_id" not in values
    for name in ("afiliaciones", "marca", "influencer", "tracking"):
        values[f"base_url_{name}"] = platform.url(name)
    report = tmp_path / "newman.json"
    cmd = [
        str(newman), "run", str(SEED / "Alpes Partners.postman_collection.json"),
        "--reporters", "cli,json", "--reporter-json-export", str(report),
    ]  # fmt: skip
    for key, value in values.items():
        cmd += ["--env-var", f"{key}={value}"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    run = json.loads(report.read_text())["run"]
    assert not run["failures"], run["failures"]
    answers = [
        (e["item"]["name"], "/".join(e["request"]["url"]["path"]), e["response"]["code"])
        for e in run["executions"]
    ]
    assert run["stats"]["requests"] == {"total": 22, "pending": 0, "failed": 0}, answers
    assert len(answers) == 22, answers
    codes = [code for _, _, code in answers]
    # health x4; create, get, list; saga create, state, history, stats;
    # six tracking events and their list; then the four error cases of the seed
    assert codes[:4] == [200] * 4, answers
    assert codes[4:7] == [201, 200, 200], answers
    # The saga answers 200 with its outcome (the seed's shape), so the collection keeps its
    # `id_saga` and asks for that saga's state.
    assert codes[7:11] == [200] * 4, answers[7:11]
    saga = json.loads(bytes(run["executions"][7]["response"]["stream"]["data"]))
    assert (saga["estado_saga"], saga["saga_exitosa"]) == ("completada", True), saga
    assert answers[8][1] == f"afiliaciones/saga/{saga['id_saga']}/estado", answers[8]
    assert codes[11:17] == [201] * 6 and codes[17] == 200, answers
    assert codes[18:] == [422, 422, 422, 404], answers
