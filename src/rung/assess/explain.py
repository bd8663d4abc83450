"""Everything a report says about a service's required level beyond the level itself
(issue 4): raw and stable levels, the critical-path chain, what changed since the
previous snapshot and why, drift flags, and the attestations and waivers that expired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rung.assess.changes import RequiredChange, explain_change
from rung.assess.critical import chain_text
from rung.assess.drift import Drift, Levels, drift_of
from rung.assess.overrides import OverrideRecord
from rung.assess.risk import RiskResult
from rung.assess.service import ServiceAssessment
from rung.assess.stability import DEFAULT_STABILITY
from rung.model.workspace import StabilitySettings


@dataclass(frozen=True, slots=True)
class Previous:
    """A service in the snapshot before: its required level as assessed then, its levels."""

    risk: RiskResult
    levels: Levels


@dataclass(frozen=True)
class Explained:
    change: RequiredChange | None  # None: first snapshot of this service
    drift: tuple[Drift, ...]
    expired: tuple[OverrideRecord, ...]


@dataclass(frozen=True)
class ReportContext:
    """The snapshot before (by service name) and the overrides expired at this one."""

    previous: Mapping[str, Previous] = field(default_factory=dict)
    expired: Sequence[OverrideRecord] = ()
    stability: StabilitySettings = DEFAULT_STABILITY

    def explain(self, a: ServiceAssessment) -> Explained:
        prev = self.previous.get(a.name)
        change = explain_change(prev.risk, a.risk, self.stability) if prev is not None else None
        before = prev.levels if prev is not None else None
        return Explained(
            change,
            tuple(drift_of(a.name, Levels.of(a), before)),
            tuple(r for r in self.expired if r.service == a.name),
        )


def critical_json(risk: RiskResult) -> dict[str, object]:
    chain = risk.critical_chain
    return {
        "critical": bool(chain),
        "chain": list(chain),
        "inherited_from": risk.inherited_from,
        "text": chain_text(chain) if chain else "not on the critical path",
    }


def stability_json(risk: RiskResult) -> dict[str, object] | None:
    state = risk.stability
    if state is None:
        return None
    return {"stable": state.stable, "pending": state.pending, "count": state.count}


def change_json(change: RequiredChange | None) -> dict[str, object] | None:
    if change is None:
        return None
    return {
        "from": change.before,
        "to": change.after,
        "changed": change.changed,
        "reasons": list(change.reasons),
        "text": change.text,
    }
