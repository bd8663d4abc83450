"""The dashboard in a real browser: Playwright driving Debian's chromium (issue 6).

One `rung serve` process and one browser for the module. Every request the pages make
that is not to 127.0.0.1 is aborted and counted (there must be none); any JavaScript
dialog is counted (an escaped `<script>alert(1)</script>` must never open one).
Screenshots of the main pages go to screenshots/ (git-ignored) for review.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from webkit import XSS_MESSAGE, XSS_NAME, XSS_PATH, portfolio_copy

CHROMIUM = os.environ.get("RUNG_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
TOKEN = "alice:browser-secret"

if not Path(CHROMIUM).exists():
    if os.environ.get("RUNG_REQUIRE_BROWSER"):
        pytest.fail(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    pytest.skip(f"no chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = portfolio_copy(tmp_path_factory.mktemp("web-browser"))
    port = _free_port()
    env = {**os.environ, "RUNG_API_TOKEN": TOKEN}
    cmd = [sys.executable, "-m", "rung", "serve", "--port", str(port), "--db", url]
    cmd += ["--rescan-path", "/nonexistent", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@dataclass
class Watch:
    aborted: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: object, watch: Watch) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]

    def route(r: object) -> None:
        request_url = r.request.url  # type: ignore[attr-defined]
        if urlsplit(request_url).hostname == "127.0.0.1":
            r.continue_()  # type: ignore[attr-defined]
        else:
            watch.aborted.append(request_url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    pg = context.new_page()
    pg.set_default_timeout(20_000)

    def on_dialog(d: object) -> None:
        watch.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    yield pg
    context.close()
    assert watch.aborted == [], "requests left 127.0.0.1"
    assert watch.dialogs == [], "a script ran"


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def rows(page: object) -> int:
    n: int = page.locator("#heatmap tbody tr").count()  # type: ignore[attr-defined]
    return n


def test_heatmap_renders_300_services(page: object, server: str) -> None:
    t0 = time.monotonic()
    resp = page.goto(f"{server}/?per_page=300", wait_until="load")  # type: ignore[attr-defined]
    assert resp.status == 200
    assert rows(page) == 300
    assert page.locator("#heatmap td.cell").count() == 300 * 25  # type: ignore[attr-defined]
    header = page.locator("#heatmap thead th").first  # type: ignore[attr-defined]
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert time.monotonic() - t0 < 15
    shot(page, "heatmap")


def test_a_filter_narrows_the_heatmap(page: object, server: str) -> None:
    page.goto(f"{server}/?per_page=300")  # type: ignore[attr-defined]
    team = page.locator("select[name=team] option").nth(1).get_attribute("value")  # type: ignore[attr-defined]
    page.select_option("select[name=team]", team)  # type: ignore[attr-defined]
    page.click("form.filters button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"**team={quote(team, safe='')}**")  # type: ignore[attr-defined]
    n = rows(page)
    assert 0 < n < 300
    teams = page.locator("#heatmap tbody tr td:nth-of-type(1)").all_inner_texts()  # type: ignore[attr-defined]
    assert set(teams) == {team}
    shot(page, "heatmap-filtered")


def test_service_page_shows_evidence_as_text(page: object, server: str, watch: Watch) -> None:
    page.goto(f"{server}/?q=script")  # type: ignore[attr-defined]
    link = page.locator("#heatmap tbody th.name a")  # type: ignore[attr-defined]
    assert link.all_inner_texts() == [XSS_NAME]
    link.first.click()
    page.wait_for_selector("h1.service-name")  # type: ignore[attr-defined]
    assert page.inner_text("h1.service-name") == XSS_NAME  # type: ignore[attr-defined]
    paths = page.locator("code.path").all_inner_texts()  # type: ignore[attr-defined]
    assert f"{XSS_PATH}:3" in paths
    assert XSS_MESSAGE in page.inner_text("main")  # type: ignore[attr-defined]
    assert page.locator("main b[onmouseover]").count() == 0  # type: ignore[attr-defined]
    assert page.locator("img[src=x]").count() == 0  # type: ignore[attr-defined]
    assert "Platform support:" in page.inner_text("main")  # type: ignore[attr-defined]
    shot(page, "service")
    assert watch.dialogs == []


def test_what_if_form(page: object, server: str) -> None:
    page.goto(f"{server}/roadmap")  # type: ignore[attr-defined]
    first = page.locator("ol.roadmap li code").first.inner_text()  # type: ignore[attr-defined]
    page.select_option("select[name=what_if]", [first])  # type: ignore[attr-defined]
    page.click("#what-if-form button[type=submit]")  # type: ignore[attr-defined]
    result = page.wait_for_selector("#what-if-result")  # type: ignore[attr-defined]
    assert "Gap weight" in result.inner_text()
    selected = page.locator("select[name=what_if] option:checked").all_inner_texts()  # type: ignore[attr-defined]
    assert [s.split(" ")[0] for s in selected] == [first]
    shot(page, "roadmap-what-if")


def test_writes_without_a_valid_token_are_refused(page: object, server: str) -> None:
    page.goto(f"{server}/snapshots")  # type: ignore[attr-defined]
    page.fill("#rescan-form input[name=token]", "not-the-token")  # type: ignore[attr-defined]
    with page.expect_response(lambda r: r.url.endswith("/forms/rescan")) as info:  # type: ignore[attr-defined]
        page.click("#rescan-form button[type=submit]")  # type: ignore[attr-defined]
    assert info.value.status == 401
    assert "valid API token" in page.inner_text("main")  # type: ignore[attr-defined]
    status = page.evaluate(  # type: ignore[attr-defined]
        "fetch('/api/rescan', {method: 'POST'}).then(r => r.status)"
    )
    assert status == 401
    assert "Rescans" in page.goto(f"{server}/snapshots").text()  # type: ignore[attr-defined]


def test_a_waiver_through_the_form(page: object, server: str) -> None:
    page.goto(f"{server}/services/carts")  # type: ignore[attr-defined]
    form = "#waive-form"
    expectation = page.locator(f"{form} select[name=expectation] option").first.get_attribute(  # type: ignore[attr-defined]
        "value"
    )
    page.fill(f"{form} input[name=by]", "cto")  # type: ignore[attr-defined]
    page.fill(f"{form} input[name=reason]", "<b>legacy</b> until Q3")  # type: ignore[attr-defined]
    page.fill(f"{form} input[name=token]", TOKEN.split(":", 1)[1])  # type: ignore[attr-defined]
    page.click(f"{form} button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#ledger")  # type: ignore[attr-defined]
    assert page.url.endswith("/services/carts")  # type: ignore[attr-defined]
    row = page.locator("#ledger tbody tr").first.inner_text()  # type: ignore[attr-defined]
    assert expectation in row and "<b>legacy</b> until Q3" in row and "alice" in row
    page.goto(f"{server}/audit")  # type: ignore[attr-defined]
    assert "waive" in page.locator("#audit tbody tr").first.inner_text()  # type: ignore[attr-defined]
    shot(page, "audit")


def test_main_pages_render_offline(page: object, server: str, watch: Watch) -> None:
    for name, path in (
        ("teams", "/teams"),
        ("model", "/model?profile=fintech"),
        ("trends", "/trends"),
        ("goals", "/goals"),
        ("snapshots", "/snapshots"),
        ("docs", "/docs"),
        ("team", "/teams/" + quote("team-<i>evil</i>", safe="")),
    ):
        resp = page.goto(server + path)  # type: ignore[attr-defined]
        assert resp.status == 200, path
        shot(page, name)
    assert page.locator("main i").count() == 0  # type: ignore[attr-defined]
    assert watch.aborted == [] and watch.dialogs == []
