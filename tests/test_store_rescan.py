"""A no-change rescan's storage (#5): a reused service's findings are copied from its
previous row and its commit history kept as stored; what is stored is exactly what
writing every value again stores, on SQLite and on PostgreSQL (see conftest.db_url)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from rung.assess.service import ServiceAssessment, assess_service
from rung.catalog.discover import discover
from rung.catalog.entity import Link, Service, ServiceSource
from rung.checks.base import Evidence, Finding, Status
from rung.collect import gitblob
from rung.collect.facts import GitFacts
from rung.incremental import PreviousScans, cache_key, catalog_json, reuse
from rung.model.loader import LoadedModel, load_model
from rung.scanner import Prior, ScanResult, run_scan
from rung.store import codec
from rung.store.api import Store
from storekit import AS_OF, build_portfolio, write_model

WHEN = datetime.fromisoformat(AS_OF).replace(tzinfo=UTC)


def _services() -> list[Service]:
    """Catalog entries with every kind of field value a descriptor can bring."""
    plain = Service(name="plain", repo_path="/r/p", repo_name="p")
    rich = Service(
        name="carts",
        repo_path="/r/carts",
        repo_name="carts",
        root="svc/carts",
        repo_url="https://git.example.com/shop/carts.git",
        source=ServiceSource.CENTRAL,
        owner="team-checkout",
        critical_path=False,
        required_level_pin=3,
        required_level_reason="PCI — scope ✓",
        annotations={"z": "1", "a": "https://bob:tok3n@git.example.com/x.git"},
        labels={"tier": "1", "b": ""},
        tags=("java", "cart"),
        links=(Link("https://runbook", "Runbook", "runbook"), Link("https://x@y/z")),
        depends_on=("component:orders",),
        descriptor={
            "kind": "Component",
            "metadata": {"name": "carts", "created": date(2024, 1, 2), "n": [1, 2.5, None]},
            "spec": {"owner": "ann@example.com", "nested": [{"b": True, "a": [[]]}], "e": {}},
            "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            "blob": b"\x00\x01",
        },
    )
    return [plain, rich, replace(rich, links=(), descriptor={"ünï": "cödé", "k": {"x": [{}]}})]


def test_catalog_json_equals_json_of_asdict(tmp_path: Path) -> None:
    build_portfolio(tmp_path)
    found = discover([str(tmp_path / "repos")])
    services = [s for svcs in found.by_repository().values() for s in svcs] + _services()
    assert len(services) == 6
    for s in services:
        assert catalog_json(s) == json.dumps(asdict(s), sort_keys=True, default=str)
        old = json.dumps(asdict(s), sort_keys=True, default=str)
        text_ = "\n".join(("h" * 40, s.root, "model", "suite", old))
        import hashlib

        assert cache_key(s, "h" * 40, "model", "suite") == (
            "sha256:" + hashlib.sha256(text_.encode()).hexdigest()
        )


def test_service_json_equals_scrubbed_asdict(tmp_path: Path) -> None:
    build_portfolio(tmp_path)
    found = discover([str(tmp_path / "repos")])
    services = [s for svcs in found.by_repository().values() for s in svcs] + _services()
    for s in services:
        expected = codec.dumps(codec.scrubbed(asdict(s)))
        assert codec.service_to_json(s) == expected
        assert codec.service_from_json(expected) == codec.service_from_json(
            codec.service_to_json(s)
        )
    assert "tok3n" not in codec.service_to_json(services[-2])


def test_a_stored_history_encodes_back_to_the_same_blob() -> None:
    commits = tuple((1_700_000_000 - i * 3600, f"dev{i % 7}@example.com") for i in range(500))
    for git in (
        GitFacts(available=True, head="a" * 40, commits=commits, tags=("v1",)),
        GitFacts(available=True, head="b" * 40, commits=commits[:1]),
        GitFacts(available=False, reason="not a git repository"),
    ):
        blob = gitblob.git_to_blob(git)
        assert gitblob.git_from_blob(blob) == git
        assert gitblob.git_to_blob(gitblob.git_from_blob(blob)) == blob  # a copy is a re-encode


def test_findings_read_back_equal_rows_share_one_object() -> None:
    read = codec.FindingReader()
    a = read("x.check", "fail", "no file", '[["a.txt",3,"here"],["b",null,""]]')
    assert a == Finding(
        "x.check", Status.FAIL, "no file", (Evidence("a.txt", 3, "here"), Evidence("b", None, ""))
    )
    assert read("x.check", "fail", "no file", '[["a.txt",3,"here"],["b",null,""]]') is a
    assert read("x.check", "pass", "", "[]") == Finding("x.check", Status.PASS)
    assert codec.evidence_to_json(()) == codec.dumps([])


# ----- whole snapshots -------------------------------------------------------------------


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    build_portfolio(tmp_path)
    write_model(tmp_path)
    return tmp_path


def _model(root: Path) -> LoadedModel:
    return load_model(str(root / "model.yaml"))


def _scan(root: Path, previous: PreviousScans | None = None) -> ScanResult:
    return run_scan(
        [str(root / "repos")],
        _model(root),
        as_of=WHEN,
        live=False,
        jobs=1,
        prior=Prior(previous=previous),
    )


def _rows(url: str, sid: int) -> dict[str, Any]:
    """Everything stored for snapshot `sid`, by service name (no row ids)."""
    engine = create_engine(url)
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        cols = [
            "name", "head", "cache_key", "reused", "service", "signals", "stack", "notes",
            "git", "achieved", "required", "risk", "overrides", "gaps",
        ]  # fmt: skip
        for row in conn.execute(
            text(f"SELECT id, {', '.join(cols)} FROM snapshot_services WHERE snapshot_id = :s"),
            {"s": sid},
        ):
            values = dict(zip(cols, row[1:], strict=True))
            values["git"] = None if values["git"] is None else bytes(values["git"])
            for table, key in (
                ("snapshot_findings", "check_id, status, message, evidence"),
                ("snapshot_areas", "area_id, pillar_id, achieved, required, gaps, unmet"),
                ("snapshot_pillars", "pillar_id, achieved"),
            ):
                values[table] = [
                    tuple(r)
                    for r in conn.execute(
                        text(f"SELECT {key} FROM {table} WHERE service_pk = :pk ORDER BY 1"),
                        {"pk": row[0]},
                    )
                ]
            out[values.pop("name")] = values
    engine.dispose()
    return out


_SCAN_PART = (
    "head", "cache_key", "reused", "service", "signals", "stack", "notes", "git",
    "snapshot_findings",
)  # fmt: skip


def _scan_part(rows: dict[str, Any]) -> dict[str, Any]:
    """What the scans stored (not how they were assessed)."""
    return {name: {k: v[k] for k in _SCAN_PART} for name, v in rows.items()}


def _write_values(url: str, result: ScanResult) -> int:
    """Store `result` with every value written: through a store that read no previous
    scans, its scans pointing at no stored row."""
    plain = [replace(a, scan=replace(a.scan, stored=None)) for a in result.assessments]
    with Store.open(url) as store:
        return store.save(replace(result, assessments=plain))


def _reused(store: Store, root: Path, changed: dict[str, Finding] | None = None) -> ScanResult:
    """Reused scans of every service, kept in memory (each knows its stored row)."""
    model = _model(root)
    previous = store.previous_scans(model.hash)
    found = discover([str(root / "repos")])
    scans = [
        reuse(previous[s.name], s, WHEN, False, previous.as_of)
        for svcs in found.by_repository().values()
        for s in svcs
    ]
    assessments: list[ServiceAssessment] = [assess_service(model.model, s) for s in scans]
    assessments.sort(key=lambda a: a.name)
    return ScanResult(model, WHEN, WHEN, WHEN, assessments)


def test_a_rescan_stores_what_writing_every_value_stores(portfolio: Path, db_url: str) -> None:
    with Store.open(db_url) as store, _copies(store) as copies:
        first = store.save(_scan(portfolio))
        rescan = _scan(portfolio, store.previous_scans(_model(portfolio).hash))
        assert {a.scan.reused for a in rescan.assessments} == {True}
        copied = store.save(rescan)  # the spool keeps no row: found through previous_scans
        reused = _reused(store, portfolio)
        assert all(a.scan.stored is not None for a in reused.assessments)
        by_reference = store.save(reused)  # each scan names its row
        assert copies == [3, 3]
        written = _write_values(db_url, reused)
        assert copies == [3, 3]
        scans = {sid: store.load(sid).scans for sid in (first, copied, by_reference, written)}
    rows = {sid: _rows(db_url, sid) for sid in scans}
    assert rows[by_reference] == rows[written]
    assert _scan_part(rows[copied]) == _scan_part(rows[written])  # assessed alike or not
    for name, values in rows[written].items():
        old = rows[first][name]
        assert values["snapshot_findings"] == old["snapshot_findings"]
        assert values["git"] == old["git"] and values["git"] is not None
    assert scans[copied] == scans[by_reference] == scans[written] != ()
    assert [s.git for s in scans[copied]] == [s.git for s in scans[first]]


def test_a_changed_live_finding_is_written_and_the_rest_copied(
    portfolio: Path, db_url: str
) -> None:
    up = Finding("live.health", Status.PASS, "answered 200", (Evidence("https://h/x", None, "ok"),))
    result = _scan(portfolio)
    assert all("live.health" in a.scan.findings for a in result.assessments)
    earlier = replace(
        result,
        assessments=[
            replace(a, scan=replace(a.scan, findings={**a.scan.findings, "live.health": up}))
            for a in result.assessments
        ],
    )
    with Store.open(db_url) as store, _copies(store) as copies:
        store.save(earlier)
        again = _scan(portfolio, store.previous_scans(_model(portfolio).hash))
        compared = store.save(again)  # found through previous_scans, findings compared
        assert copies == [3]
        store.save(earlier)  # equal to the rows previous_scans read: copied as well
        assert copies == [3, 3]
        reused = _reused(store, portfolio)
        for a in reused.assessments:
            assert a.scan.stored is not None and a.scan.stored.replaced == ("live.health",)
            assert a.scan.findings["live.health"] != up
        by_reference = store.save(reused)
        assert copies == [3, 3, 3]
        written = _write_values(db_url, reused)
        loaded = {sid: store.load(sid).scans for sid in (by_reference, written, compared)}
    expected = [dict(a.scan.findings) for a in reused.assessments]
    for sid, scans in loaded.items():
        assert [dict(s.findings) for s in scans] == expected, sid
    assert _rows(db_url, by_reference) == _rows(db_url, written)
    assert _scan_part(_rows(db_url, compared)) == _scan_part(_rows(db_url, written))


@contextmanager
def _copies(store: Store) -> Iterator[list[int]]:
    """The number of rows each copy of stored findings names (observed on the engine)."""
    seen: list[int] = []

    def count(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO snapshot_findings") and "SELECT" in statement:
            seen.append(len(params) if many else 1)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_rows_gone_before_the_write_mean_values(portfolio: Path, db_url: str) -> None:
    with Store.open(db_url) as store:
        store.save(_scan(portfolio))
        reused = _reused(store, portfolio)  # points at snapshot 1's rows
        store.save(_scan(portfolio))
        assert store.prune(keep=1) == [1]  # those rows are deleted
        with _copies(store) as copies:
            sid = store.save(reused)
        assert copies == []
        written = _write_values(db_url, reused)
        stored = store.load(sid).scans
    assert [dict(s.findings) for s in stored] == [dict(a.scan.findings) for a in reused.assessments]
    assert _rows(db_url, sid) == _rows(db_url, written)
    assert all(s.git is not None and s.git.commits for s in stored)


def test_a_stored_history_is_the_history_it_decodes_to() -> None:
    import pickle
    from dataclasses import fields

    from rung.collect.signals import git_signals

    commits = tuple((1_770_000_000 - i * 86_400, f"dev{i % 3}@example.com") for i in range(50))
    git = GitFacts(available=True, head="c" * 40, commits=commits, tags=("v1", "v2"))
    blob = gitblob.git_to_blob(git)
    assert blob is not None
    stored = gitblob.StoredGit(blob)
    assert isinstance(stored, GitFacts)
    for f in fields(GitFacts):  # every field, also one added later
        assert getattr(stored, f.name) == getattr(git, f.name), f.name
    assert stored == git and git == stored and hash(stored) == hash(git)
    assert stored != replace(git, tags=()) and replace(git, tags=()) != stored
    assert stored == gitblob.StoredGit(blob) and asdict(stored) == asdict(git)
    assert repr(stored) == repr(git)
    again = pickle.loads(pickle.dumps(stored))
    assert isinstance(again, gitblob.StoredGit) and again.blob == blob and again == git
    assert gitblob.git_to_blob(stored) == blob == gitblob.git_to_blob(git)
    packed = gitblob.packed(git)  # what a worker hands on: the blob, made once
    assert isinstance(packed, gitblob.StoredGit) and packed.blob == blob and packed == git
    assert gitblob.packed(packed) is packed and len(pickle.dumps(packed)) < len(blob) + 100
    assert git_signals(stored, WHEN) == git_signals(git, WHEN)


def test_a_rescan_at_another_as_of_recomputes_signals_from_the_stored_history(
    portfolio: Path, db_url: str
) -> None:
    later = datetime(2026, 9, 1, tzinfo=UTC)
    with Store.open(db_url) as store:
        store.save(_scan(portfolio))
        previous = store.previous_scans(_model(portfolio).hash)
        rescan = run_scan(
            [str(portfolio / "repos")], _model(portfolio), as_of=later, live=False, jobs=1,
            prior=Prior(previous=previous),
        )  # fmt: skip
        assert all(a.scan.reused for a in rescan.assessments)
        sid = store.save(rescan)
        stored = store.load(sid).scans
    full = run_scan([str(portfolio / "repos")], _model(portfolio), as_of=later, live=False, jobs=1)
    assert [s.signals for s in stored] == [a.scan.signals for a in full.assessments]
    assert [s.git for s in stored] == [a.scan.git for a in full.assessments]
    assert [a.scan.signals for a in rescan.assessments] != [
        a.scan.signals for a in _scan(portfolio).assessments
    ]


def test_a_reused_scan_shares_the_previous_findings_unless_a_live_check_differs(
    portfolio: Path, db_url: str
) -> None:
    up = Finding("live.health", Status.PASS, "answered 200", (Evidence("https://h/x", None, "ok"),))
    with Store.open(db_url) as store:
        store.save(_scan(portfolio))
        previous = store.previous_scans(_model(portfolio).hash)
    found = discover([str(portfolio / "repos")])
    for s in (s for svcs in found.by_repository().values() for s in svcs):
        old = previous[s.name]
        same = reuse(old, s, WHEN, False, previous.as_of)
        assert same.findings is old.findings and same.stored == old.stored
        changed = replace(old, findings={**old.findings, "live.health": up})
        again = reuse(changed, s, WHEN, False, previous.as_of)
        assert again.findings == {**old.findings, "live.health": old.findings["live.health"]}
        assert again.findings is not changed.findings
        assert again.stored is not None and again.stored.replaced == ("live.health",)


def test_previous_scans_equal_the_stored_scans(portfolio: Path, db_url: str) -> None:
    with Store.open(db_url) as store:
        sid = store.save(_scan(portfolio))
        previous = store.previous_scans(_model(portfolio).hash)
        stored = {s.service.name: s for s in store.load(sid).scans}
    assert isinstance(previous, PreviousScans) and previous.snapshot_id == sid
    assert previous.as_of == WHEN and dict(previous) == stored != {}
    plain = PreviousScans.of(stored)
    assert dict(plain) == stored and plain.as_of is None and PreviousScans.of(previous) is previous
    for name, scan in stored.items():
        other = replace(scan.service, owner="someone-else")
        assert previous.scan_for(name, other) == replace(scan, service=other)
        assert previous.cache_key(name) == plain.cache_key(name) == scan.cache_key
        assert previous[name].stored is not None and previous.rows[name] == previous[name].stored.pk
    assert previous.cache_key("no-such-service") is None
