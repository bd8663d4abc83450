"""Collect every fact of every service of one repository: all I/O happens here, once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rung.catalog.entity import Service
from rung.collect.facts import Dependency, GitFacts, ServiceFacts
from rung.collect.files import DEFAULT_LIMITS, Limits, in_roots, read_index
from rung.collect.gitcmd import GitError
from rung.collect.history import read_history
from rung.collect.live import probe_live
from rung.collect.manifests import manifest_paths, parse_manifests
from rung.collect.pathindex import PathIndex
from rung.collect.secrets import scan_repository_secrets, secrets_under


def collect_repository(
    repo_path: str,
    services: Sequence[Service],
    as_of: datetime,
    *,
    limits: Limits = DEFAULT_LIMITS,
    live: bool = True,
) -> list[ServiceFacts]:
    """Facts for each service of the repository at `repo_path`, in the order given.

    A repository that cannot be read yields facts with `collect_error` set (every check
    then reports `unknown` with that reason); it never raises for repository content.
    """
    try:
        idx = read_index(repo_path, limits)
    except GitError as exc:
        return [
            ServiceFacts(service=s, collect_error=f"cannot list files: {exc}") for s in services
        ]
    roots = [s.root for s in services]
    try:
        histories = read_history(repo_path, roots)
    except Exception as exc:  # never raise for repository content
        reason = f"cannot read git history: {type(exc).__name__}: {exc}"
        histories = {r: GitFacts(available=False, reason=reason) for r in roots}
    # each file is scanned once per repository, then each service takes its part
    in_services = in_roots(idx.files, roots)
    secret_hits, secret_errors = scan_repository_secrets(idx.texts, in_services)
    single = len(services) == 1 and services[0].root in (".", "")
    repo_files = tuple(idx.files)
    paths_index = PathIndex(repo_files)  # shared by the services: each lookup done once
    manifests = _manifests_once(idx.texts, in_roots(manifest_paths(paths_index), roots))
    out: list[ServiceFacts] = []
    for svc in services:
        files = repo_files if svc.root in (".", "") else tuple(in_roots(repo_files, [svc.root]))
        deps, manifest_errors = _service_manifests(manifests, files)
        secrets, secret_error = secrets_under(svc.root, secret_hits, secret_errors)
        out.append(
            ServiceFacts(
                service=svc,
                files=files,
                repo_files=repo_files,
                texts=idx.texts,
                sizes=idx.sizes,
                skipped=idx.skipped,
                dependencies=tuple(deps),
                manifest_errors=manifest_errors,
                secrets=tuple(secrets),
                secret_scan_error=secret_error,
                git=histories.get(svc.root, GitFacts(available=False, reason="no history")),
                live=probe_live(svc) if live else {},
                single_service_repo=single,
                paths_index=paths_index,
            )
        )
    return out


_Parsed = tuple[list[Dependency], dict[str, str]]


def _manifests_once(texts: dict[str, str], paths: Sequence[str]) -> dict[str, _Parsed]:
    """Each manifest of the repository parsed once (services of a monorepo share them)."""
    out: dict[str, _Parsed] = {}
    for path in paths:
        try:
            out[path] = parse_manifests(texts, [path])
        except Exception as exc:  # never raise for repository content
            out[path] = [], {path: f"manifest not read: {type(exc).__name__}"}
    return out


def _service_manifests(parsed: dict[str, _Parsed], files: Sequence[str]) -> _Parsed:
    deps: list[Dependency] = []
    errors: dict[str, str] = {}
    for path in files:
        if path in parsed:
            deps += parsed[path][0]
            errors.update(parsed[path][1])
    return deps, errors
