"""Built-in checks: deployment (deploy.k8s, deploy.probes, deploy.progressive).

Kubernetes YAML is split into documents on `---` lines and each document is parsed on
its own, so line numbers are exact per document; a document that is not valid YAML (a
Helm template with `{{ }}`) falls back to a regex on its top-level `kind:` line. The
helpers here (`yaml_load`, `manifests_of`, `service_workloads`, `walk`) are shared with
the container, ci and catalog checks.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from rung.checks import yamlfast
from rung.checks.base import (
    CheckSpec,
    Evidence,
    Finding,
    check,
    failed,
    not_applicable,
    passed,
)
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5
MAX_WALK = 50_000
WORKLOAD_KINDS = frozenset({"deployment", "statefulset", "daemonset", "cronjob", "rollout"})
NAME_SUFFIXES = ("", "-deployment", "-statefulset", "-rollout", "-service")
_DOC_SPLIT = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)
_KIND = re.compile(r"^kind:[ \t]*[\"']?([A-Za-z]+)", re.MULTILINE)
_API = re.compile(r"^apiVersion:", re.MULTILINE)
_PROBE = re.compile(r"^[ \t]*-?[ \t]*[\"']?(livenessProbe|readinessProbe)[\"']?\s*:", re.MULTILINE)
_YAML_ERRORS = (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError)


# ----- YAML ------------------------------------------------------------------------------


def is_yaml(path: str) -> bool:
    return path.lower().endswith((".yaml", ".yml"))


@lru_cache(maxsize=8192)
def yaml_load(text: str) -> tuple[bool, Any]:
    """(ok, data) of one YAML document; never raises."""
    try:
        return True, yamlfast.load(text)
    except _YAML_ERRORS:
        return False, None


def walk(obj: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) of every mapping entry inside `obj`, each container visited once."""
    seen: set[int] = set()
    stack = [obj]
    budget = MAX_WALK
    while stack and budget > 0:
        cur = stack.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        budget -= 1
        if isinstance(cur, dict):
            for k, v in cur.items():
                yield k, v
                if isinstance(v, dict | list):
                    stack.append(v)
        elif isinstance(cur, list):
            stack.extend(v for v in cur if isinstance(v, dict | list))


def line_in(text: str, pattern: re.Pattern[str], start: int = 1) -> int | None:
    """1-based line of the first match of `pattern` in `text` (offset by `start` - 1)."""
    m = pattern.search(text)
    return None if m is None else start + text.count("\n", 0, m.start())


# ----- Kubernetes manifests --------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes document of a YAML file (of a kind in `READ_KINDS`)."""

    path: str
    line: int  # line of its `kind:` (or of the document start)
    start: int  # 1-based first line of the document
    kind: str  # lower-cased
    api: str
    name: str | None  # metadata.name, None when not parsed
    doc: Any  # parsed document (dict) or None (template fallback)
    text: str  # the document's text


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    pos, line = 0, 1
    for m in _DOC_SPLIT.finditer(text):
        yield line, text[pos : m.start()]
        line += text.count("\n", pos, m.end()) + 1
        pos = m.end() + 1
    yield line, text[pos:]


# The kinds the checks read (`service_workloads`, `_progressive`): no other document is
# parsed or kept.
READ_KINDS = WORKLOAD_KINDS | {"canary"}


def _may_be_read(chunk: str) -> bool:
    """Whether a document's kind may be one of `READ_KINDS`. Its kind is a string of the
    document's own text (lower-cased, ASCII letters), unless written with a `\\` escape."""
    low = chunk.lower()
    return "\\" in chunk or any(kind in low for kind in READ_KINDS)


def _manifest(path: str, start: int, chunk: str) -> Manifest | None:
    km = _KIND.search(chunk)
    if km is None or _API.search(chunk) is None or not _may_be_read(chunk):
        return None
    line = start + chunk.count("\n", 0, km.start())
    ok, doc = yaml_load(chunk)
    if ok and isinstance(doc, dict) and isinstance(doc.get("kind"), str):
        meta = doc.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        return Manifest(
            path,
            line,
            start,
            str(doc["kind"]).lower(),
            str(doc.get("apiVersion", "")),
            str(name) if name is not None else None,
            doc,
            chunk,
        )
    return Manifest(path, line, start, km.group(1).lower(), "", None, None, chunk)


@lru_cache(maxsize=8192)
def _manifests_cached(path: str, text: str) -> tuple[Manifest, ...]:
    out = (_manifest(path, start, chunk) for start, chunk in _chunks(text))
    return tuple(m for m in out if m is not None)


