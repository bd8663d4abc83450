"""The workspace file `rung.yaml`: default model and profile, risk policy overrides, stability.

```yaml
model: microservices          # default model reference (id or file)
profile: ecommerce            # default business profile
risk:
  factors:
    change_frequency: {points: {0: 0, 20: 1, 60: 2}}     # merged into the model's factor
    age: null                                             # removed
    lifecycle: {signal: catalog.lifecycle, points: {production: 2, experimental: 0}}
  levels: {0: 1, 3: 2, 6: 3, 9: 4}                        # replaces the bands
stability: {margin: 1, snapshots: 2}
```

Every error names the file, the line and the path of the bad key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rung.errors import ConfigError
from rung.model.schema import Model, RiskFactor, RiskPolicy, Threshold
from rung.model.yamlpos import Located, format_path, load_located
from rung.model.yamlpos import Path as NodePath

WORKSPACE_FILE = "rung.yaml"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class FactorSpec(_Spec):
    """A factor as written in rung.yaml: merged field by field into the model's factor."""

    signal: str | None = None
    points: dict[Threshold, int] | None = None
    description: str | None = None


class RiskSpec(_Spec):
    factors: dict[str, FactorSpec | None] = Field(default_factory=dict)  # None: remove
    levels: dict[int, int] | None = None  # replaces the model's bands


class StabilitySettings(_Spec):
    margin: int = Field(default=1, ge=0)  # points past a band edge that move a level at once
    snapshots: int = Field(default=2, ge=1)  # consecutive snapshots that move it anyway


class WorkspaceConfig(_Spec):
    model: str | None = None
    profile: str | None = None
    risk: RiskSpec = Field(default_factory=RiskSpec)
    stability: StabilitySettings = Field(default_factory=StabilitySettings)


# ----- signals a factor may read ---------------------------------------------------------


class SignalKind(StrEnum):
    NUMBER = "number"
    BOOL = "bool"
    TEXT = "text"


BASE_SIGNALS: dict[str, SignalKind] = {
    "git.commits_total": SignalKind.NUMBER,
    "git.commits_90d": SignalKind.NUMBER,
    "git.authors_90d": SignalKind.NUMBER,
    "age_days": SignalKind.NUMBER,
    "catalog.critical_path": SignalKind.BOOL,
}
# Service fields exposed as `catalog.<field>` (rung.assess.service.risk_signals)
CATALOG_FIELDS = (
    "name",
    "repo_name",
    "root",
    "source",
    "owner",
    "system",
    "lifecycle",
    "type",
    "profile",
)
CATALOG_MAPS = ("catalog.annotations.", "catalog.labels.")


def signal_kind(signal: str) -> SignalKind | None:
    """The kind of a known signal, or None when no scan or catalog provides it."""
    if signal in BASE_SIGNALS:
        return BASE_SIGNALS[signal]
    if signal.removeprefix("catalog.") in CATALOG_FIELDS and signal.startswith("catalog."):
        return SignalKind.TEXT
    if any(signal.startswith(p) and len(signal) > len(p) for p in CATALOG_MAPS):
        return SignalKind.TEXT
    return None


def _unknown_signal(signal: str) -> str:
    msg = f"unknown signal {signal!r}"
    if signal.startswith("catalog."):
        key = signal.removeprefix("catalog.")
        return (
            f"{msg}: catalog fields are {', '.join(CATALOG_FIELDS)}, critical_path; "
            f"for a label or annotation use catalog.labels.{key} or catalog.annotations.{key}"
        )
    return f"{msg}: known signals are {', '.join(BASE_SIGNALS)}, catalog.<field>"


def _key_problem(kind: SignalKind, key: Threshold) -> str | None:
    if kind is SignalKind.BOOL:
        return None if isinstance(key, bool) else f"a {kind} signal takes true/false keys"
    if isinstance(key, bool):
        return f"a {kind} signal takes no true/false keys (quote the value: '{str(key).lower()}')"
    if kind is SignalKind.NUMBER and isinstance(key, str):
        return f"a {kind} signal takes numeric thresholds, not {key!r}"
    return None


# ----- the loaded workspace ----------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    config: WorkspaceConfig = field(default_factory=WorkspaceConfig)
    source: str | None = None  # the rung.yaml read, or None for defaults
    located: Located | None = None
    warnings: tuple[str, ...] = ()

    @property
    def stability(self) -> StabilitySettings:
        return self.config.stability

    @property
    def profile(self) -> str | None:
        return self.config.profile

    @property
    def model(self) -> str | None:
        return self.config.model

    def where(self, path: NodePath) -> str:
        """`file:line: path` of a node of rung.yaml."""
        if self.located is None:
            return f"{self.source or WORKSPACE_FILE}: {'.'.join(map(str, path))}"
        line = self.located.line_of(path) or "?"
        return f"{self.source}:{line}: {format_path(self.located.data, path)}"

    def apply_risk(self, base: RiskPolicy, model: Model | None = None) -> RiskPolicy:
        """The policy in force: `base` (the model's) with this workspace's overrides.
        With `model`, bands and the default profile are checked against it."""
        errors: list[str] = []
        factors = _merge_factors(self, base, errors)
        levels = self.config.risk.levels if self.config.risk.levels is not None else base.levels
        if model is not None:
            _check_model(self, model, errors)
        if errors:
            raise ConfigError("\n".join(errors))
        try:
            return RiskPolicy(factors=factors, levels=levels)
        except ValidationError as exc:
            msg = "; ".join(str(e["msg"]) for e in exc.errors())
            raise ConfigError(f"{self.where(('risk',))}: {msg}") from exc


