"""Built-in checks beyond checks.md that read the service's Kubernetes workloads.

`deploy.resources`: capacity is planned, i.e. the containers of the service's workloads
declare CPU or memory requests or limits (or its Helm values/templates do). It backs the
level-1 capacity and cost expectations of the built-in model with evidence.
"""

from __future__ import annotations

import re

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, not_applicable, passed
from rung.checks.builtin.deploy import (
    chart_files,
    line_in,
    service_workloads,
    walk,
)
from rung.collect.facts import ServiceFacts

_RESOURCES = re.compile(r"^[ \t]*(requests|limits)[ \t]*:", re.MULTILINE)
_AMOUNT_KEYS = frozenset({"cpu", "memory"})


def _declares(doc: object) -> bool:
    for key, value in walk(doc):
        if key == "resources" and isinstance(value, dict):
            for part in ("requests", "limits"):
                amounts = value.get(part)
                if isinstance(amounts, dict) and _AMOUNT_KEYS & set(amounts):
                    return True
    return False


@check("deploy.resources", "Kubernetes workloads declare CPU/memory requests or limits")
def deploy_resources(facts: ServiceFacts) -> Finding:
    workloads = service_workloads(facts)
    charts = chart_files(facts)
    if not workloads and not charts:
        return not_applicable("deploy.resources", "the service has no Kubernetes manifests")
    ev: list[Evidence] = []
    for m in workloads:
        if m.doc is not None and not _declares(m.doc):
            continue
        line = line_in(m.text, _RESOURCES, m.start)
        if line is not None:
            ev.append(Evidence(m.path, line, "resource requests/limits declared"))
    for chart in charts:
        folder = chart.rsplit("/", 1)[0] if "/" in chart else ""
        for p in facts.repo_files:
            if folder and not p.startswith(folder + "/"):
                continue
            if not p.lower().endswith((".yaml", ".yml", ".tpl")):
                continue
            text = facts.texts.get(p)
            line = None if text is None else line_in(text, _RESOURCES)
            if line is not None:
                ev.append(Evidence(p, line, "resource requests/limits in the chart"))
                break
    if not ev:
        return failed(
            "deploy.resources", "no CPU or memory requests/limits in the service's workloads"
        )
    return passed("deploy.resources", "resource requests/limits declared", *ev[:5])


CHECKS: tuple[CheckSpec, ...] = (deploy_resources,)
