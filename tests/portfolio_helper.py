"""Hand-built portfolios for the pure policy tests (issue 4): a small model, services with
findings and signals, no repositories needed."""

from __future__ import annotations

from collections.abc import Mapping

from rung.assess.service import ServiceScan
from rung.catalog.entity import Service
from rung.checks.base import Finding, Status
from rung.model.schema import Model

P, F, U, N = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE


def _exp(slug: str, check: str | None = None) -> dict[str, object]:
    evidence: dict[str, object] = {"attest": True} if check is None else {"all": [check]}
    return {
        "id": slug,
        "expectation": f"do {slug}",
        "support": f"platform helps with {slug}",
        "evidence": evidence,
    }


# testing: t1 (1), t2 (2), t3 (3, attest); monitoring: m1 (1), m2 (2); docs: d1 (1)
MODEL = Model.model_validate(
    {
        "id": "mini",
        "name": "Mini",
        "levels": [{"level": i, "name": f"L{i}"} for i in (1, 2, 3, 4)],
        "pillars": [
            {
                "id": "p1",
                "name": "P1",
                "areas": [
                    {
                        "id": "testing",
                        "name": "Testing",
                        "levels": {
                            1: [_exp("t1", "c.t1")],
                            2: [_exp("t2", "c.t2")],
                            3: [_exp("t3")],
                        },
                    },
                    {
                        "id": "monitoring",
                        "name": "Monitoring",
                        "levels": {1: [_exp("m1", "c.m1")], 2: [_exp("m2", "c.m2")]},
                    },
                ],
            },
            {
                "id": "p2",
                "name": "P2",
                "areas": [{"id": "docs", "name": "Docs", "levels": {1: [_exp("d1", "c.d1")]}}],
            },
        ],
        "profiles": {
            "fintech": {"focus": ["testing"]},
            "saas": {"focus": ["monitoring"], "focus_factor": 3},
        },
    }
)


def findings(**statuses: Status) -> dict[str, Finding]:
    """findings(t1=P) -> {"c.t1": Finding("c.t1", pass)}"""
    return {f"c.{k}": Finding(f"c.{k}", s) for k, s in statuses.items()}


def signals(commits: int = 0, authors: int = 0, age: int = 0) -> dict[str, object]:
    return {
        "git.commits_total": commits,
        "git.commits_90d": commits,
        "git.authors_90d": authors,
        "age_days": age,
    }


def scan(
    name: str,
    found: Mapping[str, Finding] | None = None,
    sig: Mapping[str, object] | None = None,
    **service: object,
) -> ServiceScan:
    svc = Service(name=name, repo_path=f"/repos/{name}", repo_name=name, **service)  # type: ignore[arg-type]
    return ServiceScan(
        service=svc, head="0" * 40, findings=dict(found or {}), signals=dict(sig or signals())
    )
