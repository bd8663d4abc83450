"""Matching direct dependencies against tables of library names, across ecosystems.

A rule is a regex over the lower-cased dependency name (PyPI names PEP 503-normalised,
Maven/Gradle names "group:artifact"), optionally scoped to ecosystems with a prefix:
`"hex fuse"` matches only the Hex package `fuse`; `"tenacity"` matches in any ecosystem.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache

from rung.checks.base import Evidence, Finding, failed, passed, unknown
from rung.collect.facts import Dependency, ServiceFacts

MAX_EVIDENCE = 5
_ANY = r"\S+"
PLUGIN_ECOSYSTEMS = frozenset({"maven-plugin", "gradle-plugin"})


def names(*rules: str) -> re.Pattern[str]:
    """One pattern matching "<ecosystem> <name>" for any of the rules."""
    alts = []
    for rule in rules:
        eco, _, name = rule.rpartition(" ")
        alts.append(f"(?:{eco or _ANY}) (?:{name})")
    return re.compile("|".join(alts))


@lru_cache(maxsize=64)
def _globs_re(globs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fnmatch.translate(g.lower())})" for g in globs))


def base_matches(path: str, globs: tuple[str, ...]) -> bool:
    """Whether the base name of `path` matches any glob (case-insensitive)."""
    return _globs_re(globs).match(posixpath.basename(path).lower()) is not None


def matching(facts: ServiceFacts, pattern: re.Pattern[str]) -> list[Dependency]:
    return [d for d in facts.dependencies if pattern.fullmatch(f"{d.ecosystem} {d.name}")]


def first(items: Iterable[Evidence], n: int = MAX_EVIDENCE) -> list[Evidence]:
    """The first `n` items, without duplicates (same path and line)."""
    out: list[Evidence] = []
    seen: set[tuple[str, int | None]] = set()
    for e in items:
        if (e.path, e.line) in seen:
            continue
        seen.add((e.path, e.line))
        out.append(e)
        if len(out) >= n:
            break
    return out


def manifest_trouble(facts: ServiceFacts) -> str:
    return "; ".join(f"{p}: {why}" for p, why in sorted(facts.manifest_errors.items()))


def verdict(
    check_id: str, facts: ServiceFacts, evidence: Iterable[Evidence], found: str, missing: str
) -> Finding:
    """pass with the evidence; else `unknown` when a manifest could not be read (the
    missing library may be declared there), else fail."""
    ev = first(evidence)
    if ev:
        return passed(check_id, found, *ev)
    if facts.manifest_errors:
        return unknown(
            check_id, f"{missing}, but some manifests could not be read: " + manifest_trouble(facts)
        )
    return failed(check_id, missing)
