"""Model loading: errors name file, line and path; unknown keys warn; unknown checks fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from rung.checks.base import CheckSpec, Finding, Status
from rung.checks.registry import Registry
from rung.errors import ConfigError
from rung.model.loader import load_model, load_model_text, merge_models


def _spec(cid: str) -> CheckSpec:
    return CheckSpec(cid, cid, lambda facts: Finding(cid, Status.FAIL))


REG = Registry({c: _spec(c) for c in ("readme.present", "ci.config", "tests.present")})

GOOD = """\
id: tiny
name: Tiny model
levels:
  - {level: 1, name: Repeatable}
  - {level: 2, name: Consistent}
pillars:
  - id: dev
    name: Development
    areas:
      - id: docs
        name: Docs
        levels:
          1:
            - id: readme
              expectation: A README exists.
              support: A template.
              evidence: {all: [readme.present]}
          2:
            - id: ci
              expectation: CI exists.
              evidence: {any: [ci.config, tests.present]}
            - id: review
              expectation: Reviews happen.
              evidence: {attest: true}
profiles:
  fintech: {focus: [docs]}
"""


def test_good_model_loads_with_hash() -> None:
    loaded = load_model_text(GOOD, "tiny.yaml", registry=REG)
    assert loaded.model.id == "tiny"
    assert loaded.warnings == ()
    assert loaded.hash.startswith("sha256:") and len(loaded.hash) == 71
    assert [e.id for _a, _l, e in loaded.model.expectations()] == ["readme", "ci", "review"]
    # the hash is a function of content
    assert load_model_text(GOOD, "other.yaml", registry=REG).hash == loaded.hash
    changed = GOOD.replace("A README exists.", "A README.")
    assert load_model_text(changed, "tiny.yaml", registry=REG).hash != loaded.hash


def test_unknown_check_names_file_line_and_path() -> None:
    bad = GOOD.replace("{any: [ci.config, tests.present]}", "{any: [ci.config, ci.magic]}")
    with pytest.raises(ConfigError) as exc:
        load_model_text(bad, "tiny.yaml", registry=REG)
    assert str(exc.value) == (
        "tiny.yaml:21: pillars[0].areas[0].levels.2[0].evidence.any[1]: unknown check 'ci.magic'"
    )


def test_missing_field_names_line_and_path() -> None:
    bad = GOOD.replace("              expectation: CI exists.\n", "")
    with pytest.raises(ConfigError) as exc:
        load_model_text(bad, "tiny.yaml", registry=REG)
    msg = str(exc.value)
    assert msg.startswith("tiny.yaml:19: pillars[0].areas[0].levels.2[0].expectation:")
    assert "required" in msg.lower()


def test_evidence_rule_needs_a_kind() -> None:
    bad = GOOD.replace("evidence: {attest: true}", "evidence: {}")
    with pytest.raises(ConfigError) as exc:
        load_model_text(bad, "tiny.yaml", registry=REG)
    assert "tiny.yaml:24: pillars[0].areas[0].levels.2[1].evidence:" in str(exc.value)
    assert "needs all:, any: or attest: true" in str(exc.value)


def test_yaml_syntax_error_names_line() -> None:
    with pytest.raises(ConfigError) as exc:
        load_model_text("id: x\nname: [unclosed\nlevels: []\n", "broken.yaml", registry=REG)
    assert str(exc.value).startswith("broken.yaml:")
    assert "invalid YAML" in str(exc.value)


def test_unknown_keys_warn_with_line() -> None:
    text = GOOD.replace("        name: Docs\n", "        name: Docs\n        colour: blue\n")
    loaded = load_model_text(text, "tiny.yaml", registry=REG)
    assert loaded.warnings == ("tiny.yaml:12: pillars[0].areas[0].colour: unknown key ignored",)


def test_unknown_profile_focus_area_rejected() -> None:
    bad = GOOD.replace("focus: [docs]", "focus: [docs, testing]")
    expected = r"tiny.yaml:26: profiles.fintech.focus\[1\]: unknown area"
    with pytest.raises(ConfigError, match=expected):
        load_model_text(bad, "tiny.yaml", registry=REG)


def test_duplicate_expectation_ids_rejected() -> None:
    bad = GOOD.replace("            - id: review", "            - id: ci")
    with pytest.raises(ConfigError, match="duplicate expectation id 'ci'"):
        load_model_text(bad, "tiny.yaml", registry=REG)


def test_level_outside_model_levels_rejected() -> None:
    bad = GOOD.replace("          2:\n", "          3:\n")
    with pytest.raises(ConfigError, match=r"levels.3: level 3 is not one of the model's levels"):
        load_model_text(bad, "tiny.yaml", registry=REG)


def test_risk_bands_must_not_decrease() -> None:
    bad = GOOD + (
        "risk:\n  factors:\n    c: {signal: git.commits_90d, points: {0: 0, 10: 1}}\n"
        "  levels: {0: 2, 3: 1}\n"
    )
    with pytest.raises(ConfigError, match=r"tiny.yaml:30: risk.levels: .*must not decrease"):
        load_model_text(bad, "tiny.yaml", registry=REG)


def test_model_file_on_disk_and_unknown_builtin(tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(GOOD, encoding="utf-8")
    assert load_model(str(f), registry=REG).source == str(f)
    with pytest.raises(ConfigError, match="unknown model 'nope'"):
        load_model("nope", registry=REG)
    with pytest.raises(ConfigError, match="cannot read model"):
        load_model(str(tmp_path / "missing.yaml"), registry=REG)


def test_merge_models_overrides_by_id() -> None:
    base = {
        "id": "b",
        "pillars": [
            {"id": "p", "areas": [{"id": "a", "name": "A", "levels": {1: ["x"], 2: ["y"]}}]}
        ],
        "profiles": {"e": {"focus": ["a"]}},
        "risk": {"factors": {"f": 1, "g": 2}, "levels": {0: 1}},
    }
    over = {
        "id": "mine",
        "pillars": [
            {"id": "p", "areas": [{"id": "a", "levels": {2: ["z"]}}, {"id": "new", "levels": {}}]}
        ],
        "profiles": {"s": {"focus": []}},
        "risk": {"factors": {"g": 3}},
    }
    merged = merge_models(base, over)
    assert merged["id"] == "mine"
    areas = merged["pillars"][0]["areas"]
    assert areas[0] == {"id": "a", "name": "A", "levels": {1: ["x"], 2: ["z"]}}
    assert areas[1]["id"] == "new"
    assert set(merged["profiles"]) == {"e", "s"}
    assert merged["risk"] == {"factors": {"f": 1, "g": 3}, "levels": {0: 1}}
    assert base["pillars"][0]["areas"][0]["levels"][2] == ["y"]  # base untouched


# ----- the model cache ------------------------------------------------------------------


def _entry(folder: Path) -> Path:
    (found,) = folder.glob("model-*.json")
    return found


def test_a_cached_model_equals_the_model_loaded_from_its_text(tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(GOOD.replace("        name: Docs\n", "        name: Docs\n        colour: x\n"))
    cache = tmp_path / "cache"
    fresh = load_model(str(f), registry=REG)
    first = load_model(str(f), registry=REG, cache=str(cache))
    assert first == fresh and first.warnings != ()
    entry = _entry(cache)
    again = load_model(str(f), registry=REG, cache=str(cache))
    assert again == fresh
    for builtin in ("microservices", "cd-maturity"):
        plain = load_model(builtin)
        assert load_model(builtin, cache=str(cache)) == plain
        cached = load_model(builtin, cache=str(cache))  # from the cache
        assert cached == plain  # and in the same order (risk factors show in that order)
        assert repr(cached.model.model_dump()) == repr(plain.model.model_dump())
        assert cached.model.risk is not None and plain.model.risk is not None
        assert list(cached.model.risk.factors) == list(plain.model.risk.factors)
    import json

    data = json.loads(entry.read_text())  # an entry is used as it is: its warnings show
    entry.write_text(json.dumps({**data, "warnings": ["from the cache"]}))
    assert load_model(str(f), registry=REG, cache=str(cache)).warnings == ("from the cache",)


def test_a_damaged_or_stale_cache_entry_is_ignored_and_rewritten(tmp_path: Path) -> None:
    import json

    f = tmp_path / "m.yaml"
    f.write_text(GOOD)
    cache = tmp_path / "cache"
    fresh = load_model(str(f), registry=REG, cache=str(cache))
    entry = _entry(cache)
    data = json.loads(entry.read_text())
    other = load_model_text(GOOD.replace("CI exists.", "CI runs."), str(f), registry=REG)
    for damaged in (
        "{not json",
        json.dumps({**data, "document": "[1, 2"}),  # bad YAML
        json.dumps({**data, "document": "id: tiny\n"}),  # fails validation
        json.dumps({**data, "exact": "0" * 64}),  # the document is not that model
        json.dumps({**data, "key": "sha256:0"}),
        json.dumps({**data, "base": "0" * 64}),  # the built-in it extends changed
        json.dumps({k: v for k, v in data.items() if k != "warnings"}),
    ):
        entry.write_text(damaged)
        assert load_model(str(f), registry=REG, cache=str(cache)) == fresh
        assert json.loads(entry.read_text()) == data
    f.write_text(GOOD.replace("CI exists.", "CI runs."))  # another text: the entry replaced
    assert load_model(str(f), registry=REG, cache=str(cache)) == other
    assert _entry(cache) == entry and json.loads(entry.read_text())["hash"] == other.hash
    assert load_model(str(f), registry=REG, cache=str(cache)) == other  # from the cache


def test_a_cached_model_is_checked_against_the_registry_of_the_run(tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(GOOD)
    cache = tmp_path / "cache"
    load_model(str(f), registry=REG, cache=str(cache))
    fewer = Registry({c: _spec(c) for c in ("readme.present", "ci.config")})
    with pytest.raises(ConfigError) as exc:  # the error of a load from the text, with lines
        load_model(str(f), registry=fewer, cache=str(cache))
    assert str(exc.value) == (
        f"{f}:21: pillars[0].areas[0].levels.2[0].evidence.any[1]: unknown check 'tests.present'"
    )


def test_the_cache_key_covers_rungs_version_the_source_and_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rung.model import loader

    here = loader.ModelCache(str(tmp_path), GOOD, "m.yaml")
    assert loader.ModelCache(str(tmp_path), GOOD, "n.yaml").key != here.key
    assert loader.ModelCache(str(tmp_path), GOOD + "\n", "m.yaml").key != here.key
    monkeypatch.setattr(loader, "__version__", "0.0.0+other")
    assert loader.ModelCache(str(tmp_path), GOOD, "m.yaml").key != here.key
