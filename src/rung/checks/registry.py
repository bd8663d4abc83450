"""The check registry: every check by id, from the built-ins and the plugins."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from rung.checks.base import CheckKind, CheckSpec
from rung.errors import ConfigError


@dataclass(frozen=True)
class Registry:
    checks: Mapping[str, CheckSpec]

    def __contains__(self, check_id: object) -> bool:
        return check_id in self.checks

    def __getitem__(self, check_id: str) -> CheckSpec:
        return self.checks[check_id]

    def __iter__(self) -> Iterator[CheckSpec]:
        return iter(sorted(self.checks.values(), key=lambda c: c.id))

    @cached_property
    def live(self) -> list[CheckSpec]:
        """The live checks in id order (what a reused scan runs again), listed once."""
        return [c for c in self if c.kind is CheckKind.LIVE]

    def ids(self, kind: CheckKind | None = None) -> list[str]:
        return sorted(c.id for c in self if kind is None or c.kind == kind)

    def with_checks(self, extra: Iterable[CheckSpec]) -> Registry:
        merged = dict(self.checks)
        for spec in extra:
            if spec.id in merged:
                raise ConfigError(f"duplicate check id {spec.id!r}")
            merged[spec.id] = spec
        return Registry(merged)


def build_registry(*, plugins: bool = True) -> Registry:
    """Collect checks through the plugin hook: the built-ins, then `rung` entry points."""
    import pluggy

    from rung.checks import builtin
    from rung.checks.hookspecs import PROJECT, RungSpec

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(RungSpec)
    pm.register(builtin, name="rung.builtin")
    if plugins:
        pm.load_setuptools_entrypoints(PROJECT)
    out: dict[str, CheckSpec] = {}
    for batch in reversed(pm.hook.rung_checks()):  # builtins first
        for spec in batch:
            if spec.id in out:
                raise ConfigError(f"duplicate check id {spec.id!r}")
            out[spec.id] = spec
    return Registry(out)


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = build_registry()
    return _DEFAULT
