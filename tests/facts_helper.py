"""Real facts for tests: run the real collector on a real repository built with gitrepo."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from gitrepo import Repo
from rung.catalog.entity import Service
from rung.collect.collector import collect_repository
from rung.collect.facts import ServiceFacts

AS_OF = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def facts_for(
    repo: Repo,
    root: str = ".",
    name: str = "svc",
    *,
    service: Service | None = None,
    single: bool | None = None,
    as_of: datetime = AS_OF,
) -> ServiceFacts:
    """Collect the facts of one service of `repo` (live probes off).

    `service` overrides the default Service(name, repo path, root). `single` forces
    `single_service_repo` (by default the collector decides: one service at the root).
    """
    svc = service or Service(
        name=name, repo_path=str(repo.path), repo_name=repo.path.name, root=root
    )
    (facts,) = collect_repository(str(repo.path), [svc], as_of, live=False)
    if single is not None:
        facts = dataclasses.replace(facts, single_service_repo=single)
    return facts
