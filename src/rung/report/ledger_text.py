"""Attestations, waivers and the audit trail as tables and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from rung.assess.overrides import AuditEntry, OverrideKind, OverrideRecord, iso
from rung.report.planning import Report
from rung.report.tabular import Table


def _day(dt: datetime | None) -> str:
    return (iso(dt) or "")[:10]


def overrides_report(records: Sequence[OverrideRecord], kind: OverrideKind, at: datetime) -> Report:
    attest = kind is OverrideKind.ATTESTATION
    headers = (
        ("id", "status", "service", "expectation", "by", "evidence", "note")
        if attest
        else ("id", "status", "service", "expectation", "approver", "reason")
    )
    rows = tuple(
        (
            r.id,
            str(r.status(at)),
            r.service,
            r.expectation,
            r.by,
            *((r.evidence, r.note) if attest else (r.note,)),
            _day(r.created_at),
            _day(r.expires_at),
            r.actor,
            _day(r.revoked_at) or None,
        )
        for r in records
    )
    title = f"{'Attestations' if attest else 'Waivers'} (status as of {_day(at)})"
    table = Table(title, (*headers, "recorded", "expires", "actor", "revoked"), rows)
    doc = {
        "as_of": iso(at),
        "kind": str(kind),
        "records": [r.to_json(at) for r in records],
    }
    return Report((table,), doc)


def audit_report(entries: Sequence[AuditEntry]) -> Report:
    rows = tuple(
        (
            e.id,
            iso(e.at),
            e.actor,
            e.action,
            f"{e.entity} {e.entity_id}",
            json.dumps({k: v[1] for k, v in e.changes.items()}, ensure_ascii=False),
        )
        for e in entries
    )
    table = Table("Audit trail", ("#", "at", "actor", "action", "record", "set"), rows)
    return Report((table,), {"audit": [e.to_json() for e in entries]})
