"""Drift flags (risk outpacing maturity, over-investment) and the explanation of what
changed in a required level between two snapshots."""

from __future__ import annotations

from portfolio_helper import MODEL, P, findings, scan, signals
from rung.assess.changes import explain_change, label, show
from rung.assess.drift import (
    Drift,
    DriftKind,
    Levels,
    assessment_drift,
    drift_of,
    portfolio_drift,
)
from rung.assess.portfolio import assess_portfolio, stability_states
from rung.assess.risk import RiskResult, required_level
from rung.assess.service import DEFAULT_POLICY
from rung.assess.stability import StabilityState
from rung.model.schema import RiskPolicy
from rung.model.workspace import StabilitySettings

# ----- drift -------------------------------------------------------------------------------


def test_risk_outpacing_maturity() -> None:
    (flag,) = drift_of("api", Levels(required=3, achieved=1), Levels(required=2, achieved=1))
    assert flag.kind is DriftKind.OUTPACING
    assert flag.message == "risk outpacing maturity: required 2 -> 3, achieved 1 -> 1"
    # achieved fell too: still outpaced
    assert [f.kind for f in drift_of("api", Levels(3, 0), Levels(2, 1))] == [DriftKind.OUTPACING]


def test_no_outpacing_when_maturity_kept_up_or_already_above() -> None:
    assert drift_of("api", Levels(3, 2), Levels(2, 1)) == []  # achieved rose
    assert drift_of("api", Levels(3, 3), Levels(2, 3)) == []  # already meets the new level
    assert drift_of("api", Levels(2, 1), Levels(3, 1)) == []  # required fell
    assert drift_of("api", Levels(2, 1)) == []  # first snapshot


def test_over_invested_on_one_snapshot_or_two() -> None:
    (flag,) = drift_of("docs", Levels(required=1, achieved=3))
    assert flag == Drift("docs", DriftKind.OVER_INVESTED, Levels(1, 3))
    assert flag.message == "over-invested: achieved 3 > required 1"
    assert [f.kind for f in drift_of("docs", Levels(2, 3), Levels(1, 3))] == [
        DriftKind.OVER_INVESTED
    ]


def test_portfolio_drift_is_by_name_and_new_services_are_only_over_invested() -> None:
    now = {"b": Levels(3, 1), "a": Levels(1, 2), "c": Levels(4, 0)}
    before = {"b": Levels(2, 1), "a": Levels(1, 2)}
    assert [(f.service, f.kind) for f in portfolio_drift(now, before)] == [
        ("a", DriftKind.OVER_INVESTED),
        ("b", DriftKind.OUTPACING),
    ]


def test_drift_between_two_assessed_snapshots() -> None:
    met = findings(t1=P, t2=P, m1=P, m2=P, d1=P)
    # "busy": 10 commits (1 point) -> 120 commits, 8 authors, 400 days (6 points): 1 -> 3
    # "calm": no activity, required 1, achieves 2: over-invested
    first = assess_portfolio(MODEL, [scan("busy", sig=signals(10)), scan("calm", met)])
    second = assess_portfolio(
        MODEL,
        [scan("busy", sig=signals(120, 8, 400)), scan("calm", met)],
        previous=stability_states(first),
    )
    busy = {a.name: a for a in second}["busy"]
    assert (busy.risk.points, busy.required, busy.achieved) == (6, 3, 0)
    flags = assessment_drift(second, first)
    assert [(f.service, f.kind) for f in flags] == [
        ("busy", DriftKind.OUTPACING),
        ("calm", DriftKind.OVER_INVESTED),
    ]
    calm = flags[1].now
    assert (calm.required, calm.achieved) == (1, 2)  # testing stops at t3 (awaiting)


# ----- what changed ------------------------------------------------------------------------


def risk(
    commits: int,
    authors: int = 3,
    age: int = 400,
    chain: tuple[str, ...] = (),
    policy: RiskPolicy = DEFAULT_POLICY,
    **kw: object,
) -> RiskResult:
    sig = {**signals(commits, authors, age), "catalog.critical_path": bool(chain)}
    return required_level(policy, sig, critical_chain=chain, max_level=4, **kw)  # type: ignore[arg-type]


