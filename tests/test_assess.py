"""Assessment is pure policy: tested with hand-built findings and signals."""

from __future__ import annotations

import pytest

from rung.assess.levels import ExpState, Override, assess_areas, rollup
from rung.assess.risk import factor_points, level_for_points, required_level
from rung.assess.rules import RuleState, evaluate
from rung.assess.service import DEFAULT_POLICY, ServiceScan, assess_service
from rung.catalog.entity import Service
from rung.checks.base import Finding, Status
from rung.model.schema import EvidenceRule, Model

P, F, U, N = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE


def findings(**statuses: Status) -> dict[str, Finding]:
    return {k.replace("_", "."): Finding(k.replace("_", "."), s) for k, s in statuses.items()}


def rule(**kw: object) -> EvidenceRule:
    return EvidenceRule.model_validate(kw)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (P, P, RuleState.MET),
        (P, N, RuleState.MET),
        (N, N, RuleState.MET),
        (P, F, RuleState.UNMET),
        (U, F, RuleState.UNMET),
        (P, U, RuleState.UNKNOWN),
        (N, U, RuleState.UNKNOWN),
    ],
)
def test_all_rule(a: Status, b: Status, expected: RuleState) -> None:
    assert evaluate(rule(all=["x.a", "x.b"]), findings(x_a=a, x_b=b)).state is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (P, F, RuleState.MET),
        (P, U, RuleState.MET),
        (N, N, RuleState.MET),  # all not_applicable counts as met
        (N, F, RuleState.UNMET),  # an any: needs a pass unless everything is n/a
        (F, F, RuleState.UNMET),
        (F, U, RuleState.UNKNOWN),
        (N, U, RuleState.UNKNOWN),
    ],
)
def test_any_rule(a: Status, b: Status, expected: RuleState) -> None:
    assert evaluate(rule(any=["x.a", "x.b"]), findings(x_a=a, x_b=b)).state is expected


def test_rule_reports_failing_and_unknown_ids_and_missing_findings_are_unknown() -> None:
    out = evaluate(rule(all=["x.a", "x.b", "x.c"]), findings(x_a=F, x_b=U))
    assert out.state is RuleState.UNMET
    assert out.failing == ("x.a",)
    assert out.unknown == ("x.b", "x.c")
    assert evaluate(rule(attest=True), {}).state is RuleState.ATTEST


MODEL = Model.model_validate(
    {
        "id": "m",
        "name": "M",
        "levels": [{"level": i, "name": f"L{i}"} for i in (1, 2, 3, 4)],
        "pillars": [
            {
                "id": "p1",
                "name": "P1",
                "areas": [
                    {
                        "id": "a",
                        "name": "A",
                        "levels": {
                            1: [{"id": "one", "expectation": "e", "evidence": {"all": ["c.one"]}}],
                            2: [{"id": "two", "expectation": "e", "evidence": {"all": ["c.two"]}}],
                            3: [{"id": "att", "expectation": "e", "evidence": {"attest": True}}],
                            4: [
                                {"id": "four", "expectation": "e", "evidence": {"all": ["c.four"]}}
                            ],
                        },
                    },
                    {
                        "id": "b",
                        "name": "B",
                        "levels": {
                            1: [{"id": "one", "expectation": "e", "evidence": {"any": ["c.one"]}}],
                        },
                    },
                ],
            },
            {
                "id": "p2",
                "name": "P2",
                "areas": [
                    {
                        "id": "c",
                        "name": "C",
                        "levels": {
                            1: [{"id": "x", "expectation": "e", "evidence": {"all": ["c.x"]}}],
                        },
                    }
                ],
            },
        ],
    }
)


def test_levels_are_cumulative() -> None:
    # level 2 met but level 1 not: achieved stays 0
    areas = assess_areas(MODEL, findings(c_one=F, c_two=P, c_four=P, c_x=P), {}, required=2)
    assert areas["a"].achieved == 0
    assert areas["a"].unmet == ["a/one", "a/att"]
    assert [g.id for g in areas["a"].gaps] == ["a/one"]


def test_attestation_pending_counts_apart() -> None:
    areas = assess_areas(MODEL, findings(c_one=P, c_two=P, c_four=P, c_x=P), {}, required=4)
    a = areas["a"]
    assert a.achieved == 2
    assert a.potential == 4  # once the attestation is made
    states = {e.id: e.state for e in a.expectations}
    assert states["a/att"] is ExpState.AWAITING


