"""What changed in a required level between two snapshots, and why (issue 4).

`required 2 -> 3: commits_90d 12 -> 64 (+1), critical-path now inherited from checkout (+3)`

Reasons, in this order: factors whose points changed (value before -> after, points
difference; factors added or removed by a policy change), the critical-path chain,
the bands (same points, another level), the pin, and stability holding a change back
(`raw 3, held at 2 (1 of 2 snapshots)`) or releasing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rung.assess.critical import chain_text
from rung.assess.risk import RiskResult
from rung.assess.stability import DEFAULT_STABILITY
from rung.model.workspace import StabilitySettings

CRITICAL_SIGNAL = "catalog.critical_path"


@dataclass(frozen=True, slots=True)
class RequiredChange:
    before: int
    after: int
    reasons: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def text(self) -> str:
        head = (
            f"required {self.before} -> {self.after}"
            if self.changed
            else f"required {self.after} (unchanged)"
        )
        return f"{head}: {', '.join(self.reasons)}" if self.reasons else head


def label(signal: str) -> str:
    """`git.commits_90d` -> `commits_90d`; `catalog.lifecycle` -> `lifecycle`."""
    for prefix in ("git.", "catalog."):
        if signal.startswith(prefix):
            return signal.removeprefix(prefix)
    return signal


def show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _delta(points: int) -> str:
    return f"{points:+d}"


def _factor_reasons(before: RiskResult, after: RiskResult) -> list[str]:
    old = {fp.factor: fp for fp in before.explanation}
    new = {fp.factor: fp for fp in after.explanation}
    out: list[str] = []
    for name, fp in new.items():
        prev = old.get(name)
        if prev is None:
            out.append(
                f"factor {name} added: {label(fp.signal)} {show(fp.value)} ({_delta(fp.points)})"
            )
        elif fp.points != prev.points and fp.signal != CRITICAL_SIGNAL:
            out.append(
                f"{label(fp.signal)} {show(prev.value)} -> {show(fp.value)} "
                f"({_delta(fp.points - prev.points)})"
            )
        elif fp.points != prev.points and before.critical_chain == after.critical_chain:
            out.append(f"{label(fp.signal)} points {prev.points} -> {fp.points}")
    out += [
        f"factor {name} removed ({_delta(-fp.points)})"
        for name, fp in old.items()
        if name not in new
    ]
    return out


def _critical_points(result: RiskResult) -> int:
    return sum(fp.points for fp in result.explanation if fp.signal == CRITICAL_SIGNAL)


def _state(chain: tuple[str, ...]) -> str:
    return chain_text(chain) if chain else "not on the critical path"


def _critical_reason(before: RiskResult, after: RiskResult) -> list[str]:
    old, new = before.critical_chain, after.critical_chain
    if old == new:
        return []
    if not new:
        text = f"no longer on the critical path (was {_state(old)})"
    else:
        text = f"critical-path now {_state(new)}"
        if old and _state(old) != _state(new):
            text += f" (was {_state(old)})"
    diff = _critical_points(after) - _critical_points(before)
    return [text + (f" ({_delta(diff)})" if diff else "")]


def _band_reason(before: RiskResult, after: RiskResult, factors: list[str]) -> list[str]:
    if factors or before.points != after.points or before.computed_level == after.computed_level:
        return []
    return [f"bands changed: {after.points} points now give level {after.computed_level}"]


def _pin_reason(before: RiskResult, after: RiskResult) -> list[str]:
    old, new = before.pinned, after.pinned
    reason = f" ({after.pin_reason})" if after.pin_reason else ""
    if old == new:
        return []
    if new is None:
        return [f"pin {old} removed"]
    if old is None:
        return [f"pinned at {new}{reason}"]
    return [f"pin {old} -> {new}{reason}"]


def _stability_reason(before: RiskResult, after: RiskResult, snapshots: int) -> list[str]:
    state, prev = after.stability, before.stability
    if state is not None and state.pending is not None:
        return [
            f"raw {after.computed_level}, held at {state.stable} "
            f"({state.count} of {snapshots} snapshots)"
        ]
    if prev is not None and prev.pending is not None and after.stable_level != prev.stable:
        return [f"held change to {after.stable_level} now in force"]
    return []


def explain_change(
    before: RiskResult,
    after: RiskResult,
    settings: StabilitySettings = DEFAULT_STABILITY,
) -> RequiredChange:
    """Why the required level in force went from `before.level` to `after.level`."""
    factors = _factor_reasons(before, after)
    reasons = (
        factors
        + _critical_reason(before, after)
        + _band_reason(before, after, factors)
        + _pin_reason(before, after)
        + _stability_reason(before, after, settings.snapshots)
    )
    return RequiredChange(before.level, after.level, tuple(reasons))
