"""`rung check` outputs: the CI gate's verdict as text, JSON, SARIF 2.1.0 or JUnit XML.

Each gap (an unmet expectation at or below the gated level) is one SARIF result / one
failed JUnit test case; met expectations are passed test cases.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from rung import __version__
from rung.assess.levels import ExpectationResult
from rung.assess.service import ServiceAssessment
from rung.model.schema import Model

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class Verdict:
    assessment: ServiceAssessment
    gate: int  # the level the service must reach: required, or --min-level

    @property
    def passed(self) -> bool:
        return self.assessment.achieved >= self.gate

    def in_scope(self) -> list[ExpectationResult]:
        return [
            e
            for r in self.assessment.areas.values()
            for e in r.expectations
            if e.level <= self.gate
        ]

    def gaps(self) -> list[ExpectationResult]:
        return [e for e in self.in_scope() if not e.state.met]


def _texts(model: Model) -> dict[str, tuple[str, str]]:
    return {f"{a.id}/{e.id}": (e.expectation, e.support) for a, _l, e in model.expectations()}


def _why(v: Verdict, e: ExpectationResult) -> str:
    findings = v.assessment.scan.findings
    parts = []
    for cid in (*e.failing, *e.unknown):
        f = findings.get(cid)
        if f is not None:
            parts.append(f"{cid} {f.status}: {f.message}")
    if not parts:
        parts.append(str(e.state).replace("_", " "))
    return "; ".join(parts)


def _locations(v: Verdict, e: ExpectationResult) -> list[tuple[str, int | None]]:
    findings = v.assessment.scan.findings
    out = []
    for cid in e.failing:
        f = findings.get(cid)
        if f is not None:
            out += [(ev.path, ev.line) for ev in f.evidence]
    return out[:5]


def verdict_json(verdicts: Sequence[Verdict], model: Model) -> dict[str, Any]:
    texts = _texts(model)
    return {
        "rung_version": __version__,
        "passed": all(v.passed for v in verdicts),
        "services": [
            {
                "name": v.assessment.name,
                "path": v.assessment.scan.service.root,
                "achieved": v.assessment.achieved,
                "required": v.assessment.required,
                "gate": v.gate,
                "passed": v.passed,
                "gaps": [
                    {
                        "expectation": e.id,
                        "level": e.level,
                        "state": str(e.state),
                        "why": _why(v, e),
                        "text": texts[e.id][0],
                        "support": texts[e.id][1],
                    }
                    for e in v.gaps()
                ],
            }
            for v in verdicts
        ],
    }


def sarif(verdicts: Sequence[Verdict], model: Model) -> str:
    texts = _texts(model)
    rule_ids = sorted({e.id for v in verdicts for e in v.gaps()})
    rules = [
        {
            "id": rid,
            "shortDescription": {"text": texts[rid][0]},
            "help": {"text": texts[rid][1] or texts[rid][0]},
        }
        for rid in rule_ids
    ]
    results = []
    for v in verdicts:
        root = v.assessment.scan.service.root
        for e in v.gaps():
            locs = _locations(v, e) or [(root if root not in ("", ".") else ".", None)]
            results.append(
                {
                    "ruleId": e.id,
                    "level": "error" if e.level <= v.assessment.required else "warning",
                    "message": {
                        "text": f"{v.assessment.name}: level {e.level} expectation not met: "
                        f"{texts[e.id][0]} ({_why(v, e)})"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": path},
                                **({"region": {"startLine": line}} if line else {}),
                            }
                        }
                        for path, line in locs
                    ],
                }
            )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rung",
                        "version": __version__,
                        "informationUri": "https://github.com/rung-dev/rung",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def junit(verdicts: Sequence[Verdict], model: Model) -> str:
    texts = _texts(model)
    suites = ET.Element("testsuites", name="rung")
    for v in verdicts:
        cases = v.in_scope()
        gaps = {e.id for e in v.gaps()}
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=v.assessment.name,
            tests=str(len(cases)),
            failures=str(len(gaps)),
        )
        for e in cases:
            case = ET.SubElement(
                suite, "testcase", classname=f"{v.assessment.name}.L{e.level}", name=e.id
            )
            if e.id in gaps:
                failure = ET.SubElement(case, "failure", message=texts[e.id][0])
                failure.text = f"{_why(v, e)}\nsupport: {texts[e.id][1]}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
