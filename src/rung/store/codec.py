"""Exact, backend-independent encodings of what a scan learns (no SQL here).

JSON is written with the key order of the value (signals and stack keep their order,
which the JSON report shows). The commit history comes encoded already
(rung.collect.gitblob: the worker that read it encoded it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rung.assess.levels import ExpState, Override
from rung.assess.risk import FactorPoints, RiskResult
from rung.assess.stability import StabilityState
from rung.catalog.entity import Service, json_default, service_from_dict, shallow_fields
from rung.checks.base import Evidence, Finding, Status
from rung.store.url import strip_credentials


def dumps(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)`, by
    one encoder made once (json.dumps makes one per call)."""
    return _DUMPS(value)


_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def loads(text: str | None) -> Any:
    return json.loads(text) if text else None


# ----- Service ------------------------------------------------------------------------


def scrubbed(value: Any) -> Any:
    """`value` with credentials removed from every URL in its texts (never stored); a
    dataclass met on the way becomes its asdict form."""
    if isinstance(value, str):
        return strip_credentials(value) if "@" in value else value
    if isinstance(value, dict):
        return {k: scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return scrubbed(asdict(value))
    return value


def service_to_json(service: Service) -> str:
    """`dumps(scrubbed(asdict(service)))`, without asdict's deep copy, and without the
    scrubbing walk when no text holds an "@" (scrubbing changes only such texts; JSON
    writes "@" as it is)."""
    data = shallow_fields(service)
    text = _SERVICE_JSON(data)
    if "@" not in text:
        return text
    return dumps(scrubbed(data))


_SERVICE_JSON = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=json_default
).encode


def service_from_json(text: str) -> Service:
    return service_from_dict(json.loads(text))


# ----- findings -----------------------------------------------------------------------


def evidence_to_json(evidence: Sequence[Evidence]) -> str:
    if not evidence:
        return "[]"
    return dumps([[e.path, e.line, e.message] for e in evidence])


def finding_from_row(check_id: str, status: str, message: str, evidence: str) -> Finding:
    ev = tuple(Evidence(p, line, msg) for p, line, msg in json.loads(evidence))
    return Finding(check_id, Status(status), message, ev)


class FindingReader:
    """`finding_from_row` for many rows: equal rows (most findings of a portfolio) give
    one shared Finding (frozen, so sharing is safe)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str, str], Finding] = {}

    def __call__(self, check_id: str, status: str, message: str, evidence: str) -> Finding:
        key = (check_id, status, message, evidence)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = finding_from_row(check_id, status, message, evidence)
        return found


def mapping_to_json(value: Mapping[str, object]) -> str:
    return dumps(dict(value))


# ----- the required level and the overrides in force ----------------------------------


def risk_to_json(risk: RiskResult) -> str:
    return dumps(
        {
            "level": risk.level,
            "computed_level": risk.computed_level,
            "points": risk.points,
            "explanation": [fp.to_json() for fp in risk.explanation],
            "pinned": risk.pinned,
            "pin_reason": risk.pin_reason,
            "stability": risk.stability.to_json() if risk.stability is not None else None,
            "critical_chain": list(risk.critical_chain),
        }
    )


def risk_from_json(text: str) -> RiskResult:
    d = json.loads(text)
    return RiskResult(
        level=d["level"],
        computed_level=d["computed_level"],
        points=d["points"],
        explanation=tuple(FactorPoints(**fp) for fp in d["explanation"]),
        pinned=d["pinned"],
        pin_reason=d["pin_reason"],
        stability=StabilityState.from_json(d["stability"]) if d["stability"] else None,
        critical_chain=tuple(d["critical_chain"]),
    )


def stability_from_json(text: str) -> StabilityState:
    """What the next snapshot stabilises against (rung.assess.portfolio.stability_states)."""
    d = json.loads(text)
    if d["stability"]:
        return StabilityState.from_json(d["stability"])
    return StabilityState(d["computed_level"])


def overrides_to_json(overrides: Mapping[str, Override]) -> str:
    return dumps(
        {
            eid: {
                "kind": str(o.kind),
                "by": o.by,
                "note": o.note,
                "expires": o.expires,
                "evidence": o.evidence,
                "id": o.id,
            }
            for eid, o in overrides.items()
        }
    )


def overrides_from_json(text: str) -> dict[str, Override]:
    return {
        eid: Override(
            ExpState(o["kind"]),
            o["by"],
            o["note"],
            o["expires"],
            o.get("evidence", ""),
            o.get("id"),
        )
        for eid, o in json.loads(text).items()
    }
