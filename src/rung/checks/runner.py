"""Run checks over facts: an exception in a check becomes `unknown`, never a crashed scan."""

from __future__ import annotations

from collections.abc import Iterable

from rung.checks.base import CheckKind, CheckSpec, Finding, Status
from rung.collect.facts import ServiceFacts


def run_check(spec: CheckSpec, facts: ServiceFacts) -> Finding:
    if facts.collect_error and spec.kind is not CheckKind.CATALOG:
        return Finding(spec.id, Status.UNKNOWN, facts.collect_error)
    try:
        result = spec(facts)
    except Exception as exc:  # a check never sinks a scan
        return Finding(spec.id, Status.UNKNOWN, f"check failed: {type(exc).__name__}: {exc}")
    if result.check_id != spec.id:
        result = Finding(spec.id, result.status, result.message, result.evidence)
    if result.status is Status.PASS and not result.evidence:
        return Finding(spec.id, Status.UNKNOWN, "check passed without naming evidence")
    return result


def run_checks(specs: Iterable[CheckSpec], facts: ServiceFacts) -> dict[str, Finding]:
    return {spec.id: run_check(spec, facts) for spec in specs}
