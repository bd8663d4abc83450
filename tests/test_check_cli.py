"""`rung check`: the CI gate, with table, JSON, SARIF and JUnit outputs and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from gitrepo import make_repo
from rung.cli.main import main

GOOD = {
    "README.md": "# svc\n\n## Getting started\n\n```\npip install -e .\n```\n\n"
    "## Tests\n\n```\npytest\n```\n",
    "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["flask==3.0.0"]\n',
    "requirements.txt": "flask==3.0.0\n",
    "app.py": "print('hi')\n",
    "tests/test_app.py": "def test_x():\n    assert True\n",
}


@pytest.fixture(autouse=True)
def _no_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RUNG_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """`rung check ...` through the console entry point (exit codes as in a shell)."""

    def invoke(*args: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exc:
            main(["check", *args, "--no-live", "--as-of", "2026-11-26"])
        out = capsys.readouterr()
        return int(exc.value.code or 0), out.out + out.err

    return invoke


def test_gate_fails_below_min_level_with_gaps_in_every_format(
    tmp_path: Path, run: Callable[..., tuple[int, str]]
) -> None:
    repo = make_repo(tmp_path / "svc", GOOD)
    code, text = run(str(repo.path), "--min-level", "2")
    assert code == 1
    assert "FAIL svc: level" in text and "gate 2" in text and "support:" in text

    code, raw = run(str(repo.path), "--min-level", "2", "--format", "json")
    assert code == 1
    doc = json.loads(raw)
    assert doc["passed"] is False
    (svc,) = doc["services"]
    assert (svc["name"], svc["gate"], svc["passed"]) == ("svc", 2, False)
    gap_ids = {g["expectation"] for g in svc["gaps"]}
    assert "build-and-ci/automated-build" in gap_ids  # no CI config in the repository
    assert all(g["level"] <= 2 for g in svc["gaps"])

    code, raw = run(str(repo.path), "--min-level", "2", "--format", "sarif")
    assert code == 1
    sarif = json.loads(raw)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == gap_ids
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rule_ids == gap_ids
    for r in results:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]

    code, raw = run(str(repo.path), "--min-level", "2", "--format", "junit")
    assert code == 1
    suites = ET.fromstring(raw.split("?>", 1)[1])
    (suite,) = suites.findall("testsuite")
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == gap_ids
    assert int(suite.get("failures", "0")) == len(gap_ids)
    assert int(suite.get("tests", "0")) > len(gap_ids)


def test_gate_passes_at_level_zero_and_required_level_is_default(
    tmp_path: Path, run: Callable[..., tuple[int, str]]
) -> None:
    repo = make_repo(tmp_path / "svc", GOOD)
    code, text = run(str(repo.path), "--min-level", "0")
    assert code == 0 and "PASS svc" in text
    code, raw = run(str(repo.path), "--format", "json")
    svc = json.loads(raw)["services"][0]
    assert svc["gate"] == svc["required"] == 1  # one commit, one author, new: level 1
    assert code == (0 if svc["achieved"] >= 1 else 1)


def test_unknown_service_is_a_usage_error(
    tmp_path: Path, run: Callable[..., tuple[int, str]]
) -> None:
    repo = make_repo(tmp_path / "svc", GOOD)
    code, text = run(str(repo.path), "--service", "nope")
    assert code == 2
    assert "no service named 'nope'" in text