def test_overrides_attest_and_waive() -> None:
    ov = {
        "a/att": Override(ExpState.ATTESTED, by="alice"),
        "a/four": Override(ExpState.WAIVED, by="bob"),
    }
    areas = assess_areas(MODEL, findings(c_one=P, c_two=P, c_four=F, c_x=P), ov, required=4)
    a = areas["a"]
    assert a.achieved == 4
    states = {e.id: e.state for e in a.expectations}
    assert states["a/att"] is ExpState.ATTESTED
    assert states["a/four"] is ExpState.WAIVED
    assert a.gaps == []


def test_unknown_is_not_met() -> None:
    areas = assess_areas(MODEL, findings(c_one=U, c_x=P), {}, required=1)
    assert areas["a"].achieved == 0
    assert areas["a"].expectations[0].state is ExpState.UNKNOWN
    assert areas["b"].achieved == 0


def test_rollup_min_over_areas_and_pillars() -> None:
    areas = assess_areas(MODEL, findings(c_one=P, c_two=P, c_x=F), {}, required=1)
    overall, pillars = rollup(areas)
    # b has expectations at level 1 only: levels 2-4 hold nothing, so it reaches 4
    assert (areas["a"].achieved, areas["b"].achieved, areas["c"].achieved) == (2, 4, 0)
    assert pillars == {"p1": 2, "p2": 0}
    assert overall == 0


# ----- risk: every band edge of the §3 policy ----------------------------------------------


@pytest.mark.parametrize(
    ("commits", "points"),
    [(0, 0), (9, 0), (10, 1), (39, 1), (40, 2), (119, 2), (120, 3), (5000, 3)],
)
def test_change_frequency_edges(commits: int, points: int) -> None:
    assert factor_points(DEFAULT_POLICY.factors["change_frequency"], commits) == points


@pytest.mark.parametrize(("authors", "points"), [(0, 0), (2, 0), (3, 1), (7, 1), (8, 2), (50, 2)])
def test_collaborators_edges(authors: int, points: int) -> None:
    assert factor_points(DEFAULT_POLICY.factors["collaborators"], authors) == points


@pytest.mark.parametrize(
    ("days", "points"), [(0, 0), (364, 0), (365, 1), (1094, 1), (1095, 2), (9000, 2)]
)
def test_age_edges(days: int, points: int) -> None:
    assert factor_points(DEFAULT_POLICY.factors["age"], days) == points


def test_critical_path_and_missing_values() -> None:
    f = DEFAULT_POLICY.factors["critical_path"]
    assert factor_points(f, True) == 3
    assert factor_points(f, False) == 0
    assert factor_points(DEFAULT_POLICY.factors["age"], None) == 0


@pytest.mark.parametrize(
    ("points", "level"),
    [(0, 1), (2, 1), (3, 2), (4, 2), (5, 3), (7, 3), (8, 4), (10, 4)],
)
def test_level_bands(points: int, level: int) -> None:
    assert level_for_points(DEFAULT_POLICY, points) == level


def test_required_level_explanation_and_pin() -> None:
    signals = {
        "git.commits_90d": 45,
        "git.authors_90d": 3,
        "age_days": 400,
        "catalog.critical_path": False,
    }
    r = required_level(DEFAULT_POLICY, signals)
    assert (r.points, r.level, r.pinned) == (4, 2, None)
    assert [(e.factor, e.value, e.points) for e in r.explanation] == [
        ("change_frequency", 45, 2),
        ("collaborators", 3, 1),
        ("age", 400, 1),
        ("critical_path", False, 0),
    ]
    pinned = required_level(DEFAULT_POLICY, signals, pin=4, pin_reason="PCI")
    assert (pinned.level, pinned.computed_level, pinned.pin_reason) == (4, 2, "PCI")


def test_assess_service_uses_catalog_critical_path_and_pin() -> None:
    svc = Service(name="pay", repo_path="/r", repo_name="pay", critical_path=True)
    scan = ServiceScan(
        service=svc,
        head="abc",
        findings=findings(c_one=P, c_two=P, c_x=P),
        signals={"git.commits_90d": 12, "git.authors_90d": 1, "age_days": 30},
    )
    a = assess_service(MODEL, scan)
    assert (a.risk.points, a.required) == (4, 2)  # 1 (commits) + 3 (critical path)
    assert a.achieved == 2  # a stops at 2 (attestation pending); b and c reach 4
    assert a.potential == 3  # a/four has no finding: unknown
    pinned = ServiceScan(
        service=Service(name="p", repo_path="/r", repo_name="p", required_level_pin=3),
        head=None,
        findings={},
        signals={},
    )
    b = assess_service(MODEL, pinned)
    assert b.required == 3 and b.risk.pinned == 3 and b.risk.computed_level == 1
