"""Pydantic schema of a maturity model (product.md §2, §3)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"
CHECK_ID = r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"


class _Strict(BaseModel):
    # Unknown keys are kept aside and reported as warnings by the loader.
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class EvidenceRule(_Strict):
    """`all:` / `any:` of check ids, or `attest: true` when no machine can tell."""

    all_: list[Annotated[str, Field(pattern=CHECK_ID)]] | None = Field(default=None, alias="all")
    any_: list[Annotated[str, Field(pattern=CHECK_ID)]] | None = Field(default=None, alias="any")
    attest: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> EvidenceRule:
        has_checks = bool(self.all_) or bool(self.any_)
        if self.attest and has_checks:
            raise ValueError("an evidence rule is either attest: true or all:/any: of checks")
        if not self.attest and not has_checks:
            raise ValueError("an evidence rule needs all:, any: or attest: true")
        return self

    def check_ids(self) -> list[str]:
        return [*(self.all_ or []), *(self.any_ or [])]


class Expectation(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    expectation: str
    support: str = ""
    evidence: EvidenceRule


class Area(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    name: str
    description: str = ""
    levels: dict[int, list[Expectation]]

    @field_validator("levels")
    @classmethod
    def _levels_positive(cls, v: dict[int, list[Expectation]]) -> dict[int, list[Expectation]]:
        for lvl in v:
            if lvl < 1:
                raise ValueError(f"level {lvl}: levels start at 1")
        return v


class Pillar(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    name: str
    description: str = ""
    areas: list[Area]


class LevelDef(_Strict):
    level: int = Field(ge=1)
    name: str
    summary: str = ""


class Profile(_Strict):
    name: str = ""
    description: str = ""
    focus: list[str] = Field(default_factory=list)
    focus_factor: int = Field(default=2, ge=1)


Threshold = float | bool | str  # str: exact values of a text signal (catalog.lifecycle)


class RiskFactor(_Strict):
    signal: str
    points: dict[Threshold, int]
    description: str = ""

    @field_validator("points", mode="before")
    @classmethod
    def _keys(cls, v: Any) -> Any:
        if not isinstance(v, dict) or not v:
            raise ValueError("points must be a non-empty mapping of threshold to points")
        return v


class RiskPolicy(_Strict):
    factors: dict[str, RiskFactor]
    levels: dict[int, int]  # total points threshold -> required level

    @field_validator("levels")
    @classmethod
    def _ascending(cls, v: dict[int, int]) -> dict[int, int]:
        keys = sorted(v)
        if not keys or keys[0] != 0:
            raise ValueError("levels must start at 0 points")
        vals = [v[k] for k in keys]
        if vals != sorted(vals):
            raise ValueError("required levels must not decrease as points grow")
        return v


class CustomCheck(_Strict):
    """A declarative user check: an instance of a generic check type."""

    id: Annotated[str, Field(pattern=CHECK_ID)]
    type: Literal["file_exists", "file_regex", "dependency", "catalog_field"]
    summary: str = ""
    glob: str | None = None  # file_exists / file_regex: glob over service-relative paths
    pattern: str | None = None  # file_regex: regular expression
    name: str | None = None  # dependency: package name (exact, case-insensitive)
    ecosystem: str | None = None  # dependency: optional ecosystem filter
    field: str | None = None  # catalog_field: dotted path in the descriptor
    equals: str | None = None  # catalog_field: expected value (None: field must be set)

    @model_validator(mode="after")
    def _params(self) -> CustomCheck:
        need = {
            "file_exists": ["glob"],
            "file_regex": ["glob", "pattern"],
            "dependency": ["name"],
            "catalog_field": ["field"],
        }[self.type]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"check type {self.type} needs {', '.join(missing)}")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from exc
        return self


class Model(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    name: str
    version: int = 1
    description: str = ""
    extends: str | None = None  # a built-in model id this one extends / overrides
    levels: list[LevelDef]
    pillars: list[Pillar]
    profiles: dict[str, Profile] = Field(default_factory=dict)
    default_profile: str | None = None
    risk: RiskPolicy | None = None
    checks: list[CustomCheck] = Field(default_factory=list)

    # ----- navigation -----------------------------------------------------------------

    def areas(self) -> list[tuple[Pillar, Area]]:
        return [(p, a) for p in self.pillars for a in p.areas]

    def area(self, area_id: str) -> Area:
        for _, a in self.areas():
            if a.id == area_id:
                return a
        raise KeyError(area_id)

    def max_level(self) -> int:
        return max(ld.level for ld in self.levels)

    def expectations(self) -> list[tuple[Area, int, Expectation]]:
        return [
            (a, lvl, e) for _, a in self.areas() for lvl in sorted(a.levels) for e in a.levels[lvl]
        ]
