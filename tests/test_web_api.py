"""The dashboard's API and pages through the ASGI test client, over a real stored
portfolio (issue 6)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from rung.web.app import create_app
from rung.web.auth import parse_tokens, same_origin
from rung.web.rescan import Rescanner, parse_every, run_command, scan_command
from webkit import XSS_MESSAGE, XSS_NAME, XSS_PATH, portfolio_copy, repos_root

TOKEN = "alice:s3cret-token"
AUTH = {"Authorization": "Bearer s3cret-token"}
PAGES = ("/", "/teams", "/roadmap", "/goals", "/trends", "/model", "/snapshots", "/docs")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return portfolio_copy(tmp_path_factory.mktemp("web-api"))


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(url, warm_up=False)) as c:
        yield c


def get(client: TestClient, path: str, **params: Any) -> Any:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


# ----- heatmap -------------------------------------------------------------------------------


def test_heatmap_pages_all_services_sorted_by_gap_weight(client: TestClient) -> None:
    d = get(client, "/api/services")
    assert (d["total"], d["page"], d["per_page"], d["pages"]) == (300, 1, 100, 3)
    assert len(d["services"]) == 100 and len(d["areas"]) == 25
    weights = [(-s["gap_weight"], s["name"]) for s in d["services"]]
    assert weights == sorted(weights)
    assert sum(d["counts"]["achieved"].values()) == 300
    cells = d["counts"]["cells"]
    assert sum(cells.values()) == 300 * 25
    last = get(client, "/api/services", page=3)
    assert len(last["services"]) == 100
    assert last["services"][0]["gap_weight"] <= d["services"][-1]["gap_weight"]
    every = get(client, "/api/services", per_page=1000, sort="name")
    names = [s["name"] for s in every["services"]]
    assert names == sorted(names) and len(set(names)) == 300


def test_heatmap_cell_colour_is_achieved_against_required(client: TestClient) -> None:
    colour = {0: "meets", 1: "below1", 2: "below2", 3: "below2", 4: "below2"}
    for s in get(client, "/api/services", per_page=1000)["services"]:
        for cell in s["areas"].values():
            gap = s["required"] - cell["achieved"]
            assert cell["colour"] == ("above" if gap < 0 else colour[gap])


def test_heatmap_filters_narrow_and_pillar_picks_columns(client: TestClient) -> None:
    d = get(client, "/api/services")
    team = d["options"]["team"][0]
    only = get(client, "/api/services", team=team, per_page=1000)
    assert 0 < only["total"] < 300
    assert {s["team"] for s in only["services"]} == {team}
    pillar = d["options"]["pillar"][1]
    cols = get(client, "/api/services", pillar=pillar)
    assert 0 < len(cols["areas"]) < 25 and {a["pillar"] for a in cols["areas"]} == {pillar}
    assert set(cols["services"][0]["areas"]) == {a["id"] for a in cols["areas"]}
    assert get(client, "/api/services", q="-00")["total"] == 10  # copies -000 .. -009
    assert get(client, "/api/services", lifecycle="no-such-lifecycle")["total"] == 0


def test_heatmap_page_renders_the_same_rows(client: TestClient) -> None:
    api = get(client, "/api/services", sort="name", per_page=50)
    html = client.get("/", params={"sort": "name", "per_page": 50}).text
    shown = re.findall(r'<th class="name"><a href="/services/[^"]+">([^<]*)</a>', html)
    assert shown == [escape(s["name"], quote=False) for s in api["services"]]
    assert "300 services · page 1 of 6" in html
    assert 'class="cell below2"' in html


# ----- service page ------------------------------------------------------------------------


def test_service_json_has_evidence_support_and_explanation(client: TestClient) -> None:
    d = get(client, f"/api/services/{XSS_NAME}")
    assert d["name"] == XSS_NAME and d["team"] == "team-<i>evil</i>"
    unmet = [e for a in d["areas"] for e in a["unmet"]]
    hostile = [c for e in unmet for c in e["checks"] if c["message"] == XSS_MESSAGE]
    assert hostile and hostile[0]["evidence"] == [
        {"path": XSS_PATH, "line": 3, "message": XSS_MESSAGE}
    ]
    assert all("support" in e and e["expectation"] for e in unmet)
    factors = {f["factor"] for f in d["required"]["explanation"]}
    assert {"change_frequency", "collaborators", "age", "critical_path"} <= factors
    assert [h["snapshot"] for h in d["history"]] == [2]


def test_service_page_escapes_repository_strings(client: TestClient) -> None:
    r = client.get("/services/" + XSS_NAME.replace("/", "%2F"))
    assert r.status_code == 200
    html = r.text
    for raw in (XSS_NAME, XSS_PATH, XSS_MESSAGE, "<i>evil</i>"):
        assert raw not in html
        assert escape(raw) in html
    assert f"{escape(XSS_PATH)}:3" in html


def test_service_history_over_both_snapshots(client: TestClient) -> None:
    d = get(client, "/api/services/carts")
    assert [h["snapshot"] for h in d["history"]] == [1, 2]
    assert "service" in d["history"][1]["causes"]  # a README commit between the two
    changed = {c["check"] for c in d["history"][1]["changed_checks"]}
    assert changed & {"readme.setup", "readme.tests"}
    html = client.get("/services/carts").text
    assert html.count('<polyline class="series"') == 2  # achieved and required


def test_unknown_service_is_404_in_both_forms(client: TestClient) -> None:
    assert client.get("/api/services/nope").status_code == 404
    r = client.get("/services/nope")
    assert r.status_code == 404 and "no service named" in r.text


# ----- teams, roadmap, model, trends, snapshots -----------------------------------------


def test_teams_and_team_page(client: TestClient) -> None:
    teams = get(client, "/api/teams")["teams"]
    assert sum(t["services"] for t in teams) == 300
    first = teams[0]["team"]
    d = get(client, f"/api/teams/{first}")
    assert len(d["top"]) == 3 and len(d["services"]) == teams[0]["services"]
    assert client.get("/api/teams/no-such-team").status_code == 404
    assert escape("team-<i>evil</i>") in client.get("/teams").text


def test_roadmap_ranked_by_area_and_what_if(client: TestClient) -> None:
    items = get(client, "/api/roadmap")["items"]
    assert [(-i["score"], i["expectation"]) for i in items] == sorted(
        (-i["score"], i["expectation"]) for i in items
    )
    areas = get(client, "/api/roadmap", by="area")["items"]
    assert sum(a["score"] for a in areas) == sum(i["score"] for i in items)
    top = items[0]["expectation"]
    w = get(client, "/api/roadmap/what-if", expectation=top)
    assert w["weight_removed"] == items[0]["score"]
    assert w["weight_after"] == w["weight_before"] - w["weight_removed"]
    assert client.get("/api/roadmap/what-if", params={"expectation": "x/y"}).status_code == 404
    assert client.get("/api/roadmap/what-if", params={"expectation": "<b>"}).status_code == 422
    html = client.get("/roadmap", params={"what_if": top}).text
    assert f"Gap weight {w['weight_before']} → <b>{w['weight_after']}</b>" in html
    assert set(get(client, "/api/roadmap")) == {"snapshot", "by", "items"}  # page data apart


def test_model_table_per_profile(client: TestClient) -> None:
    d = get(client, "/api/model", profile="fintech")
    areas = [a for p in d["pillars"] for a in p["areas"]]
    assert len(areas) == 25 and any(a["focus"] for a in areas)
    assert all(set(a["cells"]) == {"1", "2", "3", "4"} for a in areas)
    assert client.get("/api/model", params={"profile": "nope"}).status_code == 404
    assert "★" in client.get("/model", params={"profile": "fintech"}).text


def test_trends_and_snapshots(client: TestClient) -> None:
    d = get(client, "/api/trends")
    assert [p["snapshot"]["id"] for p in d["points"]] == [1, 2]
    assert [p["services"] for p in d["points"]] == [16, 300]
    assert all(isinstance(p["gap_weight"], int) for p in d["points"])
    (period,) = d["periods"]
    assert (period["from"], period["to"], len(period["new"])) == (1, 2, 284)
    snaps = get(client, "/api/snapshots")
    assert [s["id"] for s in snaps["snapshots"]] == [2, 1]
    assert snaps["rescans"] is None and not any(s["model_changed"] for s in snaps["snapshots"])


def test_every_page_renders_offline(client: TestClient) -> None:
    for page in PAGES:
        r = client.get(page)
        assert r.status_code == 200, page
        refs = re.findall(r'(?:src|href|action)="([^"]*)"', r.text)
        assert refs and all(ref.startswith(("/", "?", "#")) for ref in refs), page
        assert "<script" not in r.text


# ----- metrics and OpenAPI -----------------------------------------------------------------


def test_metrics(client: TestClient) -> None:
    r = client.get("/metrics")
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    for name in (
        "rung_service_level",
        "rung_service_required_level",
        "rung_gap_weight",
        "rung_expectations_unmet",
        "rung_last_scan_timestamp_seconds",
        "rung_scan_duration_seconds",
    ):
        assert f"# TYPE {name} gauge" in text
    assert len(re.findall(r"^rung_service_level\{", text, re.M)) == 300 * 25
    assert 'rung_service_level{area="testing",service="carts",team=' in text
    assert len(re.findall(r"^rung_expectations_unmet\{", text, re.M)) == 25
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_openapi_lists_every_api_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/services", "/api/services/{name}", "/api/roadmap/what-if", "/api/rescan"):
        assert p in paths
    assert not [p for p in paths if not p.startswith("/api/")]
    assert "/api/services" in client.get("/docs").text


# ----- writes: tokens, CSRF, rescans ------------------------------------------------------


def test_read_only_server_refuses_writes(client: TestClient) -> None:
    r = client.post("/api/rescan", headers=AUTH)
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    r = client.post("/forms/rescan", data={"token": "s3cret-token"}, follow_redirects=False)
    assert r.status_code == 403 and "read-only" in r.text


class Scans:
    def __init__(self, fail: bool = False, seconds: float = 0.0) -> None:
        self.calls = 0
        self.fail = fail
        self.seconds = seconds
        self.active = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            self.calls += 1
            self.active += 1
            self.most = max(self.most, self.active)
        time.sleep(self.seconds)
        with self.lock:
            self.active -= 1
        if self.fail:
            raise RuntimeError("scan exited with status 2: error: no such folder /gone")


def wait_idle(rescanner: Rescanner) -> None:
    for _ in range(200):
        if not rescanner.running and rescanner.records:
            return
        time.sleep(0.02)
    raise AssertionError("rescan did not finish")


def test_writes_need_the_token_and_record_its_name(url: str) -> None:
    scans = Scans()
    app = create_app(url, token=TOKEN, rescan=scans, warm_up=False)
    with TestClient(app) as c:
        assert c.post("/api/rescan").status_code == 401
        bad = c.post("/api/rescan", headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Bearer")
        ok = c.post("/api/rescan", headers=AUTH)
        assert ok.status_code == 202 and ok.json() == {"accepted": True, "actor": "alice"}
        wait_idle(app.state.ctx.rescanner)
        assert scans.calls == 1
        (rec,) = get(c, "/api/snapshots")["rescans"]["recent"]
        assert (rec["trigger"], rec["actor"], rec["ok"]) == ("manual", "alice", True)
        (entry,) = get(c, "/api/audit")["entries"]
        assert (entry["actor"], entry["action"], entry["changes"]["ok"]) == (
            "alice",
            "rescan",
            [None, True],
        )


def test_forms_need_the_token_and_the_same_origin(url: str) -> None:
    scans = Scans()
    app = create_app(url, token=TOKEN, rescan=scans, warm_up=False)
    with TestClient(app) as c:
        r = c.post("/forms/rescan", data={"next": "/snapshots"}, follow_redirects=False)
        assert r.status_code == 401 and "valid API token" in r.text
        evil = {"Origin": "http://evil.example"}
        r = c.post("/forms/rescan", data={"token": "s3cret-token"}, headers=evil)
        assert r.status_code == 403 and scans.calls == 0
        r = c.post(
            "/forms/rescan",
            data={"token": "s3cret-token", "next": "//evil.example/"},
            headers={"Origin": "http://testserver"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/"
        wait_idle(app.state.ctx.rescanner)
        assert scans.calls == 1
        assert 'id="rescan-form"' in c.get("/snapshots").text


def test_failed_rescans_show_on_the_snapshots_page(url: str) -> None:
    app = create_app(url, token=TOKEN, rescan=Scans(fail=True), warm_up=False)
    with TestClient(app) as c:
        assert c.post("/api/rescan", headers=AUTH).status_code == 202
        wait_idle(app.state.ctx.rescanner)
        status = get(c, "/api/snapshots")["rescans"]
        assert status["failures"] == 1 and "no such folder /gone" in status["recent"][0]["error"]
        assert "failed: scan exited with status 2" in c.get("/snapshots").text


def test_one_rescan_at_a_time(url: str) -> None:
    scans = Scans(seconds=0.5)
    app = create_app(url, token=TOKEN, rescan=scans, warm_up=False)
    with TestClient(app) as c:
        assert c.post("/api/rescan", headers=AUTH).status_code == 202
        assert c.post("/api/rescan", headers=AUTH).status_code == 409
        wait_idle(app.state.ctx.rescanner)
    assert scans.calls == 1


def test_rescan_runs_rung_scan_and_the_dashboard_moves_on(tmp_path: Path) -> None:
    url = portfolio_copy(tmp_path)
    cmd = scan_command([str(repos_root())], url, extra=["--no-live", "-j", "1"])
    app = create_app(url, token=TOKEN, rescan=lambda: run_command(cmd, timeout=300), warm_up=False)
    with TestClient(app) as c:
        assert get(c, "/api/services")["snapshot"]["id"] == 2
        assert c.post("/api/rescan", headers=AUTH).status_code == 202
        rescanner = app.state.ctx.rescanner
        for _ in range(600):
            if rescanner.records:
                break
            time.sleep(0.1)
        assert [r.ok for r in rescanner.records] == [True], rescanner.records
        d = get(c, "/api/services")
        assert d["snapshot"]["id"] == 3 and d["total"] == 16


def test_a_failing_scan_command_is_reported() -> None:
    with pytest.raises(Exception, match="status 2"):
        run_command(scan_command(["/no/such/folder"], "sqlite:///:memory:"), timeout=60)


def test_periodic_rescans_never_overlap() -> None:
    scans = Scans(seconds=0.3)
    r = Rescanner(scans)
    r.start_periodic(0.1)
    try:
        time.sleep(1.2)
        assert r.next_run() is not None
    finally:
        r.stop()
    time.sleep(0.4)
    assert scans.calls >= 2 and scans.most == 1
    assert all(rec.trigger == "periodic" and rec.ok for rec in r.records)


def _unmet(client: TestClient, name: str, attest: bool) -> list[str]:
    d = get(client, f"/api/services/{name}")
    return [e["id"] for a in d["areas"] for e in a["unmet"] if e["attest"] is attest]


def test_attest_waive_revoke_land_in_the_audit_trail(tmp_path: Path) -> None:
    with TestClient(create_app(portfolio_copy(tmp_path), token=TOKEN, warm_up=False)) as c:
        human, machine = _unmet(c, "carts", True)[0], _unmet(c, "carts", False)[0]
        body = {"service": "carts", "expectation": human, "by": "ann", "evidence": "https://w/1"}
        assert c.post("/api/attestations", json=body).status_code == 401
        r = c.post("/api/attestations", json=body, headers=AUTH)
        assert r.status_code == 201
        att = r.json()
        assert (att["kind"], att["actor"], att["status"]) == ("attestation", "alice", "active")
        wrong = c.post("/api/attestations", json={**body, "expectation": machine}, headers=AUTH)
        assert wrong.status_code == 400 and "waive" in wrong.json()["detail"]
        waiver = {"service": "carts", "expectation": machine, "by": "cto", "reason": "legacy"}
        r = c.post("/api/waivers", json={**waiver, "expires": "2027-01-31"}, headers=AUTH)
        assert r.status_code == 201 and r.json()["expires_at"] == "2027-01-31T00:00:00Z"
        wid = r.json()["id"]
        r = c.post(f"/api/overrides/{wid}/revoke", json={"reason": "fixed"}, headers=AUTH)
        assert r.json()["status"] == "revoked" and r.json()["revoked_by"] == "alice"
        assert c.post("/api/overrides/99/revoke", json={}, headers=AUTH).status_code == 404
        ledger = get(c, "/api/services/carts")["ledger"]
        assert [(o["id"], o["status"]) for o in ledger] == [(wid, "revoked"), (att["id"], "active")]
        trail = get(c, "/api/audit")["entries"]
        assert [(e["action"], e["actor"]) for e in trail] == [
            ("revoke", "alice"),
            ("waive", "alice"),
            ("attest", "alice"),
        ]
        html = c.get("/services/carts").text
        assert 'id="ledger"' in html and html.count('action="/forms/revoke"') == 1


def test_forms_record_writes_with_the_token_name(tmp_path: Path) -> None:
    with TestClient(create_app(portfolio_copy(tmp_path), token=TOKEN, warm_up=False)) as c:
        machine = _unmet(c, "carts", False)[0]
        form = {"service": "carts", "expectation": machine, "by": "cto", "reason": "r"}
        form |= {"expires": "30d", "next": "/services/carts", "token": "s3cret-token"}
        r = c.post("/forms/waive", data=form, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/services/carts"
        bad = c.post("/forms/waive", data={**form, "expires": "soon"}, follow_redirects=False)
        assert bad.status_code == 400 and "ISO date" in bad.text
        assert [e["actor"] for e in get(c, "/api/audit")["entries"]] == ["alice"]


def test_goals_create_edit_and_progress(tmp_path: Path) -> None:
    with TestClient(create_app(portfolio_copy(tmp_path), token=TOKEN, warm_up=False)) as c:
        goal = {"name": "docs-l1", "services": "all", "areas": ["documentation"], "level": 1}
        r = c.post("/api/goals", json={**goal, "due": "2027-03-31"}, headers=AUTH)
        assert r.status_code == 201
        gid = r.json()["id"]
        dup = c.post("/api/goals", json={**goal, "due": "2027-03-31"}, headers=AUTH)
        assert dup.status_code == 400
        team = get(c, "/api/services/carts")["team"]
        edited = {**goal, "services": f"team={team}", "due": "2027-06-30"}
        r = c.put(f"/api/goals/{gid}", json=edited, headers=AUTH)
        assert r.status_code == 200 and r.json()["services"] == f"team={team}"
        assert c.put("/api/goals/42", json=edited, headers=AUTH).status_code == 404
        bad = c.put(f"/api/goals/{gid}", json={**edited, "areas": ["nope"]}, headers=AUTH)
        assert bad.status_code == 400 and "unknown area" in bad.json()["detail"]
        (g,) = get(c, "/api/goals")["goals"]
        assert [p["snapshot"] for p in g["points"]] == [1, 2]
        assert g["status"] in {"met", "on track", "behind", "no trend"}
        assert g["latest"]["total"] == len(get(c, f"/api/teams/{team}")["services"])
        assert [x["name"] for x in get(c, f"/api/teams/{team}")["goals"]] == ["docs-l1"]
        (edit, add) = get(c, "/api/audit")["entries"]
        assert (edit["action"], add["action"]) == ("goal.edit", "goal.add")
        assert edit["changes"]["filter"] == ["all", f"team={team}"]
        assert set(edit["changes"]) == {"filter", "due"}
        html = c.get("/goals", params={"edit": gid}).text
        assert f'name="goal_id" value="{gid}"' in html and "<svg" in html


def test_no_snapshot_yet(tmp_path: Path) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'empty.db'}", warm_up=False)) as c:
        assert c.get("/api/services").status_code == 503
        r = c.get("/")
        assert r.status_code == 503 and "rung scan" in r.text
        assert c.get("/metrics").status_code == 200


# ----- small parts ------------------------------------------------------------------------


def test_tokens_durations_and_origins() -> None:
    tokens = parse_tokens("alice:one, ci-bot:two,bare")
    assert tokens.by_secret == {"one": "alice", "two": "ci-bot", "bare": "api"}
    assert tokens.name_of("two") == "ci-bot" and tokens.name_of("nope") is None
    assert not parse_tokens("") and not parse_tokens(None)
    assert [parse_every(t) for t in ("6h", "30m", "1d", "90")] == [21600, 1800, 86400, 90]
    for bad in ("6x", "", "10s"):
        with pytest.raises(Exception, match="rescan-every"):
            parse_every(bad)
    assert same_origin({"host": "h:1", "origin": "http://h:1"})
    assert not same_origin({"host": "h:1", "origin": "http://other:1"})
    assert not same_origin({"host": "h:1", "origin": "null"})
    assert same_origin({"host": "h:1"})
    assert not same_origin({"host": "h:1", "referer": "http://x/y"})


def test_svg_charts_are_well_formed_and_escaped() -> None:
    from xml.etree import ElementTree

    from rung.web.svg import level_bars, line_chart

    svg = line_chart(
        ["2026-01-01", "<i>2026</i>"],
        {"<b>svc</b>": [1, 3], "required": [2, 2]},
        ymax=4,
        title="t & <t>",
    )
    tree = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    lines = tree.findall(f"{ns}polyline")
    assert len(lines) == 2 and len(lines[0].get("points", "").split()) == 2
    assert "<b>" not in svg and "<i>" not in svg and "&lt;b&gt;svc&lt;/b&gt;" in svg
    assert [t.text for t in tree.findall(f"{ns}title")] == ["t & <t>"]
    bars = ElementTree.fromstring(level_bars({"0": 5, "1": 0, "2": 7}))
    assert len(bars.findall(f"{ns}rect")) == 3
    big = line_chart(["a"], {"w": [223961]}, ymax=223961)
    assert ">250k</text>" in big and ">0</text>" in big


def test_warm_up_assesses_before_the_first_visitor(url: str) -> None:
    with TestClient(create_app(url)) as c:
        ctx = c.app.state.ctx  # type: ignore[attr-defined]
        for _ in range(300):
            if any(k[0] == "teams" for k in ctx._memo):
                break
            time.sleep(0.05)
        assert ctx._portfolio is not None and ctx._portfolio.snapshot.id == 2
        assert {k[0] for k in ctx._memo} >= {"roadmap", "teams"}
