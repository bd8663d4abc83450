"""`rung risk show` and `rung risk calibrate` as tables."""

from __future__ import annotations

from typing import Any

from rung.assess.calibrate import Calibration
from rung.assess.changes import show
from rung.assess.policy_view import PolicyView
from rung.report.planning import Report
from rung.report.tabular import Table


def policy_report(view: PolicyView) -> Report:
    factors = Table(
        f"Risk policy in force (model {view.model}, workspace {view.workspace or 'none'})",
        ("factor", "signal", "points", "source"),
        tuple(
            (
                f.name,
                f.signal,
                ", ".join(f"{show(k)}: {v}" for k, v in f.points.items()),
                f.source,
            )
            for f in view.factors
        )
        + tuple((name, "", "removed", source) for name, source in view.removed),
    )
    bands = Table(
        f"Total points -> required level ({view.bands_source})",
        ("points", "level"),
        tuple(view.bands.items()),
    )
    stability = Table(
        f"Stability ({view.stability_source})",
        ("margin (points past a band edge)", "snapshots (consecutive, to move anyway)"),
        ((view.stability.margin, view.stability.snapshots),),
    )
    return Report((factors, bands, stability), view.to_json())


def calibration_report(cal: Calibration, snapshot: dict[str, Any]) -> Report:
    spread = Table(
        "Required levels under the policy in force",
        ("level", "services"),
        tuple(cal.counts.items()),
    )
    moves = Table(
        "Moving a band edge by one point",
        ("edge", "level", "move", "new edge", "services per level", "services that change"),
        tuple(
            (
                m.edge,
                m.level,
                f"{m.delta:+d}",
                m.new_edge,
                " ".join(f"L{k}:{v}" for k, v in m.counts.items()),
                ", ".join(f"{x.name} {x.before}->{x.after}" for x in m.moved) or "none",
            )
            for m in cal.moves
        ),
    )
    doc = {
        "snapshot": snapshot,
        "counts": {str(k): v for k, v in cal.counts.items()},
        "levels": dict(cal.levels),
        "moves": [
            {
                "edge": m.edge,
                "level": m.level,
                "delta": m.delta,
                "new_edge": m.new_edge,
                "counts": {str(k): v for k, v in m.counts.items()},
                "moved": [{"service": x.name, "from": x.before, "to": x.after} for x in m.moved],
            }
            for m in cal.moves
        ],
    }
    return Report((spread, moves), doc)
