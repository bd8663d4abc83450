"""A stored snapshot as a ScanResult: the scans re-assessed with the stored model.

The required level (which depends on the whole portfolio and on earlier snapshots) and
the attestations and waivers in force are taken as they were; levels per area, pillar
and service are recomputed from the stored findings.
"""

from __future__ import annotations

from rung.assess.service import assess_service
from rung.scanner import ScanResult
from rung.store.read import StoredSnapshot


def rebuild(stored: StoredSnapshot) -> ScanResult:
    info, model = stored.info, stored.model
    assessments = sorted(
        (
            assess_service(
                model.model, s.scan, profile=info.profile, overrides=s.overrides, risk=s.risk
            )
            for s in stored.services
        ),
        key=lambda a: a.name,
    )
    return ScanResult(
        model=model,
        as_of=info.as_of,
        started_at=info.started_at,
        finished_at=info.finished_at,
        assessments=tuple(assessments),
        warnings=info.warnings,
        repositories=info.repositories,
    )
