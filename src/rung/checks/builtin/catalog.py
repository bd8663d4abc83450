"""Built-in checks: the service's catalog entry (catalog.* ids).

These read the service's descriptor (in its repository or in a central catalog) as the
catalog loader parsed it into `facts.service`. Annotation checks are one table
(`ANNOTATIONS`). `catalog.owner` also accepts a CODEOWNERS rule covering the service root
(gitignore-like patterns, last matching rule wins, a rule without owners un-owns), and
`catalog.cost_center` a cost-center label on the service's Kubernetes workloads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rung.catalog.entity import Link, ServiceSource
from rung.checks.base import CheckKind, CheckSpec, Evidence, Finding, check, failed, passed
from rung.checks.builtin.deploy import service_workloads
from rung.collect.facts import ServiceFacts

NO_DESCRIPTOR = "no catalog descriptor"
MAX_EVIDENCE = 5


def descriptor_path(facts: ServiceFacts) -> str | None:
    svc = facts.service
    if svc.descriptor_path and svc.source in (ServiceSource.DESCRIPTOR, ServiceSource.CENTRAL):
        return svc.descriptor_path
    return None


def _key_line(facts: ServiceFacts, path: str, key: str) -> int | None:
    text = facts.texts.get(path)
    if text is None:
        return None
    m = re.search(r"^[ \t]*[\"']?" + re.escape(key) + r"[\"']?\s*:", text, re.MULTILINE)
    return None if m is None else text.count("\n", 0, m.start()) + 1


def _spec(facts: ServiceFacts) -> Mapping[str, Any]:
    spec = facts.service.descriptor.get("spec") if facts.service.descriptor else None
    return spec if isinstance(spec, Mapping) else {}


@check("catalog.descriptor", "A catalog descriptor describes the service", CheckKind.CATALOG)
def catalog_descriptor(facts: ServiceFacts) -> Finding:
    path = descriptor_path(facts)
    if path is None:
        return failed("catalog.descriptor", f"{NO_DESCRIPTOR} (catalog-info.yaml) for the service")
    where = "central catalog" if facts.service.source is ServiceSource.CENTRAL else "repository"
    ev = Evidence(path, _key_line(facts, path, "kind"), f"descriptor in the {where}")
    return passed("catalog.descriptor", "the service has a catalog descriptor", ev)


# ----- catalog.owner ---------------------------------------------------------------------------

CODEOWNERS_LOCATIONS = (".github/codeowners", "codeowners", "docs/codeowners", ".gitlab/codeowners")


@dataclass(frozen=True, slots=True)
class OwnerRule:
    line: int
    pattern: str
    owners: tuple[str, ...]


def parse_codeowners(text: str) -> list[OwnerRule]:
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "[", "^[")):
            continue
        pattern, *owners = line.split()
        rules.append(OwnerRule(n, pattern.replace("\\ ", " "), tuple(owners)))
    return rules


def _glob(body: str) -> str:
    out, i = [], 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return "".join(out)


def pattern_covers(pattern: str, root: str) -> bool:
    """Whether a CODEOWNERS pattern owns the whole folder `root` ("." = the repository)."""
    body = pattern.strip("/")
    if not body:
        return False
    if "/" in body and body.rsplit("/", 1)[1] == "*":
        return False  # `dir/*` owns the files directly in dir, not its sub-folders
    anchored = pattern.startswith("/") or "/" in body
    rx = re.compile(("" if anchored else "(?:.*/)?") + _glob(body) + "(?:/.*)?")
    if root in (".", ""):
        return all(rx.fullmatch(p) for p in ("a1b2c3", "d4e5/f6g7.h8i9"))
    return rx.fullmatch(root) is not None


def codeowners_file(facts: ServiceFacts) -> str | None:
    found = map(facts.repo_index.by_lower, CODEOWNERS_LOCATIONS)
    return next((p for p in found if p is not None), None)


def _codeowner(facts: ServiceFacts) -> Evidence | None:
    path = codeowners_file(facts)
    text = facts.texts.get(path) if path else None
    if path is None or text is None:
        return None
    last = None
    for rule in parse_codeowners(text):
        if pattern_covers(rule.pattern, facts.root):
            last = rule
    if last is None or not last.owners:
        return None
    return Evidence(path, last.line, f"{last.pattern} owned by {' '.join(last.owners)}")


@check("catalog.owner", "The service has an owner (descriptor or CODEOWNERS)", CheckKind.CATALOG)
def catalog_owner(facts: ServiceFacts) -> Finding:
    path = descriptor_path(facts)
    owner = facts.service.owner or _spec(facts).get("owner")
    if path is not None and owner:
        ev = Evidence(path, _key_line(facts, path, "owner"), f"spec.owner: {owner}")
        return passed("catalog.owner", f"owned by {owner}", ev)
    rule = _codeowner(facts)
    if rule is not None:
        return passed("catalog.owner", "a CODEOWNERS rule covers the service root", rule)
    return failed(
        "catalog.owner",
        ("no spec.owner in the descriptor" if path else NO_DESCRIPTOR)
        + f" and no CODEOWNERS rule with owners covering {facts.root}",
    )


# ----- annotations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnotationRule:
    what: str
    keys: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    link: re.Pattern[str] | None = None  # on a link's title or type


ANNOTATIONS: dict[str, AnnotationRule] = {
    "catalog.oncall": AnnotationRule(
        "an on-call route",
        (
            "pagerduty.com/service-id",
            "pagerduty.com/integration-key",
            "opsgenie.com/component-selector",
            "opsgenie.com/team",
            "splunk.com/on-call-routing-key",
            "rung.dev/oncall",
        ),
    ),
    "catalog.dashboard": AnnotationRule(
        "a monitoring dashboard",
        (
            "grafana/dashboard-selector",
            "grafana/overview-dashboard",
            "datadoghq.com/dashboard-url",
            "newrelic.com/dashboard-guid",
            "rung.dev/dashboard-url",
        ),
        link=re.compile(r"dashboard", re.I),
    ),
    "catalog.docs": AnnotationRule(
        "published documentation",
        ("backstage.io/techdocs-ref", "rung.dev/docs-url"),
        link=re.compile(r"\bdocs?\b|documentation|techdocs", re.I),
    ),
    "catalog.error_tracking": AnnotationRule(
        "an error-tracking project",
        ("sentry.io/project-slug", "rollbar.com/project-slug", "bugsnag.com/project-key"),
    ),
    "catalog.code_quality": AnnotationRule(
        "a code-quality or security scanner project",
        (
            "sonarqube.org/project-key",
            "snyk.io/org-name",
            "snyk.io/target-id",
            "codeclimate.com/repo-id",
        ),
        prefixes=("codecov.io/",),
    ),
    "catalog.cost_center": AnnotationRule("a cost center", ("rung.dev/cost-center",)),
}


def _annotation_hits(facts: ServiceFacts, rule: AnnotationRule, path: str) -> Iterator[Evidence]:
    for key, value in facts.service.annotations.items():
        if str(value).strip() and (key in rule.keys or key.startswith(rule.prefixes or ("\0",))):
            yield Evidence(path, _key_line(facts, path, key), f"annotation {key}")
    if rule.link is not None:
        for link in facts.service.links:
            if rule.link.search(f"{link.title} {link.type}"):
                yield Evidence(
                    path, _link_line(facts, path, link), f"link: {link.title or link.url}"
                )


def _link_line(facts: ServiceFacts, path: str, link: Link) -> int | None:
    text = facts.texts.get(path, "")
    at = text.find(link.url)
    return None if at < 0 else text.count("\n", 0, at) + 1


def _annotation_check(facts: ServiceFacts, check_id: str, extra: list[Evidence]) -> Finding:
    rule = ANNOTATIONS[check_id]
    path = descriptor_path(facts)
    ev = (list(_annotation_hits(facts, rule, path)) if path else []) + extra
    if ev:
        return passed(check_id, f"{rule.what} is declared", *ev[:MAX_EVIDENCE])
    if path is None:
        return failed(check_id, f"{NO_DESCRIPTOR}: cannot tell {rule.what}")
    keys = ", ".join(rule.keys + tuple(p + "*" for p in rule.prefixes))
    links = " or a matching metadata.links entry" if rule.link else ""
    return failed(check_id, f"no {rule.what} in the descriptor ({keys}{links})")


@check("catalog.oncall", "An on-call route is declared in the catalog", CheckKind.CATALOG)
def catalog_oncall(facts: ServiceFacts) -> Finding:
    return _annotation_check(facts, "catalog.oncall", [])


@check("catalog.dashboard", "A monitoring dashboard is linked in the catalog", CheckKind.CATALOG)
def catalog_dashboard(facts: ServiceFacts) -> Finding:
    return _annotation_check(facts, "catalog.dashboard", [])


@check("catalog.docs", "Published documentation is linked in the catalog", CheckKind.CATALOG)
def catalog_docs(facts: ServiceFacts) -> Finding:
    return _annotation_check(facts, "catalog.docs", [])


@check("catalog.error_tracking", "An error-tracking project is linked", CheckKind.CATALOG)
def catalog_error_tracking(facts: ServiceFacts) -> Finding:
    return _annotation_check(facts, "catalog.error_tracking", [])


@check("catalog.code_quality", "A code-quality or scanner project is linked", CheckKind.CATALOG)
def catalog_code_quality(facts: ServiceFacts) -> Finding:
    return _annotation_check(facts, "catalog.code_quality", [])


COST_LABELS = frozenset({"cost-center", "costcenter", "cost_center"})


def _is_cost_label(key: object) -> bool:
    return str(key).rsplit("/", 1)[-1].lower() in COST_LABELS


def _label_maps(doc: Any) -> Iterator[Mapping[str, Any]]:
    """metadata.labels of a workload and of its pod template."""
    if not isinstance(doc, Mapping):
        return
    spec = doc.get("spec")
    template = spec.get("template") if isinstance(spec, Mapping) else None
    for holder in (doc, template):
        meta = holder.get("metadata") if isinstance(holder, Mapping) else None
        labels = meta.get("labels") if isinstance(meta, Mapping) else None
        if isinstance(labels, Mapping):
            yield labels


def _cost_labels(facts: ServiceFacts) -> list[Evidence]:
    path = descriptor_path(facts)
    ev = []
    if path:
        ev += [
            Evidence(path, _key_line(facts, path, k), f"label {k}: {v}")
            for k, v in facts.service.labels.items()
            if _is_cost_label(k) and str(v).strip()
        ]
    for m in service_workloads(facts):
        for labels in _label_maps(m.doc):
            for k, v in labels.items():
                if _is_cost_label(k) and str(v).strip():
                    line = re.search(
                        r"^[ \t]*[\"']?" + re.escape(str(k)) + r"[\"']?\s*:", m.text, re.M
                    )
                    at = m.start + m.text.count("\n", 0, line.start()) if line else m.line
                    ev.append(Evidence(m.path, at, f"workload label {k}: {v}"))
    return ev


@check(
    "catalog.cost_center",
    "Cost is attributable (annotation or cost-center label)",
    CheckKind.CATALOG,
)
def catalog_cost_center(facts: ServiceFacts) -> Finding:
    return _annotation_check(facts, "catalog.cost_center", _cost_labels(facts))


@check("catalog.lifecycle", "spec.lifecycle is set in the catalog", CheckKind.CATALOG)
def catalog_lifecycle(facts: ServiceFacts) -> Finding:
    path = descriptor_path(facts)
    if path is None:
        return failed("catalog.lifecycle", NO_DESCRIPTOR)
    value = facts.service.lifecycle or _spec(facts).get("lifecycle")
    if not value:
        return failed("catalog.lifecycle", "no spec.lifecycle in the descriptor")
    ev = Evidence(path, _key_line(facts, path, "lifecycle"), f"lifecycle: {value}")
    return passed("catalog.lifecycle", f"lifecycle {value}", ev)


CHECKS: tuple[CheckSpec, ...] = (
    catalog_descriptor,
    catalog_owner,
    catalog_oncall,
    catalog_dashboard,
    catalog_docs,
    catalog_error_tracking,
    catalog_code_quality,
    catalog_cost_center,
    catalog_lifecycle,
)