def test_factor_and_inherited_critical_path() -> None:
    before = risk(12)  # 1 + 1 + 1 = 3 -> 2
    after = risk(64, chain=("checkout", "payments"))  # 2 + 1 + 1 + 3 = 7 -> 3
    change = explain_change(before, after)
    assert change.changed
    assert change.text == (
        "required 2 -> 3: commits_90d 12 -> 64 (+1), critical-path now inherited from checkout (+3)"
    )


def test_value_changes_without_points_are_not_reasons() -> None:
    assert explain_change(risk(12), risk(20)).text == "required 2 (unchanged)"
    assert not explain_change(risk(12), risk(20)).changed


def test_chain_changes() -> None:
    declared = risk(0, chain=("payments",))
    via_checkout = risk(0, chain=("checkout", "payments"))
    via_web = risk(0, chain=("web", "cart", "payments"))
    none = risk(0)
    assert explain_change(none, declared).text == (
        "required 1 -> 3: critical-path now declared (+3)"
    )
    assert explain_change(declared, via_checkout).reasons == (
        "critical-path now inherited from checkout (was declared)",
    )
    assert explain_change(via_checkout, via_web).reasons == (
        "critical-path now inherited from web via cart (was inherited from checkout)",
    )
    assert explain_change(via_web, none).text == (
        "required 3 -> 1: no longer on the critical path (was inherited from web via cart) (-3)"
    )


def test_pins() -> None:
    base = risk(12)
    pinned = risk(12, pin=4, pin_reason="PCI scope")
    assert explain_change(base, pinned).text == "required 2 -> 4: pinned at 4 (PCI scope)"
    assert explain_change(pinned, risk(12, pin=3)).text == "required 4 -> 3: pin 4 -> 3"
    assert explain_change(pinned, base).text == "required 4 -> 2: pin 4 removed"


def test_stability_holding_and_releasing_a_change() -> None:
    settings = StabilitySettings()
    first = risk(40, stability=settings)  # 2 + 1 + 1 = 4 -> 2
    held = risk(120, previous=first.stability, stability=settings)  # 5 -> raw 3
    assert held.stability == StabilityState(2, 3, 1)
    assert explain_change(first, held, settings).text == (
        "required 2 (unchanged): commits_90d 40 -> 120 (+1), raw 3, held at 2 (1 of 2 snapshots)"
    )
    released = risk(120, previous=held.stability, stability=settings)
    assert explain_change(held, released, settings).text == (
        "required 2 -> 3: held change to 3 now in force"
    )
    three = StabilitySettings(snapshots=3)
    assert explain_change(first, held, three).reasons[-1] == "raw 3, held at 2 (1 of 3 snapshots)"


def test_policy_changes() -> None:
    with_lifecycle = DEFAULT_POLICY.model_copy(
        update={
            "factors": {
                **{k: v for k, v in DEFAULT_POLICY.factors.items() if k != "age"},
                "lifecycle": DEFAULT_POLICY.factors["age"].model_copy(
                    update={"signal": "catalog.lifecycle", "points": {"production": 2}}
                ),
            }
        }
    )
    before = risk(12)
    sig = {**signals(12, 3, 400), "catalog.critical_path": False, "catalog.lifecycle": "production"}
    after = required_level(with_lifecycle, sig)
    assert explain_change(before, after).text == (
        "required 2 (unchanged): factor lifecycle added: lifecycle production (+2), "
        "factor age removed (-1)"
    )
    tighter = DEFAULT_POLICY.model_copy(update={"levels": {0: 1, 2: 2, 3: 3, 8: 4}})
    assert explain_change(before, risk(12, policy=tighter)).text == (
        "required 2 -> 3: bands changed: 3 points now give level 3"
    )


def test_labels_and_values() -> None:
    assert label("git.commits_90d") == "commits_90d"
    assert label("catalog.annotations.tier") == "annotations.tier"
    assert label("age_days") == "age_days"
    assert (show(None), show(True), show(3.0), show(2.5), show("x")) == (
        "none",
        "true",
        "3",
        "2.5",
        "x",
    )