def manifests_of(facts: ServiceFacts, path: str) -> tuple[Manifest, ...]:
    text = facts.texts.get(path)
    if text is None or not is_yaml(path) or "kind:" not in text:
        return ()
    return _manifests_cached(path, text)


YAML_EXTS = frozenset({"yaml", "yml"})


def _stem(path: str) -> str:
    base = posixpath.basename(path).lower()
    return base.rsplit(".", 1)[0]


def _named(facts: ServiceFacts, path: str) -> bool:
    name = facts.service.name.lower()
    return _stem(path) in {name + s for s in NAME_SUFFIXES}


def _name_is(m: Manifest, name: str) -> bool:
    return m.name is not None and m.name.lower() == name.lower()


def own_files(facts: ServiceFacts) -> frozenset[str]:
    """The service's files as a set, built once per service."""
    return facts.file_index.memo(("deploy.own_files", facts.root), lambda: frozenset(facts.files))


def service_manifests(facts: ServiceFacts) -> list[Manifest]:
    """Kubernetes documents of the service: in its tree, or elsewhere in the repository in
    a file named after it (all documents) or a document whose metadata.name is its name."""
    key = ("deploy.service_manifests", facts.root, facts.service.name)
    return list(facts.file_index.memo(key, lambda: _service_manifests(facts)))


def _service_manifests(facts: ServiceFacts) -> tuple[Manifest, ...]:
    out = [m for p in facts.file_index.with_ext(YAML_EXTS) for m in manifests_of(facts, p)]
    if facts.files is facts.repo_files:
        return tuple(out)
    own = own_files(facts)
    name = facts.service.name
    pat = re.compile(re.escape(name), re.IGNORECASE)
    for p in facts.repo_index.with_ext(YAML_EXTS):
        if p in own:
            continue
        text = facts.texts.get(p)
        if text is None or (pat.search(text) is None and not _named(facts, p)):
            continue
        named = _named(facts, p)
        out.extend(m for m in manifests_of(facts, p) if named or _name_is(m, name))
    return tuple(out)


def service_workloads(facts: ServiceFacts) -> list[Manifest]:
    return [m for m in service_manifests(facts) if m.kind in WORKLOAD_KINDS]


def chart_files(facts: ServiceFacts) -> list[str]:
    """`Chart.yaml` of the service's Helm charts: in its tree, or a chart named after it."""
    key = ("deploy.chart_files", facts.root, facts.service.name)
    return list(facts.file_index.memo(key, lambda: _chart_files(facts)))


def _chart_files(facts: ServiceFacts) -> tuple[str, ...]:
    out = []
    name = facts.service.name.lower()
    own = own_files(facts)
    for p in facts.find("chart.yaml", "chart.yml", repo=True):
        folder = posixpath.basename(posixpath.dirname(p)).lower()
        if p in own or folder == name:
            out.append(p)
            continue
        ok, doc = yaml_load(facts.texts.get(p, ""))
        if ok and isinstance(doc, dict) and str(doc.get("name", "")).lower() == name:
            out.append(p)
    return tuple(out)


def _packaging(facts: ServiceFacts) -> list[Evidence]:
    charts = [Evidence(p, None, "Helm chart") for p in chart_files(facts)]
    kust = facts.find("kustomization.yaml", "kustomization.yml", "kustomization")
    return charts + [Evidence(p, None, "kustomization") for p in kust]


def k8s_evidence(facts: ServiceFacts) -> list[Evidence]:
    ev = [
        Evidence(m.path, m.line, f"Kubernetes {m.kind}: {m.name or '?'}")
        for m in service_workloads(facts)
    ]
    return ev + _packaging(facts)


@check("deploy.k8s", "Kubernetes manifests, a Helm chart or a kustomization for the service")
def deploy_k8s(facts: ServiceFacts) -> Finding:
    ev = k8s_evidence(facts)
    if not ev:
        return failed(
            "deploy.k8s",
            "no Kubernetes workload (Deployment, StatefulSet, DaemonSet, CronJob, Rollout),"
            " Chart.yaml or kustomization.yaml for the service",
        )
    return passed("deploy.k8s", "Kubernetes deployment found", *ev[:MAX_EVIDENCE])


# ----- probes -----------------------------------------------------------------------------


def _probe_in_manifest(m: Manifest) -> Evidence | None:
    if m.doc is not None and not any(
        k in ("livenessProbe", "readinessProbe") for k, _ in walk(m.doc)
    ):
        return None
    line = line_in(m.text, _PROBE, m.start)
    return None if line is None else Evidence(m.path, line, "probe declared")


