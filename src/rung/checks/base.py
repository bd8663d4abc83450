"""Immutable check results and the check specification type.

A check is a pure function from a service's collected facts to a `Finding`.
Nothing is stored on check objects; results are frozen values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rung.collect.facts import ServiceFacts


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class CheckKind(StrEnum):
    STATIC = "static"  # repository contents at HEAD
    CATALOG = "catalog"  # the service's catalog descriptor
    LIVE = "live"  # a running service


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding comes from: a path inside the repository (repo-relative, POSIX)."""

    path: str
    line: int | None = None
    message: str = ""

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "message": self.message}

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # pickled as a call (results cross from workers by the thousand): a frozen slots
        # dataclass otherwise pickles through a slower generic __getstate__
        return Evidence, (self.path, self.line, self.message)


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    status: Status
    message: str = ""
    evidence: tuple[Evidence, ...] = ()

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return Finding, (self.check_id, self.status, self.message, self.evidence)  # see Evidence

    def to_json(self) -> dict[str, object]:
        return {
            "status": str(self.status),
            "evidence": [e.to_json() for e in self.evidence],
            "message": self.message,
        }


CheckFunc = Callable[["ServiceFacts"], Finding]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check: stable id, one-line summary, kind and the pure function."""

    id: str
    summary: str
    func: CheckFunc = field(compare=False)
    kind: CheckKind = CheckKind.STATIC

    def __call__(self, facts: ServiceFacts) -> Finding:
        return self.func(facts)


def check(
    check_id: str, summary: str, kind: CheckKind = CheckKind.STATIC
) -> Callable[[CheckFunc], CheckSpec]:
    """Decorator turning a function into a `CheckSpec` (no registration side effect)."""

    def wrap(func: CheckFunc) -> CheckSpec:
        return CheckSpec(id=check_id, summary=summary, func=func, kind=kind)

    return wrap


def passed(check_id: str, message: str, *evidence: Evidence) -> Finding:
    if not evidence:
        raise ValueError(f"{check_id}: a pass must name its evidence")
    return Finding(check_id, Status.PASS, message, tuple(evidence))


def failed(check_id: str, message: str, *evidence: Evidence) -> Finding:
    return Finding(check_id, Status.FAIL, message, tuple(evidence))


def unknown(check_id: str, message: str) -> Finding:
    return Finding(check_id, Status.UNKNOWN, message)


def not_applicable(check_id: str, message: str) -> Finding:
    return Finding(check_id, Status.NOT_APPLICABLE, message)
