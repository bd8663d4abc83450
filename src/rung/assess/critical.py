"""The critical path through dependencies (issue 4).

A service that a critical-path service depends on (`spec.dependsOn` names components,
`spec.consumesApis` names APIs, resolved to every component that `providesApis` them),
transitively, is on the critical path too, unless its own catalog entry says
`rung.dev/critical-path: "false"` (`Service.critical_path is False`). Such an opt-out
also stops the inheritance: what only it depends on is not reached through it.

The chain of a service runs from the declared critical-path service it inherits from
to itself: `("checkout", "payments", "ledger")`; a declared one has `(name,)`. The
shortest chain wins; among equally short ones, the first by names (root first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rung.catalog.entity import Service


@dataclass(frozen=True, slots=True)
class CriticalPath:
    critical: bool
    chain: tuple[str, ...] = ()

    @property
    def inherited(self) -> bool:
        return len(self.chain) > 1

    @property
    def root(self) -> str | None:
        return self.chain[0] if self.chain else None


NOT_CRITICAL = CriticalPath(False)


def dependency_graph(services: Iterable[Service]) -> dict[str, tuple[str, ...]]:
    """Service name -> the names of the catalogued services it depends on, sorted."""
    svcs = list(services)
    names = {s.name for s in svcs}
    providers: dict[str, set[str]] = {}
    for s in svcs:
        for api in s.provides_apis:
            providers.setdefault(api, set()).add(s.name)
    graph: dict[str, tuple[str, ...]] = {}
    for s in svcs:
        deps = {d for d in s.depends_on if d in names}
        for api in s.consumes_apis:
            deps |= providers.get(api, set())
        deps.discard(s.name)
        graph[s.name] = tuple(sorted(deps))
    return graph


def critical_paths(services: Iterable[Service]) -> dict[str, CriticalPath]:
    """Every service's critical-path flag and chain (breadth-first from the declared ones)."""
    svcs = {s.name: s for s in services}
    graph = dependency_graph(svcs.values())
    best: dict[str, tuple[str, ...]] = {
        name: (name,) for name, s in sorted(svcs.items()) if s.critical_path is True
    }
    frontier = sorted(best)
    while frontier:
        found: dict[str, tuple[str, ...]] = {}
        for name in frontier:
            for dep in graph[name]:
                if dep in best or svcs[dep].critical_path is False:
                    continue
                chain = (*best[name], dep)
                if dep not in found or chain < found[dep]:
                    found[dep] = chain
        best.update(found)
        frontier = sorted(found)
    return {name: CriticalPath(True, best[name]) if name in best else NOT_CRITICAL for name in svcs}


def chain_text(chain: tuple[str, ...]) -> str:
    """`declared` or `inherited from checkout via payments`."""
    if len(chain) <= 1:
        return "declared"
    via = chain[1:-1]
    return f"inherited from {chain[0]}" + (f" via {' -> '.join(via)}" if via else "")


def critical_of(paths: Mapping[str, CriticalPath], name: str) -> CriticalPath:
    return paths.get(name, NOT_CRITICAL)
