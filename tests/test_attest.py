"""Attestations and waivers (issue 4): validation, counting until expiry (relative to each
scan's as-of time), waived shown as waived, revocation, old snapshots keeping what was in
force then, and the append-only audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gitrepo import Repo
from riskkit import by_name, cli_json, descriptor, scan, write_model
from rung.assess.levels import ExpState
from rung.assess.overrides import (
    OverrideKind,
    OverrideRecord,
    expired,
    in_force,
    parse_expiry,
)
from rung.errors import UsageError
from rung.store.api import Store
from storekit import rung

AS_OF = "2026-03-01"


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """api (team-a, critical path: requires 2): README, Makefile, Dockerfile; the runbook
    review (L2, attest: true) awaits attestation. worker (team-b, requires 1): README,
    Dockerfile, no Makefile."""
    repos = tmp_path / "repos"
    Repo(repos / "api").commit(
        {
            "catalog-info.yaml": descriptor("api", annotations={"rung.dev/critical-path": "true"}),
            "README.md": "# api\n",
            "Makefile": "all:\n",
            "Dockerfile": "FROM scratch\n",
        },
        date="2026-02-01T10:00:00+00:00",
    )
    Repo(repos / "worker").commit(
        {
            "catalog-info.yaml": descriptor("worker", owner="team-b"),
            "README.md": "# worker\n",
            "Dockerfile": "FROM scratch\n",
        },
        date="2026-02-01T10:00:00+00:00",
    )
    write_model(tmp_path)
    return tmp_path


def _attest(db: str, *extra: str) -> tuple[int, str, str]:
    return rung(
        "attest", "api", "containers/review", "--by", "ann", "--evidence",
        "https://wiki.example.com/runbook-review", "--actor", "ann", "--db", db, *extra,
    )  # fmt: skip


def _containers(doc: dict[str, Any], name: str) -> dict[str, Any]:
    area: dict[str, Any] = by_name(doc)[name]["areas"]["containers"]
    return area


# ----- validation ----------------------------------------------------------------------------


def test_refuses_unknown_services_expectations_and_attesting_checked_ones(
    portfolio: Path, db_url: str
) -> None:
    code, _, err = _attest(db_url, "--expires", "90d")
    assert code == 2 and "no snapshots yet" in err
    scan(portfolio, db_url, AS_OF)
    cases = [
        (
            ("attest", "nope", "containers/review", "--by", "a", "--evidence", "u"),
            "unknown service 'nope' (not in the latest snapshot: api, worker)",
        ),
        (
            ("attest", "api", "containers/nope", "--by", "a", "--evidence", "u"),
            "unknown expectation 'containers/nope' in model risk-test",
        ),
        (
            ("attest", "api", "build/make", "--by", "a", "--evidence", "u"),
            "build/make is checked from evidence (custom.makefile): only expectations "
            "marked `attest: true` can be attested; record an accepted exception with "
            "`rung waive` instead",
        ),
        (
            ("waive", "worker", "build/nope", "--reason", "r", "--approver", "a"),
            "unknown expectation 'build/nope'",
        ),
        (
            ("waive", "worker", "build/make", "--reason", " ", "--approver", "a"),
            "--reason must not be empty",
        ),
    ]
    for args, message in cases:
        code, _, err = rung(*args, "--expires", "90d", "--db", db_url)
        assert code == 2, args
        assert message in err, err
    code, _, err = _attest(db_url, "--expires", "soon")
    assert code == 2 and "give a number of days (90d) or an ISO date" in err
    with Store.open(db_url) as store:
        assert store.overrides() == [] and store.audit_trail() == []


# ----- attestations ------------------------------------------------------------------------


def test_an_attestation_counts_until_it_expires(portfolio: Path, db_url: str) -> None:
    first = scan(portfolio, db_url, AS_OF)
    assert _containers(first, "api")["awaiting_attestation"] == ["containers/review"]
    assert by_name(first)["api"]["level"]["achieved"] == 1
    code, out, err = _attest(db_url, "--expires", "2026-06-01", "--note", "reviewed in Q1")
    assert code == 0, err
    assert out.startswith("attestation #1 recorded: api containers/review, expires 2026-06-01")
    # it counts from the next scan, while the scan's as-of is before the expiry
    second = scan(portfolio, db_url, "2026-04-01")
    api = by_name(second)["api"]
    assert _containers(second, "api")["attested"] == ["containers/review"]
    assert _containers(second, "api")["awaiting_attestation"] == []
    assert api["level"]["achieved"] == 4
    assert api["overrides"] == {
        "in_force": [
            {
                "expectation": "containers/review",
                "kind": "attested",
                "id": 1,
                "by": "ann",
                "note": "reviewed in Q1",
                "evidence": "https://wiki.example.com/runbook-review",
                "expires": "2026-06-01T00:00:00Z",
            }
        ],
        "expired": [],
    }
    # a scan as of after the expiry: not met any more, and listed as expired
    third = scan(portfolio, db_url, "2026-07-01")
    api = by_name(third)["api"]
    assert _containers(third, "api")["attested"] == []
    assert _containers(third, "api")["awaiting_attestation"] == ["containers/review"]
    assert api["level"]["achieved"] == 1
    assert api["overrides"]["in_force"] == []
    assert [(r["id"], r["expectation"]) for r in api["overrides"]["expired"]] == [
        (1, "containers/review")
    ]
    code, out, _ = rung("service", "api", "--db", db_url)
    assert "expired #1 attestation of containers/review (expired 2026-06-01)" in out
    # the list marks it by the date asked (default: now)
    active = cli_json("attest", "list", "--as-of", "2026-05-01", "--format", "json", "--db", db_url)
    assert [r["status"] for r in active["records"]] == ["active"]
    late = cli_json("attest", "list", "--as-of", "2026-07-01", "--format", "json", "--db", db_url)
    assert [r["status"] for r in late["records"]] == ["expired"]
    # stored snapshots keep what was in force when they were made
    old = cli_json("report", "--snapshot", "2", "--format", "json", "--db", db_url)
    assert _containers(old, "api")["attested"] == ["containers/review"]


# ----- waivers and revocation ---------------------------------------------------------------


def test_a_waiver_is_met_shown_as_waived_and_revocable(portfolio: Path, db_url: str) -> None:
    first = scan(portfolio, db_url, AS_OF)
    assert by_name(first)["worker"]["areas"]["build"]["gaps"] == ["build/make"]
    code, out, err = rung(
        "waive", "worker", "build/make", "--reason", "built by the platform pipeline",
        "--approver", "cto", "--expires", "2099-01-01", "--actor", "bob", "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("waiver #1 recorded: worker build/make, expires 2099-01-01")
    waived = by_name(scan(portfolio, db_url, AS_OF))["worker"]
    assert waived["areas"]["build"]["waived"] == ["build/make"]
    assert waived["areas"]["build"]["gaps"] == []
    assert waived["areas"]["build"]["achieved"] == 4
    (entry,) = waived["overrides"]["in_force"]
    assert (entry["kind"], entry["by"], entry["note"]) == (
        "waived",
        "cto",
        "built by the platform pipeline",
    )
    code, out, _ = rung("report", "--db", db_url)
    assert "waived #1 build/make: built by the platform pipeline (approved by cto" in out
    # revoke: kept, marked, no longer counting at the next scan
    code, _, err = rung("attest", "revoke", "1", "--db", db_url)
    assert code == 2 and "no attestation 1" in err
    code, out, err = rung("waive", "revoke", "1", "--reason", "Makefile added", "--db", db_url)
    assert code == 0, err
    code, _, err = rung("waive", "revoke", "1", "--db", db_url)
    assert code == 2 and "already revoked" in err
    after = by_name(scan(portfolio, db_url, AS_OF))["worker"]
    assert after["areas"]["build"]["waived"] == [] and after["areas"]["build"]["gaps"]
    (record,) = cli_json("waive", "list", "--format", "json", "--db", db_url)["records"]
    assert record["status"] == "revoked" and record["revoke_reason"] == "Makefile added"
    assert record["actor"] == "bob" and record["by"] == "cto"


# ----- the audit trail ----------------------------------------------------------------------


def test_every_write_is_audited_and_nothing_is_deleted(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    assert _attest(db_url, "--expires", "2099-01-01")[0] == 0
    code, _, err = rung(
        "waive", "worker", "build/make", "--reason", "r", "--approver", "cto",
        "--expires", "2099-01-01", "--actor", "bob", "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    assert rung("attest", "revoke", "1", "--actor", "carol", "--db", db_url)[0] == 0
    trail = cli_json("audit", "--format", "json", "--db", db_url)["audit"]
    assert [(e["action"], e["entity"], e["entity_id"], e["actor"]) for e in trail] == [
        ("attest", "attestation", 1, "ann"),
        ("waive", "waiver", 2, "bob"),
        ("revoke", "attestation", 1, "carol"),
    ]
    assert trail[0]["changes"]["evidence"] == [None, "https://wiki.example.com/runbook-review"]
    assert trail[0]["changes"]["expires_at"] == [None, "2099-01-01T00:00:00Z"]
    assert trail[2]["changes"]["revoked_by"] == [None, "carol"]
    only = cli_json("audit", "--entity", "attestation", "--id", "1", "--format", "json",
                    "--db", db_url)  # fmt: skip
    assert [e["action"] for e in only["audit"]] == ["attest", "revoke"]
    # the database itself refuses to rewrite or delete the trail and the records
    with Store.open(db_url) as store:
        for statement in (
            "DELETE FROM audit_log",
            "UPDATE audit_log SET actor = 'mallory'",
            "DELETE FROM overrides",
        ):
            with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(statement))
        assert len(store.audit_trail()) == 3
        assert [r.id for r in store.overrides()] == [1, 2]


def test_credentials_in_evidence_links_are_not_stored(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    code, _, err = rung(
        "attest", "api", "containers/review", "--by", "ann", "--expires", "2099-01-01",
        "--evidence", "https://bob:s3cret@wiki.example.com/x", "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    listed = cli_json("attest", "list", "--format", "json", "--db", db_url)
    assert listed["records"][0]["evidence"] == "https://bob:***@wiki.example.com/x"
    assert "s3cret" not in str(cli_json("audit", "--format", "json", "--db", db_url))


# ----- the rules, by hand ------------------------------------------------------------------


def _rec(i: int, kind: OverrideKind, expires: str, **kw: Any) -> OverrideRecord:
    base: dict[str, Any] = {
        "id": i,
        "kind": kind,
        "service": "api",
        "expectation": "containers/review",
        "by": "ann",
        "evidence": "",
        "note": "",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "expires_at": datetime.fromisoformat(expires).replace(tzinfo=UTC),
        "actor": "ann",
    }
    return OverrideRecord(**{**base, **kw})


def test_in_force_prefers_attestations_then_the_latest_expiry() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    waiver = _rec(1, OverrideKind.WAIVER, "2027-01-01")
    short = _rec(2, OverrideKind.ATTESTATION, "2026-04-01")
    long = _rec(3, OverrideKind.ATTESTATION, "2026-09-01")
    gone = _rec(4, OverrideKind.ATTESTATION, "2026-02-01")
    revoked = _rec(5, OverrideKind.ATTESTATION, "2028-01-01", revoked_at=at)
    got = in_force([waiver, short, long, gone, revoked], at)
    assert got["api"]["containers/review"].id == 3
    assert got["api"]["containers/review"].kind is ExpState.ATTESTED
    assert in_force([waiver, gone], at)["api"]["containers/review"].kind is ExpState.WAIVED
    assert in_force([gone, revoked], at) == {}
    # expired: listed unless renewed by one in force; revoked ones are not listed
    assert [r.id for r in expired([gone, revoked], at, at)] == [4]
    assert expired([gone, long], at, at) == []


def test_expiry_is_days_from_now_or_a_date() -> None:
    now = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    assert parse_expiry("90d", now) == datetime(2027, 2, 24, 7, 30, tzinfo=UTC)
    assert parse_expiry("2027-01-31", now) == datetime(2027, 1, 31, tzinfo=UTC)
    assert parse_expiry("2027-01-31T12:00:00+02:00", now) == datetime(2027, 1, 31, 10, tzinfo=UTC)
    for bad in ("0d", "tomorrow", ""):
        with pytest.raises(UsageError):
            parse_expiry(bad, now)


def test_a_database_of_revision_0001_upgrades_and_downgrades(empty_db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from rung.errors import StorageError
    from rung.store.engine import write_transaction

    def alembic(action: str, target: str) -> None:
        store = Store.open(empty_db_url, migrate=False)
        with store, write_transaction(store.engine, lock_timeout=10) as conn:
            cfg = Config()
            cfg.set_main_option("script_location", "rung.store:migrations")
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, target)

    alembic("upgrade", "0001")
    with pytest.raises(StorageError, match="run `rung db upgrade` first"):
        Store.open(empty_db_url)
    with Store.open(empty_db_url, migrate=False) as store:
        done = store.upgrade()
        assert (done.before, done.after) == ("0001", "0002")
        assert store.overrides() == [] and store.goals() == [] and store.audit_trail() == []
    alembic("downgrade", "0001")  # the triggers and tables go cleanly
    alembic("upgrade", "0002")
    with Store.open(empty_db_url) as store:
        assert store.revision() == "0002"