def _merge_factors(ws: Workspace, base: RiskPolicy, errors: list[str]) -> dict[str, RiskFactor]:
    factors = dict(base.factors)
    for name, spec in ws.config.risk.factors.items():
        path: NodePath = ("risk", "factors", name)
        if spec is None:
            factors.pop(name, None)
            continue
        given = spec.model_dump(exclude_none=True, exclude_unset=True)
        merged = {**factors[name].model_dump(), **given} if name in factors else given
        missing = [k for k in ("signal", "points") if k not in merged]
        if missing:
            errors.append(f"{ws.where(path)}: a new factor needs {' and '.join(missing)}")
            continue
        kind = signal_kind(merged["signal"])
        if kind is not None:
            for key in merged["points"]:
                problem = _key_problem(kind, key)
                if problem:
                    errors.append(f"{ws.where((*path, 'points'))}: {problem}")
                    break
        factors[name] = RiskFactor.model_validate(merged)
    return factors


def _check_model(ws: Workspace, model: Model, errors: list[str]) -> None:
    top = model.max_level()
    for pts, level in (ws.config.risk.levels or {}).items():
        if level > top:
            errors.append(
                f"{ws.where(('risk', 'levels', pts))}: level {level} is above "
                f"the model's highest level {top}"
            )
    if ws.profile is not None and ws.profile not in model.profiles:
        known = ", ".join(sorted(model.profiles)) or "none"
        errors.append(f"{ws.where(('profile',))}: unknown profile {ws.profile!r} (known: {known})")


# ----- loading -------------------------------------------------------------------------------


def load_workspace(path: str | None = None) -> Workspace:
    """Read `path`, or `rung.yaml` in the current folder when it exists; defaults otherwise."""
    if path is None:
        if not Path(WORKSPACE_FILE).is_file():
            return Workspace()
        path = WORKSPACE_FILE
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read workspace file: {exc}") from exc
    return load_workspace_text(text, path)


def load_workspace_text(text: str, source: str) -> Workspace:
    try:
        loc = load_located(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if loc.data is None:
        return Workspace(source=source, located=loc)
    if not isinstance(loc.data, dict):
        raise ConfigError(f"{source}:1: a workspace file must be a YAML mapping")
    try:
        config = WorkspaceConfig.model_validate(loc.data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, loc, source)) from exc
    ws = Workspace(config, source, loc)
    errors = _check_signals(ws) + _check_bands(ws)
    if errors:
        raise ConfigError("\n".join(errors))
    extras = sorted(_extras(config, ()), key=lambda p: (loc.line_of(p) or 0, str(p)))
    warnings = tuple(f"{ws.where(p)}: unknown key ignored" for p in extras)
    return Workspace(config, source, loc, warnings)


def _check_signals(ws: Workspace) -> list[str]:
    errors = []
    for name, spec in ws.config.risk.factors.items():
        if spec is None:
            continue
        path: NodePath = ("risk", "factors", name)
        if spec.signal is not None and signal_kind(spec.signal) is None:
            errors.append(f"{ws.where((*path, 'signal'))}: {_unknown_signal(spec.signal)}")
        if spec.points is not None and not spec.points:
            errors.append(f"{ws.where((*path, 'points'))}: points must not be empty")
    return errors


def _check_bands(ws: Workspace) -> list[str]:
    bands = ws.config.risk.levels
    if bands is None:
        return []
    path: NodePath = ("risk", "levels")
    if not bands:
        return [f"{ws.where(path)}: bands must not be empty"]
    errors = []
    if 0 not in bands:
        errors.append(f"{ws.where(path)}: bands must start at 0 points")
    previous: tuple[int, int] | None = None
    for pts in bands:  # in the order written
        level = bands[pts]
        if pts < 0:
            errors.append(f"{ws.where((*path, pts))}: points must not be negative")
        elif level < 1:
            errors.append(f"{ws.where((*path, pts))}: a required level starts at 1")
        elif previous is not None and (pts <= previous[0] or level <= previous[1]):
            errors.append(
                f"{ws.where((*path, pts))}: bands not ascending: {pts} points -> level "
                f"{level} follows {previous[0]} points -> level {previous[1]}"
            )
        previous = (pts, level)
    return errors


def _describe(exc: ValidationError, loc: Located, source: str) -> str:
    seen: dict[str, str] = {}
    for err in exc.errors():
        path = _data_path(loc.data, err["loc"])
        where = f"{source}:{loc.line_of(path) or '?'}: {format_path(loc.data, path)}"
        seen.setdefault(where, f"{where}: {err['msg']}")
    return "\n".join(seen.values())


def _data_path(data: Any, parts: tuple[Any, ...]) -> NodePath:
    out: list[str | int] = []
    cur = data
    for part in parts:
        if not isinstance(cur, dict) or part not in cur:
            break
        out.append(part)
        cur = cur[part]
    return tuple(out)


def _extras(obj: Any, path: NodePath) -> list[NodePath]:
    found: list[NodePath] = []
    if isinstance(obj, BaseModel):
        found += [(*path, key) for key in obj.model_extra or {}]
        for name in type(obj).model_fields:
            found += _extras(getattr(obj, name), (*path, name))
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            found += _extras(v, (*path, k))
    return found
