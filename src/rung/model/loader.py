"""Load, extend and validate maturity models; errors name file, line and document path."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from rung import __version__
from rung.errors import ConfigError
from rung.model.schema import Model
from rung.model.yamlpos import Located, format_path, load_located

if TYPE_CHECKING:
    from rung.checks.registry import Registry

BUILTIN_PACKAGE = "rung.model.builtin"


@dataclass(frozen=True)
class LoadedModel:
    model: Model
    source: str  # file path, or "builtin:<id>"
    hash: str  # "sha256:..." of the canonical model document
    warnings: tuple[str, ...] = field(default=())


def builtin_ids() -> list[str]:
    files = resources.files(BUILTIN_PACKAGE)
    return sorted(f.name.rsplit(".", 1)[0] for f in files.iterdir() if f.name.endswith(".yaml"))


def _builtin_text(model_id: str) -> str:
    f = resources.files(BUILTIN_PACKAGE) / f"{model_id}.yaml"
    if not f.is_file():
        raise ConfigError(
            f"unknown model {model_id!r}: built-in models are {', '.join(builtin_ids())}"
        )
    return f.read_text(encoding="utf-8")


def _parse(text: str, source: str) -> Located:
    try:
        loc = load_located(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from exc
    if not isinstance(loc.data, dict):
        raise ConfigError(f"{source}:1: a model must be a YAML mapping")
    return loc


def load_model(
    ref: str,
    *,
    registry: Registry | None = None,
    cache: str | None = None,
) -> LoadedModel:
    """Load a built-in model by id, or a model file by path; validate check ids.
    `cache`: a folder where the validated model is kept for the next load (ModelCache:
    an entry is used only when it is exactly what loading the text again would give)."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{ref}: cannot read model: {exc.strerror or exc}") from exc
        source = str(path)
    else:
        text, source = _builtin_text(ref), f"builtin:{ref}"
    if cache is None:
        return load_model_text(text, source, registry=registry)
    kept = ModelCache(cache, text, source)
    loaded = kept.load(registry)
    if loaded is None:
        loaded = load_model_text(text, source, registry=registry)
        kept.save(loaded)
    return loaded


def load_model_text(text: str, source: str, *, registry: Registry | None = None) -> LoadedModel:
    loc = _parse(text, source)
    data = loc.data
    if isinstance(data.get("extends"), str):
        base = _parse(_builtin_text(data["extends"]), f"builtin:{data['extends']}").data
        data = merge_models(base, data)
    try:
        model = Model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, loc, source)) from exc
    warnings = [
        f"{source}:{loc.line_of(p) or '?'}: {format_path(loc.data, p)}: unknown key ignored"
        for p in _extras(model, ())
    ]
    _check_semantics(model, loc, source, registry)
    return LoadedModel(model, source, model_hash(model), tuple(warnings))


def model_hash(model: Model) -> str:
    """ "sha256:..." of the canonical model document."""
    canonical = json.dumps(model.model_dump(mode="json", by_alias=True), sort_keys=True)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def model_document(model: Model, *, sort_keys: bool = True) -> str:
    """The validated model as YAML: unlike JSON, YAML keeps the types of mapping keys
    (numeric, boolean and text risk thresholds), so the document reloads to an equal
    model (in the order of the model's mappings too, without `sort_keys`)."""
    data = model.model_dump(mode="python", by_alias=True)
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=sort_keys, allow_unicode=True)


def model_from_document(document: str) -> Model:
    return Model.model_validate(yaml.load(document, Loader=yaml.CSafeLoader))


