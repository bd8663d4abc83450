"""Store methods for attestations, waivers, goals, the audit trail and report context
(issue 4). `rung.store.api.Store` inherits them; the CLI and the web call these, never SQL.

    store.attest("carts", "security/pen-test", by="ann", evidence=URL, expires="90d",
                 actor="ann")
    store.waive("carts", "testing/load-tests", reason="...", approver="cto", expires="2027-01-31",
                actor="bob")
    store.revoke(OverrideKind.WAIVER, 3, actor="bob", reason="fixed")
    store.overrides_in_force(as_of)        # what `rung scan` passes to run_scan
    store.add_goal("pay-l2", "team=payments", ["testing"], 2, "2027-03-31", actor="ann")
    store.goal_progress()                  # every goal's progress over the snapshots
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rung.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rung.assess.drift import Drift
    from rung.assess.explain import Previous, ReportContext
    from rung.assess.goals import GoalProgress, SnapshotLevels
    from rung.assess.levels import Override
    from rung.assess.overrides import AuditEntry, OverrideKind, OverrideRecord
    from rung.model.workspace import StabilitySettings
    from rung.store.ledger import GoalRecord


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def _clean(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise UsageError(f"{what} must not be empty")
    return text


class LedgerMethods:
    engine: Engine
    lock_timeout: float

    # ----- attestations and waivers ----------------------------------------------------

    def _check_target(self, service: str, expectation: str, kind: OverrideKind) -> None:
        from sqlalchemy import select

        from rung.assess.overrides import check_target
        from rung.store.engine import read_connection
        from rung.store.read import load_model, snapshot_info
        from rung.store.schema import ServiceRow

        with read_connection(self.engine) as conn:
            info = snapshot_info(conn, None)
            model = load_model(conn, info.model_pk).model
            names = conn.execute(
                select(ServiceRow.name).where(ServiceRow.snapshot_id == info.id)
            ).scalars()
            check_target(model, list(names), service, expectation, kind)

    def _record(
        self,
        kind: OverrideKind,
        service: str,
        expectation: str,
        *,
        by: str,
        evidence: str,
        note: str,
        expires: str | datetime,
        actor: str,
        now: datetime | None,
    ) -> OverrideRecord:
        from rung.assess.overrides import parse_expiry
        from rung.store.ledger import add_override

        now = _now(now)
        self._check_target(service, expectation, kind)
        expires_at = expires if isinstance(expires, datetime) else parse_expiry(expires, now)
        return add_override(
            self.engine,
            kind=kind,
            service=service,
            expectation=expectation,
            by=_clean(by, "who attests / approves"),
            evidence=evidence.strip(),
            note=note.strip(),
            expires_at=expires_at.astimezone(UTC),
            actor=_clean(actor, "the actor"),
            now=now,
            lock_timeout=self.lock_timeout,
        )

    def attest(
        self,
        service: str,
        expectation: str,
        *,
        by: str,
        evidence: str,
        expires: str | datetime,
        actor: str,
        note: str = "",
        now: datetime | None = None,
    ) -> OverrideRecord:
        """Record that `by` attests `expectation` (an `attest: true` one) for `service`."""
        from rung.assess.overrides import OverrideKind

        return self._record(
            OverrideKind.ATTESTATION,
            service,
            expectation,
            by=by,
            evidence=_clean(evidence, "--evidence"),
            note=note,
            expires=expires,
            actor=actor,
            now=now,
        )

    def waive(
        self,
        service: str,
        expectation: str,
        *,
        reason: str,
        approver: str,
        expires: str | datetime,
        actor: str,
        now: datetime | None = None,
    ) -> OverrideRecord:
        """Record an accepted exception for `expectation` of `service`."""
        from rung.assess.overrides import OverrideKind

        return self._record(
            OverrideKind.WAIVER,
            service,
            expectation,
            by=approver,
            evidence="",
            note=_clean(reason, "--reason"),
            expires=expires,
            actor=actor,
            now=now,
        )

    def revoke(
        self,
        kind: OverrideKind,
        override_id: int,
        *,
        actor: str,
        reason: str = "",
        now: datetime | None = None,
    ) -> OverrideRecord:
        from rung.store.ledger import revoke_override

        return revoke_override(
            self.engine,
            override_id,
            kind=kind,
            actor=_clean(actor, "the actor"),
            reason=reason.strip(),
            now=_now(now),
            lock_timeout=self.lock_timeout,
        )

    def overrides(
        self, kind: OverrideKind | None = None, service: str | None = None
    ) -> list[OverrideRecord]:
        """Every attestation and/or waiver ever recorded, by id."""
        from rung.store.engine import read_connection
        from rung.store.ledger import list_overrides

        with read_connection(self.engine) as conn:
            return list_overrides(conn, kind, service)

    def overrides_in_force(self, as_of: datetime) -> dict[str, dict[str, Override]]:
        """What counts for a scan at `as_of`: by service, then expectation id."""
        from rung.assess.overrides import in_force

        return in_force(self.overrides(), as_of)

    def audit_trail(
        self, entity: str | None = None, entity_id: int | None = None
    ) -> list[AuditEntry]:
        from rung.store.engine import read_connection
        from rung.store.ledger import audit_trail

        with read_connection(self.engine) as conn:
            return audit_trail(conn, entity, entity_id)

    # ----- goals -----------------------------------------------------------------------

    def add_goal(
        self,
        name: str,
        services: str,
        areas: Sequence[str],
        level: int,
        due: str | datetime,
        *,
        actor: str,
        description: str = "",
        now: datetime | None = None,
    ) -> GoalRecord:
        """Record a goal, checked against the latest snapshot's model."""
        from rung.assess.goals import Goal, check_goal, parse_filter
        from rung.assess.overrides import parse_expiry
        from rung.store.engine import read_connection
        from rung.store.ledger import add_goal
        from rung.store.read import load_model, snapshot_info

        now = _now(now)
        goal = Goal(
            name=_clean(name, "the goal name"),
            services=parse_filter(services),
            areas=tuple(dict.fromkeys(a.strip() for a in areas if a.strip())),
            level=level,
            due=due if isinstance(due, datetime) else parse_expiry(due, now, "--by"),
            description=description.strip(),
        )
        with read_connection(self.engine) as conn:
            model = load_model(conn, snapshot_info(conn, None).model_pk).model
        check_goal(goal, [a.id for _p, a in model.areas()], model.max_level())
        return add_goal(
            self.engine,
            goal,
            actor=_clean(actor, "the actor"),
            now=now,
            lock_timeout=self.lock_timeout,
        )

    def goals(self) -> list[GoalRecord]:
        from rung.store.engine import read_connection
        from rung.store.ledger import list_goals

        with read_connection(self.engine) as conn:
            return list_goals(conn)

    def goal(self, name: str) -> GoalRecord:
        from rung.store.engine import read_connection
        from rung.store.ledger import get_goal

        with read_connection(self.engine) as conn:
            return get_goal(conn, name)

    def goal_snapshots(self) -> list[SnapshotLevels]:
        from rung.store.context import goal_snapshots
        from rung.store.engine import read_connection

        with read_connection(self.engine) as conn:
            return goal_snapshots(conn)

    def goal_progress(self, name: str | None = None) -> list[GoalProgress]:
        """Every goal's progress over the stored snapshots (or one goal's)."""
        from rung.assess.goals import progress

        records = [self.goal(name)] if name is not None else self.goals()
        snaps = self.goal_snapshots()
        return [progress(r.goal, snaps) for r in records]

    # ----- report context ----------------------------------------------------------------

    def previous_services(self, snapshot_id: int | None = None) -> dict[str, Previous]:
        """The snapshot before `snapshot_id` (None: the latest, before a new scan)."""
        from rung.store.context import previous_services
        from rung.store.engine import read_connection

        with read_connection(self.engine) as conn:
            return previous_services(conn, snapshot_id)

    def drift_by_snapshot(self) -> dict[int, list[Drift]]:
        from rung.store.context import drift_by_snapshot
        from rung.store.engine import read_connection

        with read_connection(self.engine) as conn:
            return drift_by_snapshot(conn)

    def report_context(
        self,
        snapshot_id: int | None,
        *,
        as_of: datetime,
        recorded_by: datetime,
        stability: StabilitySettings | None = None,
    ) -> ReportContext:
        """What a report of snapshot `snapshot_id` (None: a scan about to be stored) says
        beyond its levels: changes against the snapshot before, drift, expired overrides."""
        from rung.assess.explain import ReportContext
        from rung.assess.stability import DEFAULT_STABILITY
        from rung.store.context import expired_overrides, previous_services
        from rung.store.engine import read_connection

        with read_connection(self.engine) as conn:
            return ReportContext(
                previous_services(conn, snapshot_id),
                tuple(expired_overrides(conn, as_of, recorded_by)),
                stability or DEFAULT_STABILITY,
            )
