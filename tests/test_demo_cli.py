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
    assert doc["snapshot"]["id"] == 1
    assert doc["snapshot"]["as_of"] == "2026-11-26T00:00:00Z"
    html = (tmp_path / "d" / "report.html").read_text(encoding="utf-8")
    assert html.count("<tr>") == len(doc["services"]) + 1
    again = CliRunner().invoke(cli, ["demo", "--services", "12", "--dir", "d", "--seed", "3"])
    assert again.exit_code == 0, again.output
    second = json.loads((tmp_path / "d" / "report.json").read_text(encoding="utf-8"))
    assert second["snapshot"]["id"] == 2
    for doc_ in (doc, second):
        doc_["snapshot"] = None
    assert doc == second  # deterministic, and the rescan reuses every service
