"""`rung demo`: generates, scans, stores a snapshot and writes the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rung.cli.main import cli


def test_demo_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUNG_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    result = CliRunner().invoke(cli, ["demo", "--services", "12", "--dir", "d", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Build next" in result.output
    assert "HTML report:" in result.output
    doc = json.loads((tmp_path / "d" / "report.json").read_text(encoding="utf-8"))
    assert len(doc["services"]) >= 12
    assert doc["snapshot"]["id"] == 2  # a scan, the teams' attestations, a rescan
    assert "attested" in result.output
    assert doc["snapshot"]["as_of"] == "2026-11-26T00:00:00Z"
    html = (tmp_path / "d" / "report.html").read_text(encoding="utf-8")
    assert html.count("<tr>") == len(doc["services"]) + 1
    again = CliRunner().invoke(cli, ["demo", "--services", "12", "--dir", "d", "--seed", "3"])
    assert again.exit_code == 0, again.output
    second = json.loads((tmp_path / "d" / "report.json").read_text(encoding="utf-8"))
    assert second["snapshot"]["id"] == 4
    assert "attested 0 expectations" in again.output  # nothing attested twice
    for doc_ in (doc, second):
        doc_["snapshot"] = None
        for svc in doc_["services"]:  # what changed since the previous snapshot
            svc["level"].pop("change", None)
            svc.pop("drift", None)
    assert doc == second  # deterministic, and the rescan reuses every service
