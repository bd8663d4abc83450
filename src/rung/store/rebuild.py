"""A stored snapshot as a ScanResult: the scans re-assessed with the stored model."""

from __future__ import annotations

from rung.assess.service import assess_service
from rung.scanner import ScanResult
from rung.store.read import StoredSnapshot


def rebuild(stored: StoredSnapshot) -> ScanResult:
    info, model = stored.info, stored.model
    assessments = sorted(
        (assess_service(model.model, s, profile=info.profile) for s in stored.scans),
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
