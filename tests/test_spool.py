"""The scan's flat-memory parts: area results shared by the AreaCache equal the uncached
assessment, and the Spool gives back every assessment, sorted by name, equal to what went in."""

from __future__ import annotations

import random

from rung.assess.levels import AreaCache, ExpState, Override, assess_areas
from rung.assess.portfolio import PortfolioAssessor
from rung.assess.service import ServiceAssessment, ServiceScan
from rung.catalog.entity import Service
from rung.checks.base import Evidence, Finding, Status
from rung.collect.facts import GitFacts
from rung.model.loader import load_model
from rung.spool import Spool

MODEL = load_model("microservices").model
CHECKS = sorted({c for _, a in MODEL.areas() for es in a.levels.values() for e in es
                 for c in e.evidence.check_ids()})  # fmt: skip
EXPECTATIONS = [f"{a.id}/{e.id}" for _, a in MODEL.areas() for es in a.levels.values() for e in es]


def random_findings(rng: random.Random) -> dict[str, Finding]:
    out = {}
    for cid in CHECKS:
        if rng.random() < 0.1:
            continue  # no finding: unknown
        status = rng.choice(list(Status))
        out[cid] = Finding(
            cid, status, f"{cid} {rng.random()}", (Evidence(f"f{rng.randint(0, 9)}"),)
        )
    return out


def random_overrides(rng: random.Random) -> dict[str, Override]:
    picked = rng.sample(EXPECTATIONS, rng.choice([0, 0, 1, 3]))
    kinds = [ExpState.ATTESTED, ExpState.WAIVED]
    return {e: Override(rng.choice(kinds), by="team", note="n") for e in picked}


def test_area_cache_equals_uncached_assessment() -> None:
    rng = random.Random(5)
    cache = AreaCache(MODEL)
    for _ in range(300):
        findings, overrides = random_findings(rng), random_overrides(rng)
        required = rng.randint(0, 4)
        cached = cache.areas(findings, overrides, required)
        uncached = assess_areas(MODEL, findings, overrides, required)
        assert cached == uncached
        area_id = rng.choice(sorted(uncached))
        assert cache.area(area_id, findings, overrides, required) == uncached[area_id]
    # a repeated judgement reuses the same result object
    findings = random_findings(rng)
    first, second = cache.areas(findings, {}, 2), cache.areas(dict(findings), {}, 2)
    assert all(first[a] is second[a] for a in first)


def scan_of(name: str, rng: random.Random) -> ServiceScan:
    svc = Service(name=name, repo_path=f"/r/{name}", repo_name=name, owner=f"team-{name[0]}")
    git = GitFacts(
        available=True, head="a" * 40, commits=tuple((1700000000 + i, "a@x") for i in range(5))
    )
    return ServiceScan(
        service=svc,
        head="a" * 40,
        findings=random_findings(rng),
        signals={"git.commits_90d": rng.randint(0, 90), "git.authors_90d": rng.randint(0, 9)},
        git=git,
    )


def assessed(seed: int, population: int, count: int) -> list[ServiceAssessment]:
    """`count` assessments of random scans, in arrival order (not sorted by name)."""
    rng = random.Random(seed)
    scans = [scan_of(f"svc-{k:03d}", rng) for k in rng.sample(range(population), count)]
    assessor = PortfolioAssessor(MODEL, (s.service for s in scans))
    return [assessor.assess(s) for s in scans]


def test_spool_returns_sorted_assessments_equal_to_the_originals() -> None:
    arrived = assessed(9, 200, 60)
    originals = {a.name: a for a in arrived}
    spool = Spool()
    for a in arrived:  # arrival order, not sorted
        spool.add(a)
    names = sorted(originals)
    assert len(spool) == 60 and spool.names() == names
    assert [a.name for a in spool] == names
    assert list(spool) == [originals[n] for n in names]
    assert spool[0] == originals[names[0]] and spool[-1] == originals[names[-1]]
    assert spool[10:13] == [originals[n] for n in names[10:13]]
    spool.close()


def test_spool_keeps_scans_in_memory_by_reference() -> None:
    arrived = assessed(11, 100, 30)
    originals = {a.name: a for a in arrived}
    spool = Spool()
    for i, a in enumerate(arrived):  # half pickled, half kept by reference
        spool.add(a, scan_in_memory=i % 2 == 0)
    names = sorted(originals)
    assert list(spool) == [originals[n] for n in names]
    kept = {a.name for i, a in enumerate(arrived) if i % 2 == 0}
    for a in spool:
        assert (a.scan is originals[a.name].scan) == (a.name in kept)
    spool.close()
