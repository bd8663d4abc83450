"""A real stored portfolio for the web tests (issue 6).

Real git repositories (the demo generator), scanned with run_scan and stored with
Store.save in SQLite: snapshot 1 at an earlier as-of; then a commit that gives every
service a README with set-up and tests; snapshot 2 (the latest) widened to `services`
services by copying real scans under new names (one of them named like a script, with
evidence holding HTML).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from gitrepo import Repo
from rung.assess.portfolio import assess_portfolio
from rung.assess.service import ServiceScan
from rung.checks.base import Evidence, Finding, Status
from rung.model.loader import LoadedModel, load_model
from rung.scanner import ScanResult, run_scan
from rung.store.api import Store

XSS_NAME = "<script>alert(1)</script>"
XSS_PATH = "<img src=x onerror=alert(2)>.yaml"
XSS_MESSAGE = "<b onmouseover=alert(3)>bold</b>"
EARLY = datetime(2026, 8, 1, tzinfo=UTC)
LATE = datetime(2026, 11, 26, tzinfo=UTC)
README = "# service\n\n## Setup\n\nRun `make run`.\n\n## Tests\n\nRun `make test`.\n"


def _first_check(model: LoadedModel) -> str:
    """A check id behind a level-1 expectation (so failing it leaves a visible gap)."""
    for _area, level, exp in model.model.expectations():
        if level == 1 and exp.evidence.check_ids():
            return exp.evidence.check_ids()[0]
    raise AssertionError("model without a machine-checked level-1 expectation")


def _hostile(scan: ServiceScan, check_id: str) -> ServiceScan:
    bad = Finding(check_id, Status.FAIL, XSS_MESSAGE, (Evidence(XSS_PATH, 3, XSS_MESSAGE),))
    findings = {**scan.findings, check_id: bad}
    service = dataclasses.replace(scan.service, name=XSS_NAME, owner="team-<i>evil</i>")
    return dataclasses.replace(scan, service=service, findings=findings)


def widen(result: ScanResult, services: int) -> ScanResult:
    """`services` services: the real ones, then copies of their scans under new names."""
    base = [a.scan for a in result.assessments]
    scans = list(base)
    check = _first_check(result.model)
    scans.append(_hostile(base[0], check))
    i = 0
    while len(scans) < services:
        src = base[i % len(base)]
        svc = dataclasses.replace(src.service, name=f"{src.service.name}-{i:03d}")
        scans.append(dataclasses.replace(src, service=svc))
        i += 1
    assessments = assess_portfolio(result.model.model, scans)
    return dataclasses.replace(result, assessments=tuple(assessments))


def build_stored_portfolio(root: Path, services: int = 300, real: int = 16) -> str:
    """Two snapshots in an SQLite database under `root`; returns its URL."""
    from rung.demo.generator import generate_portfolio

    portfolio = generate_portfolio(root / "repos", services=real, seed=11, max_commits=40)
    model = load_model("microservices")
    url = f"sqlite:///{root / 'rung.db'}"
    paths = [str(portfolio.root)]
    with Store.open(url) as store:
        first = run_scan(paths, model, as_of=EARLY, live=False, jobs=1)
        store.save(first)
        for target in portfolio.services:  # every service gets a documented README
            repo = Repo(portfolio.root / target.repo)
            readme = "README.md" if target.root == "." else f"{target.root}/README.md"
            repo.commit({readme: README}, date="2026-10-01T10:00:00+00:00")
        second = run_scan(paths, model, as_of=LATE, live=False, jobs=1)
        store.save(widen(second, services))
    return url


_BUILT: dict[int, Path] = {}


def portfolio_copy(dest: Path, services: int = 300) -> str:
    """A private copy of the stored portfolio (built once per test process) in `dest`."""
    import atexit
    import shutil
    import tempfile

    if services not in _BUILT:
        root = Path(tempfile.mkdtemp(prefix="rung-web-"))
        atexit.register(shutil.rmtree, root, True)
        build_stored_portfolio(root, services)
        _BUILT[services] = root
    dest.mkdir(parents=True, exist_ok=True)
    for f in _BUILT[services].glob("rung.db*"):  # with any WAL file
        shutil.copy(f, dest / f.name)
    return f"sqlite:///{dest / 'rung.db'}"


def repos_root(services: int = 300) -> Path:
    """The repositories of the built portfolio (for rescans)."""
    return _BUILT[services] / "repos"
