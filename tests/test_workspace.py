"""rung.yaml: risk policy overrides, new factors over catalog fields, stability, errors
that name file:line: path."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from portfolio_helper import MODEL, scan, signals
from rung.assess.portfolio import assess_portfolio, effective_policy
from rung.assess.risk import factor_points, required_level
from rung.assess.service import DEFAULT_POLICY, risk_signals
from rung.catalog.entity import Service
from rung.errors import ConfigError
from rung.model.schema import RiskFactor
from rung.model.workspace import (
    CATALOG_FIELDS,
    StabilitySettings,
    Workspace,
    load_workspace,
    load_workspace_text,
    signal_kind,
)


def ws(text: str) -> Workspace:
    return load_workspace_text(text, "rung.yaml")


def errors_of(text: str) -> str:
    with pytest.raises(ConfigError) as exc:
        policy_of(text)
    return str(exc.value)


def policy_of(text: str) -> object:
    return effective_policy(MODEL, ws(text))


# ----- loading -----------------------------------------------------------------------------


def test_absent_file_gives_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = load_workspace(None)
    assert w.source is None
    assert w.stability == StabilitySettings(margin=1, snapshots=2)
    assert w.profile is None and w.model is None
    assert effective_policy(MODEL, w) == DEFAULT_POLICY


def test_rung_yaml_in_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rung.yaml").write_text(
        "model: microservices\nprofile: fintech\nstability: {margin: 2, snapshots: 3}\n"
    )
    monkeypatch.chdir(tmp_path)
    w = load_workspace(None)
    assert w.source == "rung.yaml"
    assert (w.model, w.profile) == ("microservices", "fintech")
    assert w.stability == StabilitySettings(margin=2, snapshots=3)


def test_explicit_config_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read workspace file"):
        load_workspace(str(tmp_path / "nope.yaml"))
    (tmp_path / "other.yaml").write_text("profile: saas\n")
    assert load_workspace(str(tmp_path / "other.yaml")).profile == "saas"


def test_empty_file_is_defaults() -> None:
    assert ws("").config == Workspace().config
    assert effective_policy(MODEL, ws("# nothing\n")) == DEFAULT_POLICY


def test_unknown_keys_warn_with_line() -> None:
    w = ws("profile: saas\nstability:\n  margin: 1\n  snapshot: 3\ncolour: red\n")
    assert w.warnings == (
        "rung.yaml:4: stability.snapshot: unknown key ignored",
        "rung.yaml:5: colour: unknown key ignored",
    )


# ----- overrides ---------------------------------------------------------------------------


def test_factor_override_merges_by_name_and_null_removes() -> None:
    policy = effective_policy(
        MODEL,
        ws("risk:\n  factors:\n    change_frequency: {points: {0: 0, 20: 2}}\n    age: null\n"),
    )
    assert list(policy.factors) == ["change_frequency", "collaborators", "critical_path"]
    cf = policy.factors["change_frequency"]
    assert cf.signal == "git.commits_90d"  # kept from the model
    assert cf.points == {0: 0, 20: 2}  # replaced whole
    assert policy.levels == DEFAULT_POLICY.levels
    # 25 commits: 2 points; 3 authors: 1; age no longer counts
    result = required_level(policy, {**signals(25, 3, 5000), "catalog.critical_path": False})
    assert result.points == 3
    assert result.level == 2


def test_new_text_factor_over_catalog_lifecycle_and_labels() -> None:
    policy = effective_policy(
        MODEL,
        ws(
            "risk:\n"
            "  factors:\n"
            "    lifecycle: {signal: catalog.lifecycle, points: {production: 2, experimental: 0}}\n"
            "    tier: {signal: catalog.labels.tier, points: {'1': 3, '2': 1}}\n"
        ),
    )
    prod = Service("a", "/r/a", "a", lifecycle="production", labels={"tier": "1"})
    exp = Service("b", "/r/b", "b", lifecycle="experimental", labels={"tier": "2"})
    none = Service("c", "/r/c", "c")
    pts = {
        s.name: {
            fp.factor: fp.points
            for fp in required_level(policy, risk_signals(s, signals())).explanation
        }
        for s in (prod, exp, none)
    }
    assert (pts["a"]["lifecycle"], pts["a"]["tier"]) == (2, 3)
    assert (pts["b"]["lifecycle"], pts["b"]["tier"]) == (0, 1)
    assert (pts["c"]["lifecycle"], pts["c"]["tier"]) == (0, 0)
    assessed = assess_portfolio(
        MODEL, [scan("a", lifecycle="production", labels={"tier": "1"})], policy=policy
    )
    assert assessed[0].risk.points == 5
    assert assessed[0].required == 3


def test_annotation_factor_with_numeric_thresholds() -> None:
    factor = RiskFactor.model_validate(
        {"signal": "catalog.annotations.x/size", "points": {0: 0, 10: 2}}
    )
    assert factor_points(factor, "12") == 2
    assert factor_points(factor, "9") == 0
    assert factor_points(factor, "big") == 0
    text = RiskFactor.model_validate({"signal": "catalog.lifecycle", "points": {"production": 2}})
    assert factor_points(text, "production") == 2
    assert factor_points(text, "Production") == 0  # exact values
    assert factor_points(text, None) == 0


BANDS = "risk:\n  levels: {0: 1, 2: 2, 6: 3, 9: 4}\n"


@pytest.mark.parametrize(
    ("points", "level"),
    [(0, 1), (1, 1), (2, 2), (5, 2), (6, 3), (8, 3), (9, 4), (15, 4)],
)
def test_every_band_edge_with_a_workspace_override(points: int, level: int) -> None:
    policy = effective_policy(MODEL, ws(BANDS))
    # change_frequency alone: 10 commits = 1 point ... use a points-only factor
    policy = policy.model_copy(
        update={
            "factors": {
                "p": RiskFactor.model_validate(
                    {"signal": "git.commits_total", "points": {i: i for i in range(16)}}
                )
            }
        }
    )
    assert required_level(policy, {"git.commits_total": points}).level == level


@pytest.mark.parametrize(
    ("commits", "authors", "age", "critical", "points", "level"),
    [
        (0, 0, 0, False, 0, 1),
        (10, 0, 0, False, 1, 1),
        (10, 3, 0, False, 2, 2),  # default bands would give 1
        (40, 3, 365, False, 4, 2),
        (0, 0, 0, True, 3, 2),  # critical path is worth 3 under the default too
        (10, 3, 400, True, 6, 3),
        (40, 3, 365, True, 7, 3),
        (120, 8, 1095, False, 7, 3),
        (120, 8, 1095, True, 10, 4),
    ],
)
def test_workspace_changes_required_levels_as_documented(
    commits: int, authors: int, age: int, critical: bool, points: int, level: int
) -> None:
    text = "risk:\n  factors:\n    critical_path: {points: {false: 0, true: 3}}\n" + BANDS[6:]
    policy = effective_policy(MODEL, ws("risk:\n  levels: {0: 1, 2: 2, 6: 3, 9: 4}\n"))
    assert effective_policy(MODEL, ws(text)) == policy
    sig = {**signals(commits, authors, age), "catalog.critical_path": critical}
    result = required_level(policy, sig)
    assert (result.points, result.level) == (points, level)


def test_model_risk_is_the_base(tmp_path: Path) -> None:
    model = MODEL.model_copy(
        update={"risk": DEFAULT_POLICY.model_copy(update={"levels": {0: 1, 1: 2}})}
    )
    policy = effective_policy(model, ws("risk: {factors: {age: null}}\n"))
    assert policy.levels == {0: 1, 1: 2}
    assert "age" not in policy.factors


# ----- errors ------------------------------------------------------------------------------


def test_unknown_signal_names_file_line_and_path() -> None:
    text = "risk:\n  factors:\n    tier:\n      signal: catalog.tier\n      points: {'1': 3}\n"
    with pytest.raises(ConfigError) as exc:
        ws(text)
    assert str(exc.value).startswith(
        "rung.yaml:4: risk.factors.tier.signal: unknown signal 'catalog.tier'"
    )
    assert "catalog.labels.tier or catalog.annotations.tier" in str(exc.value)
    with pytest.raises(
        ConfigError, match=r"rung.yaml:3: risk.factors.x.signal: unknown signal 'git.magic'"
    ):
        ws("risk:\n  factors:\n    x: {signal: git.magic, points: {0: 1}}\n")


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (
            "{0: 1, 5: 3, 3: 2}",
            "rung.yaml:3: risk.levels.3: bands not ascending: "
            "3 points -> level 2 follows 5 points -> level 3",
        ),
        (
            "{0: 1, 3: 3, 5: 2}",
            "rung.yaml:3: risk.levels.5: bands not ascending: "
            "5 points -> level 2 follows 3 points -> level 3",
        ),
        ("{0: 1, 3: 2, 5: 2}", "rung.yaml:3: risk.levels.5: bands not ascending"),
        ("{1: 1, 3: 2}", "rung.yaml:3: risk.levels: bands must start at 0 points"),
        ("{0: 0, 3: 2}", "rung.yaml:3: risk.levels.0: a required level starts at 1"),
        ("{}", "rung.yaml:3: risk.levels: bands must not be empty"),
    ],
)
def test_bad_bands_are_rejected(levels: str, expected: str) -> None:
    with pytest.raises(ConfigError) as exc:
        ws(f"risk:\n  factors: {{}}\n  levels: {levels}\n")
    assert str(exc.value).startswith(expected)


def test_bands_multiline_name_the_bad_line() -> None:
    with pytest.raises(ConfigError) as exc:
        ws("risk:\n  levels:\n    0: 1\n    4: 3\n    6: 2\n")
    assert str(exc.value).startswith("rung.yaml:5: risk.levels.6: bands not ascending")


def test_band_above_model_levels_and_unknown_profile() -> None:
    msg = errors_of("profile: retail\nrisk:\n  levels: {0: 1, 3: 5}\n")
    assert msg.splitlines() == [
        "rung.yaml:3: risk.levels.3: level 5 is above the model's highest level 4",
        "rung.yaml:1: profile: unknown profile 'retail' (known: fintech, saas)",
    ]


@pytest.mark.parametrize(
    ("factor", "expected"),
    [
        ("{points: {0: 1}}", "rung.yaml:3: risk.factors.new: a new factor needs signal"),
        ("{signal: age_days}", "rung.yaml:3: risk.factors.new: a new factor needs points"),
        (
            "{signal: catalog.lifecycle, points: {yes: 1}}",
            "rung.yaml:3: risk.factors.new.points: a text signal takes no true/false keys",
        ),
        (
            "{signal: git.commits_90d, points: {many: 1}}",
            "rung.yaml:3: risk.factors.new.points: a number signal takes numeric thresholds",
        ),
        (
            "{signal: catalog.critical_path, points: {1: 1}}",
            "rung.yaml:3: risk.factors.new.points: a bool signal takes true/false keys",
        ),
    ],
)
def test_bad_factors_are_rejected(factor: str, expected: str) -> None:
    assert errors_of(f"risk:\n  factors:\n    new: {factor}\n").startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "risk:\n  factors:\n    x: {signal: age_days, points: {0: lots}}\n",
            "rung.yaml:3: risk.factors.x.points.0: Input should be a valid integer",
        ),
        (
            "stability:\n  margin: -1\n",
            "rung.yaml:2: stability.margin: Input should be greater than or equal to 0",
        ),
        (
            "stability:\n  snapshots: 0\n",
            "rung.yaml:2: stability.snapshots: Input should be greater than or equal to 1",
        ),
        (
            "risk:\n  levels: {0: 1, two: 2}\n",
            "rung.yaml:2: risk.levels.two: Input should be a valid integer",
        ),
        (
            "risk:\n  factors:\n    x: {signal: age_days, points: {}}\n",
            "rung.yaml:3: risk.factors.x.points: points must not be empty",
        ),
        ("- a\n- b\n", "rung.yaml:1: a workspace file must be a YAML mapping"),
        ("risk: [\n", "rung.yaml:2: invalid YAML"),
    ],
)
def test_invalid_documents(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as exc:
        ws(text)
    assert str(exc.value).startswith(expected)


# ----- signals -----------------------------------------------------------------------------


def test_catalog_fields_are_service_fields_and_exposed() -> None:
    names = {f.name for f in dataclasses.fields(Service)}
    assert set(CATALOG_FIELDS) <= names
    svc = Service(
        "pay",
        "/r/pay",
        "pay-repo",
        owner="team-x",
        lifecycle="production",
        annotations={"a/b": "1"},
        labels={"tier": "gold"},
    )
    sig = risk_signals(svc, {})
    for name in CATALOG_FIELDS:
        assert f"catalog.{name}" in sig
        assert signal_kind(f"catalog.{name}") is not None
    assert sig["catalog.owner"] == "team-x"
    assert sig["catalog.source"] == "inferred"
    assert sig["catalog.system"] is None
    assert sig["catalog.labels.tier"] == "gold"
    assert sig["catalog.annotations.a/b"] == "1"
    assert sig["catalog.critical_path"] is False
    assert signal_kind("catalog.labels.") is None
    assert signal_kind("git.first_commit") is None
