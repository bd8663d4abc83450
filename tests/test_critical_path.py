"""The critical path through dependencies: dependsOn and consumesApis, transitively,
opt-out with "false", cycles, shortest chain with ties by name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gitrepo import Repo
from portfolio_helper import MODEL, scan, signals
from rung.assess.critical import NOT_CRITICAL, CriticalPath, chain_text, critical_paths
from rung.assess.portfolio import assess_portfolio
from rung.catalog.entity import Service
from rung.model.loader import load_model
from rung.scanner import run_scan


def svc(name: str, **kw: object) -> Service:
    return Service(name, f"/r/{name}", name, **kw)  # type: ignore[arg-type]


def chains(*services: Service) -> dict[str, tuple[str, ...]]:
    return {n: p.chain for n, p in critical_paths(services).items() if p.critical}


def test_declared_and_inherited_through_depends_on_transitively() -> None:
    paths = critical_paths(
        [
            svc("checkout", critical_path=True, depends_on=("payments", "resource:db")),
            svc("payments", depends_on=("ledger",)),
            svc("ledger"),
            svc("search"),
        ]
    )
    assert paths["checkout"] == CriticalPath(True, ("checkout",))
    assert paths["payments"] == CriticalPath(True, ("checkout", "payments"))
    assert paths["ledger"] == CriticalPath(True, ("checkout", "payments", "ledger"))
    assert paths["search"] == NOT_CRITICAL
    assert paths["ledger"].inherited and not paths["checkout"].inherited
    assert chain_text(paths["ledger"].chain) == "inherited from checkout via payments"
    assert chain_text(paths["payments"].chain) == "inherited from checkout"
    assert chain_text(paths["checkout"].chain) == "declared"


def test_consumed_apis_resolve_to_every_provider() -> None:
    assert chains(
        svc("web", critical_path=True, consumes_apis=("prices",)),
        svc("pricing", provides_apis=("prices",)),
        svc("pricing-legacy", provides_apis=("prices", "old")),
        svc("other", provides_apis=("old",)),
    ) == {
        "web": ("web",),
        "pricing": ("web", "pricing"),
        "pricing-legacy": ("web", "pricing-legacy"),
    }


def test_explicit_false_opts_out_and_stops_inheritance() -> None:
    assert chains(
        svc("checkout", critical_path=True, depends_on=("audit", "payments")),
        svc("audit", critical_path=False, depends_on=("archive",)),
        svc("archive"),
        svc("payments", critical_path=None),
    ) == {"checkout": ("checkout",), "payments": ("checkout", "payments")}


def test_cycles_are_safe() -> None:
    assert chains(
        svc("a", critical_path=True, depends_on=("b",)),
        svc("b", depends_on=("c",)),
        svc("c", depends_on=("a", "b", "c")),
        svc("x", depends_on=("y",)),
        svc("y", depends_on=("x",)),
    ) == {"a": ("a",), "b": ("a", "b"), "c": ("a", "b", "c")}


def test_shortest_chain_then_names() -> None:
    # d is reachable from z in one step and from a in two: the shortest wins
    # e is reachable as (a, b, e) and (a, c, e): the first by names wins
    # f is reachable from both roots in one step: root "a" before "z"
    got = chains(
        svc("z", critical_path=True, depends_on=("d", "f")),
        svc("a", critical_path=True, depends_on=("c", "b", "f")),
        svc("b", depends_on=("d", "e")),
        svc("c", depends_on=("e",)),
        svc("d"),
        svc("e"),
        svc("f"),
    )
    assert got["d"] == ("z", "d")
    assert got["e"] == ("a", "b", "e")
    assert got["f"] == ("a", "f")
    assert set(got) == {"z", "a", "b", "c", "d", "e", "f"}


def test_portfolio_feeds_inherited_critical_path_into_the_policy() -> None:
    scans = [
        scan("checkout", sig=signals(10), critical_path=True, depends_on=("payments",)),
        scan("payments", sig=signals(10), depends_on=("pinned", "ledger")),
        scan("solo", sig=signals(10)),
        scan("pinned", sig=signals(10), required_level_pin=1, required_level_reason="legacy"),
        scan("ledger", critical_path=False),
    ]
    by = {a.name: a for a in assess_portfolio(MODEL, scans)}
    # 10 commits: 1 point; critical path: 3 -> 4 points -> level 2
    for name in ("checkout", "payments"):
        expl = {fp.factor: (fp.value, fp.points) for fp in by[name].risk.explanation}
        assert expl["critical_path"] == (True, 3)
        assert (by[name].risk.points, by[name].required) == (4, 2)
    assert by["checkout"].risk.critical_chain == ("checkout",)
    assert by["payments"].risk.critical_chain == ("checkout", "payments")
    assert by["payments"].risk.inherited_from == "checkout"
    assert (by["solo"].risk.points, by["solo"].required, by["solo"].risk.critical_chain) == (
        1,
        1,
        (),
    )
    # a pin wins over the inherited flag, which still shows in the explanation
    pinned = by["pinned"].risk
    assert (pinned.points, pinned.computed_level, pinned.level, pinned.pinned) == (4, 2, 1, 1)
    assert pinned.critical_chain == ("checkout", "payments", "pinned")
    assert by["ledger"].risk.critical_chain == ()
    assert by["ledger"].required == 1


def _descriptor(name: str, critical: str | None = None, spec: str = "") -> str:
    ann = f'  annotations:\n    rung.dev/critical-path: "{critical}"\n' if critical else ""
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata:\n  name: {name}\n{ann}"
        f"spec:\n  type: service\n  owner: team-{name}\n  lifecycle: production\n{spec}"
    )


def test_scan_inherits_critical_path_from_catalog_info(tmp_path: Path) -> None:
    root = tmp_path / "src"
    layout = {
        "checkout": _descriptor("checkout", "true", "  dependsOn: [component:default/payments]\n"),
        "payments": _descriptor(
            "payments", None, "  consumesApis: [ledger-api]\n  dependsOn: [audit]\n"
        ),
        "ledger": _descriptor("ledger", None, "  providesApis: [api:ledger-api]\n"),
        "audit": _descriptor("audit", "false"),
    }
    for name, catalog in layout.items():
        Repo(root / name).commit(
            {"catalog-info.yaml": catalog, "README.md": f"# {name}\n"},
            date="2026-01-10T10:00:00+00:00",
        )
    result = run_scan(
        [str(root)],
        load_model("microservices"),
        as_of=datetime(2026, 2, 1, tzinfo=UTC),
        jobs=1,
        live=False,
    )
    by = {a.name: a.risk for a in result.assessments}
    assert sorted(by) == ["audit", "checkout", "ledger", "payments"]
    assert by["checkout"].critical_chain == ("checkout",)
    assert by["payments"].critical_chain == ("checkout", "payments")
    assert by["ledger"].critical_chain == ("checkout", "payments", "ledger")
    assert by["audit"].critical_chain == ()
    # one commit, one author, 22 days old: only the critical path counts (3 points -> 2)
    for name in ("checkout", "payments", "ledger"):
        assert (by[name].points, by[name].level) == (3, 2), name
    assert (by["audit"].points, by["audit"].level) == (0, 1)
    crit = {fp.factor: fp.value for fp in by["ledger"].explanation}["critical_path"]
    assert crit is True
    # first snapshot: the stable level is the raw level
    assert by["ledger"].stable_level == by["ledger"].raw_level == 2
