"""Evidence rules over findings (checks.md: how pass / not_applicable / unknown count)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from rung.checks.base import Finding, Status
from rung.model.schema import EvidenceRule


class RuleState(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"  # not met: a check could not decide
    ATTEST = "attest"  # only a person can tell


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    state: RuleState
    failing: tuple[str, ...] = ()  # check ids that keep the rule from being met
    unknown: tuple[str, ...] = ()


def _status(findings: Mapping[str, Finding], check_id: str) -> Status:
    f = findings.get(check_id)
    return f.status if f is not None else Status.UNKNOWN


def _all(ids: list[str], findings: Mapping[str, Finding]) -> RuleOutcome:
    statuses = {cid: _status(findings, cid) for cid in ids}
    failing = tuple(c for c, s in statuses.items() if s is Status.FAIL)
    unknown = tuple(c for c, s in statuses.items() if s is Status.UNKNOWN)
    if failing:
        return RuleOutcome(RuleState.UNMET, failing, unknown)
    if unknown:
        return RuleOutcome(RuleState.UNKNOWN, (), unknown)
    return RuleOutcome(RuleState.MET)


def _any(ids: list[str], findings: Mapping[str, Finding]) -> RuleOutcome:
    statuses = {cid: _status(findings, cid) for cid in ids}
    values = set(statuses.values())
    if Status.PASS in values or values == {Status.NOT_APPLICABLE}:
        return RuleOutcome(RuleState.MET)
    unknown = tuple(c for c, s in statuses.items() if s is Status.UNKNOWN)
    failing = tuple(c for c, s in statuses.items() if s is Status.FAIL)
    if unknown:
        return RuleOutcome(RuleState.UNKNOWN, failing, unknown)
    return RuleOutcome(RuleState.UNMET, failing)


def evaluate(rule: EvidenceRule, findings: Mapping[str, Finding]) -> RuleOutcome:
    if rule.attest:
        return RuleOutcome(RuleState.ATTEST)
    parts = []
    if rule.all_:
        parts.append(_all(rule.all_, findings))
    if rule.any_:
        parts.append(_any(rule.any_, findings))
    failing = tuple(c for p in parts for c in p.failing)
    unknown = tuple(c for p in parts for c in p.unknown)
    if any(p.state is RuleState.UNMET for p in parts):
        return RuleOutcome(RuleState.UNMET, failing, unknown)
    if any(p.state is RuleState.UNKNOWN for p in parts):
        return RuleOutcome(RuleState.UNKNOWN, failing, unknown)
    return RuleOutcome(RuleState.MET)
