"""Built-in checks: live (live.health, live.metrics), from the collector's live probes.

A live check's evidence path is the probed URL: the evidence is the running service, not a
file of the repository. For `live.metrics` the evidence line is the line of the body that
holds the first per-endpoint latency sample.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rung.checks.base import (
    CheckKind,
    CheckSpec,
    Evidence,
    Finding,
    check,
    failed,
    passed,
    unknown,
)
from rung.collect.facts import LiveProbe, ServiceFacts

# ----- live.health --------------------------------------------------------------------------------


def _answered_2xx(probe: LiveProbe) -> bool:
    return probe.ok and (probe.status_code is None or 200 <= probe.status_code < 300)


def _describe(probe: LiveProbe) -> str:
    status = f"HTTP {probe.status_code}" if probe.status_code is not None else "no answer"
    return f"{status}: {probe.message}" if probe.message else status


@check("live.health", "The service's health URL answers 2xx", CheckKind.LIVE)
def live_health(facts: ServiceFacts) -> Finding:
    probe = facts.live.get("health")
    if probe is None:
        why = "not probed" if facts.service.health_url else "no health URL in the catalog"
        return unknown("live.health", why)
    if _answered_2xx(probe):
        return passed("live.health", _describe(probe), Evidence(probe.url, None, _describe(probe)))
    return failed("live.health", _describe(probe), Evidence(probe.url, None, _describe(probe)))


# ----- live.metrics -------------------------------------------------------------------------------

LATENCY_WORDS = ("duration", "latency", "seconds", "response_time")
# Label names that name an endpoint (also any label ending in _route, _path, _endpoint...).
ENDPOINT_LABELS = frozenset(
    {"path", "route", "endpoint", "handler", "uri", "url", "grpc_method", "operation"}
)
_ENDPOINT_SUFFIXES = ("_route", "_path", "_endpoint", "_handler", "_uri", "_url", "_target")
_SERIES_SUFFIXES = ("_bucket", "_sum", "_count")
_TYPE = re.compile(r"#[ \t]+TYPE[ \t]+(\S+)[ \t]+(\w+)")
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*\"((?:[^\"\\]|\\.)*)\"")


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    labels: Mapping[str, str]
    line: int


def parse_exposition(text: str) -> tuple[dict[str, str], list[Sample]]:
    """Metric types (`# TYPE`) and samples of Prometheus/OpenMetrics text; malformed lines
    are skipped."""
    types: dict[str, str] = {}
    samples: list[Sample] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            m = _TYPE.match(line)
            if m:
                types[m.group(1)] = m.group(2).lower()
            continue
        sample = _parse_sample(line, number)
        if sample is not None:
            samples.append(sample)
    return types, samples


def _parse_sample(line: str, number: int) -> Sample | None:
    m = _NAME.match(line)
    if m is None:
        return None
    labels: dict[str, str] = {}
    pos = m.end()
    if line.startswith("{", pos):
        pos += 1
        while True:
            while pos < len(line) and line[pos] in " ,":
                pos += 1
            if line.startswith("}", pos):
                break
            lm = _LABEL.match(line, pos)
            if lm is None:
                return None
            labels[lm.group(1)] = lm.group(2)
            pos = lm.end()
    return Sample(m.group(0), labels, number)


def _base_name(name: str) -> str:
    for suffix in _SERIES_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_distribution(sample: Sample, types: Mapping[str, str]) -> bool:
    base = _base_name(sample.name)
    declared = types.get(base) or types.get(sample.name)
    if declared in ("histogram", "summary", "gaugehistogram"):
        return True
    return "le" in sample.labels or "quantile" in sample.labels or base != sample.name


def _endpoint_label(labels: Mapping[str, str]) -> str | None:
    for name in labels:
        low = name.lower()
        if low in ENDPOINT_LABELS or low.endswith(_ENDPOINT_SUFFIXES):
            return name
    return None


def latency_series(text: str) -> Iterator[tuple[Sample, str]]:
    """Samples of per-endpoint latency distributions, with the endpoint label's name."""
    types, samples = parse_exposition(text)
    for s in samples:
        base = _base_name(s.name).lower()
        if not any(w in base for w in LATENCY_WORDS) or not _is_distribution(s, types):
            continue
        label = _endpoint_label(s.labels)
        if label is not None:
            yield s, label


@check("live.metrics", "The metrics URL serves per-endpoint latency series", CheckKind.LIVE)
def live_metrics(facts: ServiceFacts) -> Finding:
    probe = facts.live.get("metrics")
    if probe is None:
        why = "not probed" if facts.service.metrics_url else "no metrics URL in the catalog"
        return unknown("live.metrics", why)
    if not _answered_2xx(probe):
        return failed("live.metrics", _describe(probe), Evidence(probe.url, None, _describe(probe)))
    for sample, label in latency_series(probe.body):
        msg = f"latency series {_base_name(sample.name)} by {label}"
        return passed("live.metrics", msg, Evidence(probe.url, sample.line, msg))
    return failed(
        "live.metrics",
        "no per-endpoint latency histogram or summary in the metrics",
        Evidence(probe.url, None, "metrics served without per-endpoint latency series"),
    )


CHECKS: tuple[CheckSpec, ...] = (live_health, live_metrics)
