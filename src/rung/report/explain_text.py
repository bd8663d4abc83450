"""Terminal text for explained required levels, drift, attestations and waivers (issue 4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rung.assess.critical import chain_text
from rung.assess.explain import Explained, ReportContext
from rung.assess.levels import ExpState, Override
from rung.assess.overrides import iso
from rung.assess.service import ServiceAssessment

if TYPE_CHECKING:
    from rich.console import Console


def _day(iso_text: str | None) -> str:
    return (iso_text or "-")[:10]


def override_text(eid: str, o: Override) -> str:
    ref = f" #{o.id}" if o.id is not None else ""
    if o.kind is ExpState.WAIVED:
        return (
            f"waived{ref} {eid}: {o.note or 'no reason'} (approved by {o.by or '-'}, "
            f"expires {_day(o.expires)})"
        )
    link = f" {o.evidence}" if o.evidence else ""
    note = f": {o.note}" if o.note else ""
    return f"attested{ref} {eid} by {o.by or '-'}{note}{link} (expires {_day(o.expires)})"


def required_lines(a: ServiceAssessment, ex: Explained) -> list[str]:
    """What the required level is made of, beyond the factor points."""
    risk = a.risk
    lines = [f"required level {a.required}: raw {risk.raw_level}, stable {risk.stable_level}"]
    state = risk.stability
    if state is not None and state.pending is not None:
        lines[0] += f" (raw {state.pending} held back, {state.count} snapshot(s) so far)"
    if risk.pinned is not None:
        lines[0] += f", pinned {risk.pinned}"
    if risk.critical_chain:
        lines.append(
            f"critical path: {chain_text(risk.critical_chain)} ({' -> '.join(risk.critical_chain)})"
        )
    if ex.change is not None:
        lines.append(f"since the previous snapshot: {ex.change.text}")
    lines += [d.message for d in ex.drift]
    return lines


def override_lines(a: ServiceAssessment, ex: Explained) -> list[str]:
    lines = [
        override_text(e.id, e.override)
        for r in a.areas.values()
        for e in r.expectations
        if e.override is not None
    ]
    lines += [
        f"expired #{r.id} {r.kind} of {r.expectation} (expired {_day(iso(r.expires_at))}): "
        "no longer counts"
        for r in ex.expired
    ]
    return lines


def print_service_detail(console: Console, a: ServiceAssessment, context: ReportContext) -> None:
    from rich.markup import escape

    ex = context.explain(a)
    for line in required_lines(a, ex):
        console.print(f"  {escape(line)}", highlight=False)
    for line in override_lines(a, ex):
        console.print(f"  [magenta]{escape(line)}[/]", highlight=False)


def print_portfolio_notes(
    console: Console, assessments: Sequence[ServiceAssessment], context: ReportContext
) -> None:
    """Drift flags, waivers in force and expired overrides of the portfolio."""
    from rich.markup import escape

    drift = [d for a in assessments for d in context.explain(a).drift]
    if drift:
        console.print("\n[bold]Drift[/] (required vs achieved):")
        for d in drift:
            console.print(f"  {escape(d.service)}: {escape(d.message)}", highlight=False)
    # Waivers and expired overrides are listed (every report shows them); attestations,
    # which are simply met, are counted: `rung attest list` has the details.
    attested = [
        (a.name, e.id)
        for a in assessments
        for r in a.areas.values()
        for e in r.expectations
        if e.override is not None and e.state is ExpState.ATTESTED
    ]
    lines = [
        f"{a.name}: {line}"
        for a in assessments
        for line in override_lines(a, context.explain(a))
        if not line.startswith("attested")
    ]
    if lines or attested:
        console.print("\n[bold]Attestations and waivers[/]:")
    if attested:
        services = len({name for name, _ in attested})
        console.print(
            f"  {len(attested)} attestations in force for {services} services (rung attest list)",
            highlight=False,
        )
    for line in lines:
        console.print(f"  {escape(line)}", highlight=False)