class ModelCache:
    """One model kept on disk between runs, so that loading it again skips parsing it
    with the line of every node (for error messages), most of the cost of a load.

    One entry per model source (`<folder>/model-<digest of the source>.json`: editing a
    model file replaces its entry) holds a key (covering rung's version, the source and
    the text), the model's document (model_document, in the model's order: the order of
    risk factors shows in reports), hash, warnings and exact form (a digest of the repr
    of its dump: values, types, order), and the hash of the built-in model it extends.
    It is used only when the key is this load's, that built-in is unchanged, the
    document validates to a model of that exact form, and the model's check ids are
    known to `registry` (plugins may have changed); anything else (a damaged, stale or
    failing entry) is a miss: the model is loaded from its text (and any error reported
    with its line), and the entry written again."""

    def __init__(self, folder: str, text: str, source: str) -> None:
        name = hashlib.sha256(source.encode()).hexdigest()[:32]
        self.path = os.path.join(folder, f"model-{name}.json")
        self.key = hashlib.sha256("\0".join((__version__, source, text)).encode()).hexdigest()

    def load(self, registry: Registry | None) -> LoadedModel | None:
        try:
            with open(self.path, encoding="utf-8") as fh:
                entry = json.load(fh)
            if entry["key"] != self.key or entry["base"] != _base_hash(entry["extends"]):
                return None
            model = model_from_document(entry["document"])
            if _exact(model) != entry["exact"]:
                return None
            _check_semantics(model, Located(None), entry["source"], registry)
            return LoadedModel(model, entry["source"], entry["hash"], tuple(entry["warnings"]))
        except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError, ConfigError):
            return None  # ValueError: also bad JSON and a document that fails validation

    def save(self, loaded: LoadedModel) -> None:
        """Write the entry (atomically; a cache that cannot be written is no error)."""
        extends = loaded.model.extends if isinstance(loaded.model.extends, str) else None
        entry = {
            "key": self.key,
            "source": loaded.source,
            "hash": loaded.hash,
            "warnings": list(loaded.warnings),
            "extends": extends,
            "base": _base_hash(extends),
            "document": model_document(loaded.model, sort_keys=False),
            "exact": _exact(loaded.model),
        }
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".model-", dir=os.path.dirname(self.path))
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh)
            os.replace(tmp, self.path)
        except (OSError, ValueError, TypeError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _exact(model: Model) -> str:
    """A digest of everything about `model`: the repr of its dump (mapping order, key
    and value types included)."""
    dump = model.model_dump(mode="python", by_alias=True)
    return hashlib.sha256(repr(dump).encode()).hexdigest()


def _base_hash(extends: str | None) -> str | None:
    """The hash of the built-in model `extends` names (None when it names none)."""
    if extends is None:
        return None
    return hashlib.sha256(_builtin_text(extends).encode()).hexdigest()


def _describe(exc: ValidationError, loc: Located, source: str) -> str:
    lines = []
    for err in exc.errors():
        path = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        # pydantic reports unions/tagged branches with extra loc parts; keep data keys only
        path = _data_path(loc.data, path)
        line = loc.line_of(path)
        lines.append(f"{source}:{line or '?'}: {format_path(loc.data, path)}: {err['msg']}")
    return "\n".join(lines)


def _data_path(data: Any, path: tuple[Any, ...]) -> tuple[str | int, ...]:
    out: list[str | int] = []
    cur = data
    for part in path:
        if isinstance(cur, dict):
            key = part
            if key not in cur:
                # int level keys arrive as ints; aliases such as all/any arrive as names
                alt = {str(k): k for k in cur}.get(str(part).rstrip("_"))
                if alt is None:
                    out.append(part)
                    break
                key = alt
            out.append(key)
            cur = cur[key]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        else:
            break
    return tuple(out)


def _extras(obj: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = []
    if isinstance(obj, BaseModel):
        for key in obj.model_extra or {}:
            found.append((*path, key))
        for name, info in type(obj).model_fields.items():
            found += _extras(getattr(obj, name), (*path, info.alias or name))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += _extras(item, (*path, i))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            found += _extras(v, (*path, k))
    return found


def _check_semantics(model: Model, loc: Located, source: str, registry: Registry | None) -> None:
    errors: list[str] = []

    def err(path: tuple[str | int, ...], msg: str) -> None:
        errors.append(f"{source}:{loc.line_of(path) or '?'}: {format_path(loc.data, path)}: {msg}")

    if registry is None:
        from rung.checks.registry import default_registry

        registry = default_registry()
    known = set(registry.checks) | {c.id for c in model.checks}
    level_ids = {ld.level for ld in model.levels}
    seen_areas: set[str] = set()
    for pi, pillar in enumerate(model.pillars):
        for ai, area in enumerate(pillar.areas):
            apath: tuple[str | int, ...] = ("pillars", pi, "areas", ai)
            if area.id in seen_areas:
                err((*apath, "id"), f"duplicate area id {area.id!r}")
            seen_areas.add(area.id)
            seen_exp: set[str] = set()
            for lvl, exps in area.levels.items():
                if lvl not in level_ids:
                    err((*apath, "levels", lvl), f"level {lvl} is not one of the model's levels")
                for ei, exp in enumerate(exps):
                    epath = (*apath, "levels", lvl, ei)
                    if exp.id in seen_exp:
                        err((*epath, "id"), f"duplicate expectation id {exp.id!r} in {area.id}")
                    seen_exp.add(exp.id)
                    for kind, ids in (("all", exp.evidence.all_), ("any", exp.evidence.any_)):
                        for ci, cid in enumerate(ids or []):
                            if cid not in known:
                                err((*epath, "evidence", kind, ci), f"unknown check {cid!r}")
    for name, profile in model.profiles.items():
        for fi, area_id in enumerate(profile.focus):
            if area_id not in seen_areas:
                err(("profiles", name, "focus", fi), f"unknown area {area_id!r}")
    builtin = set(registry.checks)
    for ci, custom in enumerate(model.checks):
        if custom.id in builtin:
            err(("checks", ci, "id"), f"check id {custom.id!r} is already a built-in check")
    if model.default_profile and model.default_profile not in model.profiles:
        err(("default_profile",), f"unknown profile {model.default_profile!r}")
    if errors:
        raise ConfigError("\n".join(errors))


def merge_models(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`extends:` semantics: the overriding document wins key by key; pillars and areas
    merge by id (an area's levels are replaced level by level); profiles and risk factors
    merge by name; custom checks are appended."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key == "pillars" and isinstance(value, list):
            out["pillars"] = _merge_by_id(out.get("pillars", []), value, _merge_pillar)
        elif key in ("profiles",) and isinstance(value, dict):
            out[key] = {**out.get(key, {}), **value}
        elif key == "risk" and isinstance(value, dict) and isinstance(out.get("risk"), dict):
            risk = dict(out["risk"])
            if isinstance(value.get("factors"), dict):
                risk["factors"] = {**risk.get("factors", {}), **value["factors"]}
            if "levels" in value:
                risk["levels"] = value["levels"]
            out["risk"] = risk
        elif key == "checks" and isinstance(value, list):
            out["checks"] = [*out.get("checks", []), *value]
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_pillar(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = {**base, **{k: v for k, v in over.items() if k != "areas"}}
    if isinstance(over.get("areas"), list):
        out["areas"] = _merge_by_id(base.get("areas", []), over["areas"], _merge_area)
    return out


def _merge_area(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = {**base, **{k: v for k, v in over.items() if k != "levels"}}
    if isinstance(over.get("levels"), dict):
        out["levels"] = {**base.get("levels", {}), **over["levels"]}
    return out


def _merge_by_id(base: list[Any], over: list[Any], merge: Any) -> list[Any]:
    result = list(base)
    index = {item.get("id"): i for i, item in enumerate(result) if isinstance(item, dict)}
    for item in over:
        if isinstance(item, dict) and item.get("id") in index:
            i = index[item["id"]]
            result[i] = merge(result[i], item)
        else:
            result.append(item)
    return result
