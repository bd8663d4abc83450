"""Exact, backend-independent encodings of what a scan learns (no SQL here).

JSON is written with the key order of the value (signals and stack keep their order,
which the JSON report shows); the commit history is a compact zlib-compressed encoding:
authors are listed once, commit times are stored as differences (newest first).
"""

from __future__ import annotations

import json
import operator
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from itertools import accumulate, pairwise
from typing import Any

from rung.assess.levels import ExpState, Override
from rung.assess.risk import FactorPoints, RiskResult
from rung.assess.stability import StabilityState
from rung.catalog.entity import Service, json_default, service_from_dict, shallow_fields
from rung.checks.base import Evidence, Finding, Status
from rung.collect.facts import GitFacts
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
    """`value` with credentials removed from every URL in its texts (never stored)."""
    if isinstance(value, str):
        return strip_credentials(value) if "@" in value else value
    if isinstance(value, dict):
        return {k: scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(v) for v in value]
    return value


def _scrubbed_fields(value: Any) -> Any:
    """`scrubbed`, also turning a dataclass met on the way into its asdict form."""
    if isinstance(value, str):
        return strip_credentials(value) if "@" in value else value
    if isinstance(value, dict):
        return {k: _scrubbed_fields(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed_fields(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _scrubbed_fields(asdict(value))
    return value


def service_to_json(service: Service) -> str:
    """`dumps(scrubbed(asdict(service)))`, without asdict's deep copy, and without the
    scrubbing walk when no text holds an "@" (scrubbing changes only such texts; JSON
    writes "@" as it is)."""
    data = shallow_fields(service)
    text = _SERVICE_JSON(data)
    if "@" not in text:
        return text
    return dumps(_scrubbed_fields(data))


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


# ----- git history --------------------------------------------------------------------


def git_to_blob(git: GitFacts | None) -> bytes | None:
    if git is None:
        return None
    emails: dict[str, int] = {}
    who = [emails.setdefault(e, len(emails)) for _, e in git.commits]
    times = [t for t, _ in git.commits]
    deltas = [times[0], *(a - b for a, b in pairwise(times))] if times else []
    doc = {
        "available": git.available,
        "reason": git.reason,
        "head": git.head,
        "tags": list(git.tags),
        "emails": list(emails),
        "times": deltas,
        "who": who,
    }
    return zlib.compress(dumps(doc).encode(), 6)


def git_from_blob(blob: bytes | None) -> GitFacts | None:
    if blob is None:
        return None
    return _decode_git(blob)


def git_blob(git: GitFacts | None) -> bytes | None:
    """git_to_blob, the blob itself for a StoredGit (it encodes back to the same bytes)."""
    return git.blob if isinstance(git, StoredGit) else git_to_blob(git)


def _decode_git(blob: bytes) -> GitFacts:
    doc = json.loads(zlib.decompress(blob))
    times = accumulate(doc["times"], operator.sub)  # t[0], t[0] - d[1], ...
    who = map(doc["emails"].__getitem__, doc["who"])
    return GitFacts(
        available=doc["available"],
        reason=doc["reason"],
        head=doc["head"],
        commits=tuple(zip(times, who, strict=True)),
        tags=tuple(doc["tags"]),
    )


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


class StoredGit(GitFacts):
    """A commit history as stored (git_to_blob), decoded on first use: what a scan read
    for an incremental scan carries. It pickles as the blob, is written back as the same
    blob, and equals (and hashes as) the GitFacts it decodes to; most reused scans never
    need the commits (their signals are kept when the as-of is unchanged)."""

    def __init__(self, blob: bytes) -> None:  # not GitFacts' fields: they are decoded
        object.__setattr__(self, "_blob", blob)
        object.__setattr__(self, "_facts", None)

    @property
    def blob(self) -> bytes:
        blob: bytes = self.__dict__["_blob"]
        return blob

    def decoded(self) -> GitFacts:
        facts: GitFacts | None = self.__dict__["_facts"]
        if facts is None:
            facts = _decode_git(self.blob)
            object.__setattr__(self, "_facts", facts)
        return facts

    @property
    def available(self) -> bool:
        return self.decoded().available

    @property
    def reason(self) -> str:
        return self.decoded().reason

    @property
    def head(self) -> str | None:
        return self.decoded().head

    @property
    def commits(self) -> tuple[tuple[int, str], ...]:
        return self.decoded().commits

    @property
    def tags(self) -> tuple[str, ...]:
        return self.decoded().tags

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredGit):
            return self.blob == other.blob or self.decoded() == other.decoded()
        if isinstance(other, GitFacts):
            return self.decoded() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.decoded())

    def __repr__(self) -> str:
        return repr(self.decoded())

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return StoredGit, (self.blob,)
