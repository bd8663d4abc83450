"""Attestations and waivers (issue 4): the rules, apart from storage.

- `rung attest` is only for expectations whose evidence rule is `attest: true` (what no
  machine can tell); a machine-checked expectation that is not met can only be *waived*
  (an accepted exception with a reason and an approver). Waivers apply to any expectation.
- Both must name a service of the latest snapshot and an expectation id of its model.
- An override counts for a scan when it is recorded and not revoked when the scan runs
  and has not expired at the scan's as-of time (`expires > as_of`). When several are in
  force for the same service and expectation, an attestation wins over a waiver, then
  the one expiring last, then the newest.
- Expiry: `90d` (days from now), or an ISO date / date-time (a date is 00:00 UTC).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from rung.assess.levels import ExpState, Override
from rung.errors import UsageError
from rung.model.schema import Model

_DAYS = re.compile(r"^\s*(\d{1,5})\s*d\s*$")


class OverrideKind(StrEnum):
    ATTESTATION = "attestation"
    WAIVER = "waiver"

    @property
    def state(self) -> ExpState:
        return ExpState.ATTESTED if self is OverrideKind.ATTESTATION else ExpState.WAIVED


class OverrideStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class OverrideRecord:
    """One stored attestation or waiver (never deleted; revoking sets `revoked_at`)."""

    id: int
    kind: OverrideKind
    service: str
    expectation: str
    by: str  # who attests / who approved the waiver
    evidence: str
    note: str  # an attestation's note, a waiver's reason
    created_at: datetime
    expires_at: datetime
    actor: str  # who recorded it
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def status(self, at: datetime) -> OverrideStatus:
        if self.revoked_at is not None:
            return OverrideStatus.REVOKED
        return OverrideStatus.EXPIRED if self.expires_at <= at else OverrideStatus.ACTIVE

    def to_override(self) -> Override:
        return Override(
            self.kind.state,
            by=self.by,
            note=self.note,
            expires=iso(self.expires_at),
            evidence=self.evidence,
            id=self.id,
        )

    def to_json(self, at: datetime | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "kind": str(self.kind),
            "service": self.service,
            "expectation": self.expectation,
            "by": self.by,
            "evidence": self.evidence,
            "note": self.note,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "actor": self.actor,
            "revoked_at": iso(self.revoked_at),
            "revoked_by": self.revoked_by,
            "revoke_reason": self.revoke_reason,
        }
        if at is not None:
            out["status"] = str(self.status(at))
        return out


@dataclass(frozen=True)
class AuditEntry:
    """One write of the append-only audit trail (rung.store.ledger)."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int
    changes: dict[str, list[Any]]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "changes": self.changes,
        }


def iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_expiry(text: str, now: datetime, option: str = "--expires") -> datetime:
    """`90d` -> now + 90 days; `2027-01-31` -> 2027-01-31T00:00Z; a naive time is UTC."""
    m = _DAYS.match(text)
    if m:
        days = int(m.group(1))
        if days < 1:
            raise UsageError(f"{option} {text!r}: at least 1 day")
        return (now + timedelta(days=days)).astimezone(UTC).replace(microsecond=0)
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: give a number of days (90d) or an ISO date (2027-01-31)"
        ) from None
    return (dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)).astimezone(UTC)


def check_target(
    model: Model, services: Iterable[str], service: str, expectation: str, kind: OverrideKind
) -> None:
    """Refuse (UsageError, exit 2) an unknown service or expectation, and an attestation of
    a machine-checked expectation."""
    names = set(services)
    if service not in names:
        shown = ", ".join(sorted(names)[:20]) or "none"
        raise UsageError(f"unknown service {service!r} (not in the latest snapshot: {shown})")
    rules = {f"{a.id}/{e.id}": e.evidence for a, _lvl, e in model.expectations()}
    if expectation not in rules:
        raise UsageError(
            f"unknown expectation {expectation!r} in model {model.id} "
            "(ids are <area>/<slug>; see `rung model show`)"
        )
    if kind is OverrideKind.ATTESTATION and not rules[expectation].attest:
        raise UsageError(
            f"{expectation} is checked from evidence ({', '.join(rules[expectation].check_ids())})"
            ": only expectations marked `attest: true` can be attested; "
            "record an accepted exception with `rung waive` instead"
        )


def _priority(r: OverrideRecord) -> tuple[int, datetime, int]:
    return (1 if r.kind is OverrideKind.ATTESTATION else 0, r.expires_at, r.id)


def in_force(records: Iterable[OverrideRecord], as_of: datetime) -> dict[str, dict[str, Override]]:
    """The overrides that count for a scan at `as_of`, by service then expectation id."""
    best: dict[tuple[str, str], OverrideRecord] = {}
    for r in records:
        if r.status(as_of) is not OverrideStatus.ACTIVE:
            continue
        key = (r.service, r.expectation)
        if key not in best or _priority(r) > _priority(best[key]):
            best[key] = r
    out: dict[str, dict[str, Override]] = {}
    for (svc, eid), r in sorted(best.items()):
        out.setdefault(svc, {})[eid] = r.to_override()
    return out


def expired(
    records: Iterable[OverrideRecord], as_of: datetime, recorded_by: datetime
) -> list[OverrideRecord]:
    """Overrides recorded by `recorded_by`, not revoked by then, whose expiry has passed
    at `as_of`, unless a newer one for the same service and expectation is in force: what
    a snapshot lists as expired."""
    known = [
        r
        for r in records
        if r.created_at <= recorded_by and (r.revoked_at is None or r.revoked_at > recorded_by)
    ]
    renewed = {(r.service, r.expectation) for r in known if r.expires_at > as_of}
    return [r for r in known if r.expires_at <= as_of and (r.service, r.expectation) not in renewed]


def by_service(records: Iterable[OverrideRecord]) -> Mapping[str, list[OverrideRecord]]:
    out: dict[str, list[OverrideRecord]] = {}
    for r in records:
        out.setdefault(r.service, []).append(r)
    return out
