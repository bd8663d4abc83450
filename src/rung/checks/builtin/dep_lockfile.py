"""security.lockfile: the service's dependencies are pinned by a lock file.

checks.md: "dependencies are pinned: a lock file (...)". A lock file of an ecosystem the
service declares dependencies in passes; the message names the declared ecosystems that
have none (a Laravel service with `composer.lock` passes even though the `package.json`
of its asset build has no lock). The check fails when no declared ecosystem is locked.

A lock file counts for its ecosystem when it is in the service tree, or in a folder above
the service root up to the repository root (a workspace lock file locks its members:
npm/yarn/pnpm workspaces, Cargo and uv/Poetry workspaces, Gradle, NuGet, Bundler,
Composer, Mix). Go is the exception: go.sum belongs to the module beside it, so a go.sum
above the service's own go.mod does not lock it. A `requirements*.txt` (or
`requirements/*.txt`) whose every requirement is `==`-pinned is a PyPI lock file.
Maven has no standard lock file, so a Maven-only service fails.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from fnmatch import fnmatchcase

from rung.checks.base import Evidence, Finding, check, failed, not_applicable, passed, unknown
from rung.checks.builtin.depmatch import (
    MAX_EVIDENCE,
    PLUGIN_ECOSYSTEMS,
    base_matches,
    manifest_trouble,
)
from rung.collect.facts import ServiceFacts
from rung.collect.files import parent_dirs
from rung.collect.manifests import is_manifest, is_pinned, iter_requirements

LOCK_FILES: tuple[tuple[str, str], ...] = (  # (base-name glob, ecosystem)
    ("poetry.lock", "pypi"),
    ("pipfile.lock", "pypi"),
    ("uv.lock", "pypi"),
    ("pdm.lock", "pypi"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
    ("yarn.lock", "npm"),
    ("pnpm-lock.y*ml", "npm"),
    ("bun.lock", "npm"),
    ("bun.lockb", "npm"),
    ("go.sum", "go"),
    ("gopkg.lock", "go"),
    ("glide.lock", "go"),
    ("cargo.lock", "cargo"),
    ("gemfile.lock", "rubygems"),
    ("composer.lock", "composer"),
    ("gradle.lockfile", "gradle"),
    ("packages.lock.json", "nuget"),
    ("mix.lock", "hex"),
)
_NOTES = {"maven": ": Maven has no standard lock file"}
_NOT_WORKSPACE = frozenset({"go"})  # lock files that only lock the module beside them


_LOCK_GLOBS = tuple(glob for glob, _ in LOCK_FILES)
_LOCK_CANDIDATES = (*_LOCK_GLOBS, "*.lockfile")  # base names `lock_ecosystem` may accept


def lock_ecosystem(path: str) -> str | None:
    base = posixpath.basename(path).lower()
    if base_matches(path, _LOCK_GLOBS):
        return next(eco for glob, eco in LOCK_FILES if fnmatchcase(base, glob))
    if base.endswith(".lockfile") and "dependency-locks" in path.lower().split("/"):
        return "gradle"  # Gradle < 7 per-configuration lock files
    return None


_TXT = frozenset({"txt"})


def _requirements_files(facts: ServiceFacts) -> list[str]:
    return [p for p in facts.file_index.with_ext(_TXT) if is_manifest(p)]


def _first_unpinned(text: str) -> tuple[int, str] | None:
    """(line, name) of the first requirement that is not `==`-pinned."""
    for line, _raw, name, version in iter_requirements(text):
        if not is_pinned(version):
            return line, name
    return None


def _locks(facts: ServiceFacts) -> Iterator[tuple[str, Evidence]]:
    """(ecosystem, evidence) of each lock file that locks the service."""
    for p in facts.find(*_LOCK_CANDIDATES):
        eco = lock_ecosystem(p)
        if eco:
            yield eco, Evidence(p, None, f"{eco} lock file")
    above = set(parent_dirs(facts.root)) | {""} if facts.root not in (".", "") else set()
    for p in facts.find(*_LOCK_CANDIDATES, repo=True) if above else ():
        eco = lock_ecosystem(p) if p.rpartition("/")[0] in above else None
        if eco and eco not in _NOT_WORKSPACE:
            yield eco, Evidence(p, None, f"workspace {eco} lock file")
    for p in _requirements_files(facts):
        text = facts.texts.get(p)
        if text and any(True for _ in iter_requirements(text)) and _first_unpinned(text) is None:
            yield "pypi", Evidence(p, None, "every requirement ==-pinned")


def _unpinned_note(facts: ServiceFacts) -> Iterator[Evidence]:
    for p in _requirements_files(facts):
        hit = _first_unpinned(facts.texts.get(p, ""))
        if hit:
            yield Evidence(p, hit[0], f"not ==-pinned: {hit[1]}")


@check("security.lockfile", "Dependencies are pinned by a lock file")
def lockfile(facts: ServiceFacts) -> Finding:
    needed: dict[str, list[str]] = {}
    for d in facts.dependencies:
        if d.ecosystem not in PLUGIN_ECOSYSTEMS:
            needed.setdefault(d.ecosystem, [])
            if d.manifest not in needed[d.ecosystem]:
                needed[d.ecosystem].append(d.manifest)
    if not needed:
        if facts.manifest_errors:
            return unknown("security.lockfile", "unreadable manifests: " + manifest_trouble(facts))
        return not_applicable("security.lockfile", "no dependencies declared in manifests")
    locks: dict[str, list[Evidence]] = {}
    for eco, lock in _locks(facts):
        locks.setdefault(eco, []).append(lock)
    missing = sorted(set(needed) - set(locks))
    if len(missing) == len(needed):
        parts = [f"{eco} ({', '.join(needed[eco])}){_NOTES.get(eco, '')}" for eco in missing]
        ev = [
            Evidence(m, None, f"{eco} manifest without lock file")
            for eco in missing
            for m in needed[eco]
        ]
        if "pypi" in missing:
            ev += list(_unpinned_note(facts))
        return failed(
            "security.lockfile", "no lock file for " + "; ".join(parts), *ev[:MAX_EVIDENCE]
        )
    locked = sorted(set(needed) & set(locks))
    ev = [e for eco in locked for e in locks[eco][:2]]
    unlocked = f" (no lock file for {', '.join(missing)})" if missing else ""
    return passed(
        "security.lockfile",
        "dependencies locked: " + ", ".join(locked) + unlocked,
        *ev[:MAX_EVIDENCE],
    )


LOCKFILE = lockfile