def _probe_files(facts: ServiceFacts) -> Iterable[str]:
    """Helm chart files (templates, values) and kustomize trees of the service."""
    found = chart_files(facts) + facts.find("kustomization.y*ml", "kustomization")
    roots = [posixpath.dirname(p) for p in found]
    if any(r in ("", ".") for r in roots):
        return facts.repo_files
    return facts.repo_index.under(roots)


@check("deploy.probes", "The service's Kubernetes workloads declare liveness/readiness probes")
def deploy_probes(facts: ServiceFacts) -> Finding:
    workloads = service_workloads(facts)
    if not workloads and not _packaging(facts):
        return not_applicable("deploy.probes", "the service has no Kubernetes manifests")
    ev = [e for e in (_probe_in_manifest(m) for m in workloads) if e is not None]
    seen = {e.path for e in ev}
    for p in _probe_files(facts):
        text = facts.texts.get(p)
        line = None if text is None or p in seen else line_in(text, _PROBE)
        if line is not None and p.lower().endswith((".yaml", ".yml", ".tpl")):
            ev.append(Evidence(p, line, "probe declared"))
            seen.add(p)
    if not ev:
        return failed(
            "deploy.probes",
            "no livenessProbe or readinessProbe in the service's Kubernetes workloads or chart",
        )
    return passed("deploy.probes", "health probes declared", *ev[:MAX_EVIDENCE])


# ----- progressive delivery -----------------------------------------------------------------


def _target_name(m: Manifest) -> str | None:
    spec = m.doc.get("spec") if isinstance(m.doc, dict) else None
    ref = spec.get("targetRef") if isinstance(spec, dict) else None
    name = ref.get("name") if isinstance(ref, dict) else None
    return str(name) if name is not None else None


def _progressive(facts: ServiceFacts) -> list[Evidence]:
    own = own_files(facts)
    name = facts.service.name.lower()
    out = []
    for m in service_manifests(facts):
        if m.kind == "rollout":
            out.append(Evidence(m.path, m.line, "Argo Rollouts Rollout"))
        elif m.kind == "canary":
            out.append(Evidence(m.path, m.line, "Flagger Canary"))
    for p in facts.repo_index.with_ext(YAML_EXTS):
        if p in own or "Canary" not in facts.texts.get(p, ""):
            continue
        for m in manifests_of(facts, p):
            target = _target_name(m)
            hit = m.kind == "canary" and target is not None and target.lower() == name
            if hit and all(e.path != p or e.line != m.line for e in out):
                out.append(Evidence(m.path, m.line, "Flagger Canary"))
    return out + _spinnaker(facts)


_SPIN_NAME = re.compile(r"[^/]*\.spinnaker\.(?:json|ya?ml)|dinghyfile")
# a Spinnaker pipeline is a JSON/YAML file or a Dinghyfile (no extension)
_SPIN_EXTS = frozenset({"json", "yaml", "yml", ""})


def _spinnaker_pipeline(text: str, path: str) -> bool:
    if '"stages"' not in text and "stages:" not in text:
        return False
    if path.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return False
    else:
        _, data = yaml_load(text)
    return isinstance(data, dict) and "stages" in data and "application" in data


def _spinnaker(facts: ServiceFacts) -> list[Evidence]:
    out = []
    for p in facts.file_index.with_ext(_SPIN_EXTS):
        parts = facts.rel(p).lower().split("/")
        spin_dir = any(d in ("spinnaker", ".spinnaker") for d in parts[:-1])
        data_file = parts[-1].endswith((".json", ".yaml", ".yml"))
        named = _SPIN_NAME.fullmatch(parts[-1]) is not None or (spin_dir and data_file)
        if named or (data_file and _spinnaker_pipeline(facts.texts.get(p, ""), p)):
            out.append(Evidence(p, None, "Spinnaker pipeline"))
    return out


@check("deploy.progressive", "Progressive delivery: Argo Rollouts, Flagger or Spinnaker")
def deploy_progressive(facts: ServiceFacts) -> Finding:
    ev = _progressive(facts)
    if not ev:
        return failed(
            "deploy.progressive",
            "no Argo Rollouts Rollout, Flagger Canary or Spinnaker pipeline for the service",
        )
    return passed("deploy.progressive", "progressive delivery configured", *ev[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (deploy_k8s, deploy_probes, deploy_progressive)
