"""Built-in checks read mostly from the service's direct dependencies.

obs.metrics, obs.tracing, obs.structured_logging, obs.error_tracking and
resilience.patterns are here; tests.contract, tests.coverage, security.lockfile and
data.migrations live in sibling modules (dep_files, dep_lockfile, dep_migrations) and are
exported from here. Library tables cover every ecosystem rung parses (PyPI, npm, Go,
Maven/Gradle, NuGet, RubyGems, Composer, Cargo, Hex).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from rung.checks.base import CheckSpec, Evidence, Finding, check
from rung.checks.builtin.dep_files import CONTRACT, COVERAGE
from rung.checks.builtin.dep_lockfile import LOCKFILE
from rung.checks.builtin.dep_migrations import MIGRATIONS
from rung.checks.builtin.depmatch import matching, names, verdict
from rung.checks.builtin.observability import ROUTE_PATTERNS
from rung.checks.builtin.tests import is_test_file
from rung.checks.util import dep_evidence, first_line
from rung.collect.facts import ServiceFacts

_JVM = "maven|gradle"

# ----- obs.metrics ------------------------------------------------------------------------

METRICS_LIBS = names(
    # Python
    "pypi prometheus-client|prometheus-fastapi-instrumentator|prometheus-flask-exporter"
    "|django-prometheus|starlette-exporter|starlette-prometheus|aioprometheus"
    "|prometheus-async|opentelemetry-exporter-prometheus",
    # Java/Kotlin (Micrometer is a metrics client whatever its registry)
    rf"{_JVM} io\.micrometer:micrometer-(?:core|registry-.+)",
    rf"{_JVM} io\.prometheus:(?:simpleclient.*|prometheus-metrics-.+)",
    rf"{_JVM} io\.opentelemetry:opentelemetry-exporter-prometheus",
    # Node
    "npm prom-client|express-prom-bundle|express-prometheus-middleware|prometheus-api-metrics"
    "|@willsoto/nestjs-prometheus|fastify-metrics|@opentelemetry/exporter-prometheus",
    # Go
    r"go github\.com/prometheus/client_golang(?:/.*)?"
    r"|go\.opentelemetry\.io/otel/exporters/prometheus"
    r"|github\.com/victoriametrics/metrics|github\.com/zsais/go-gin-prometheus",
    # .NET
    r"nuget prometheus-net(?:\..+)?|app\.metrics(?:\..+)?|opentelemetry\.exporter\.prometheus.*",
    # Ruby
    "rubygems prometheus-client|prometheus_exporter|yabeda-prometheus.*",
    # PHP
    "composer (?:promphp|jimdo|endclothing)/prometheus_client_php"
    "|artprima/prometheus-metrics-bundle",
    # Rust
    "cargo prometheus|prometheus-client|metrics-exporter-prometheus|opentelemetry-prometheus"
    "|axum-prometheus|actix-web-prom",
    # Elixir
    "hex telemetry_metrics_prometheus(?:_core)?|prom_ex|prometheus_ex|prometheus_plugs"
    "|prometheus_phoenix",
)
_METRICS_CALLS = re.compile(r"\.MapMetrics\(|\.UseMetricServer\(")


def _ext(path: str) -> str:
    name = posixpath.basename(path)
    return name.rpartition(".")[2].lower() if "." in name else ""


def is_metrics_path(route: str) -> bool:
    route = route.split(" ", 1)[-1] if re.match(r"[A-Z]+ /", route) else route
    return route.strip("^$/ ").lower() == "metrics"


def _metrics_routes(facts: ServiceFacts) -> Iterator[Evidence]:
    """`/metrics` route definitions in source files (never in tests, which call routes)."""
    index = facts.file_index
    for p, ext in zip(index.paths, index.exts, strict=True):
        patterns = ROUTE_PATTERNS.get(ext)
        text = facts.texts.get(p) if patterns else None
        if text is None or "etrics" not in text or is_test_file(facts, p):
            continue
        for pattern in patterns or ():
            for m in pattern.finditer(text):
                if is_metrics_path(m.group(1)):
                    yield Evidence(p, text.count("\n", 0, m.start()) + 1, "/metrics route")
        line = first_line(text, _METRICS_CALLS) if _ext(p) == "cs" else None
        if line is not None:
            yield Evidence(p, line, "prometheus-net metrics endpoint")


@check("obs.metrics", "The service exposes application metrics")
def metrics(facts: ServiceFacts) -> Finding:
    ev = [*dep_evidence(matching(facts, METRICS_LIBS), "metrics client"), *_metrics_routes(facts)]
    return verdict(
        "obs.metrics",
        facts,
        ev,
        "metrics exposed",
        "no Prometheus/OpenMetrics/Micrometer client in dependencies and no /metrics route",
    )


# ----- obs.tracing ------------------------------------------------------------------------

# OpenTelemetry, OpenTracing, Jaeger, Zipkin (incl. Brave and Spring Cloud Sleuth, which is
# Brave-based) and OpenCensus. OpenTelemetry's Prometheus exporters are metrics, not
# tracing. Vendor APMs (Datadog dd-trace, New Relic, Elastic APM) are not in checks.md.
TRACING_LIBS = names(
    r"(?!.*prometheus).*(?:opentelemetry|open-telemetry|opentracing|jaeger|zipkin|opencensus).*",
    rf"{_JVM} io\.micrometer:micrometer-tracing-bridge-(?:otel|brave)",
    rf"{_JVM} org\.springframework\.cloud:spring-cloud-(?:starter-)?sleuth.*",
    rf"{_JVM} io\.zipkin\.brave:.*",
)


@check("obs.tracing", "Distributed tracing is instrumented")
def tracing(facts: ServiceFacts) -> Finding:
    ev = dep_evidence(matching(facts, TRACING_LIBS), "tracing library")
    return verdict(
        "obs.tracing",
        facts,
        ev,
        "tracing instrumented",
        "no OpenTelemetry, OpenTracing, Jaeger, Zipkin or OpenCensus in dependencies",
    )


# ----- obs.structured_logging -------------------------------------------------------------

LOGGING_LIBS = names(
    "pypi structlog|python-json-logger",
    r"go github\.com/sirupsen/logrus|go\.uber\.org/zap|github\.com/uber-go/zap"
    r"|github\.com/rs/zerolog",
    "npm winston|express-winston|nest-winston|pino|pino-http|express-pino-logger|nestjs-pino"
    "|hapi-pino|koa-pino-logger|bunyan",
    rf"{_JVM} net\.logstash\.logback:logstash-logback-encoder",
    r"nuget serilog(?:\..+)?",
)
LOGURU = names("pypi loguru")
_LOGURU_SERIALIZE = re.compile(r"serialize\s*=\s*True\b")
_SLOG_JSON = re.compile(r"slog\.NewJSONHandler\(")


def _code_evidence(
    facts: ServiceFacts, ext: str, pattern: re.Pattern[str], literal: str, what: str
) -> Iterator[Evidence]:
    """Files with extension `ext` matching `pattern` (whose every match holds `literal`)."""
    for p in facts.file_index.with_ext(frozenset({ext})):
        text = facts.texts.get(p)
        if _ext(p) == ext and text is not None and literal in text:
            line = first_line(text, pattern)
            if line is not None:
                yield Evidence(p, line, what)


def _logging_evidence(facts: ServiceFacts) -> Iterator[Evidence]:
    yield from dep_evidence(matching(facts, LOGGING_LIBS), "structured logging")
    loguru = matching(facts, LOGURU)
    if loguru:
        serialize = list(
            _code_evidence(facts, "py", _LOGURU_SERIALIZE, "serialize", "loguru serialize=True")
        )
        if serialize:
            yield from dep_evidence(loguru, "structured logging")
            yield from serialize
    yield from _code_evidence(facts, "go", _SLOG_JSON, "slog.NewJSONHandler(", "slog JSON handler")


@check("obs.structured_logging", "Logs are structured (a structured logging library)")
def structured_logging(facts: ServiceFacts) -> Finding:
    missing = "no structured logging library in dependencies"
    if matching(facts, LOGURU):
        missing += " (loguru counts only with serialize=True in the code)"
    return verdict(
        "obs.structured_logging", facts, _logging_evidence(facts), "structured logging", missing
    )


# ----- obs.error_tracking -----------------------------------------------------------------

ERROR_LIBS = names(
    r".*(?:sentry|rollbar|bugsnag|honeybadger|airbrake).*",
    r"pypi|npm raven(?:-.*)?",
    r"nuget sharpbrake.*",
)


@check("obs.error_tracking", "An error-tracking SDK reports exceptions")
def error_tracking(facts: ServiceFacts) -> Finding:
    ev = dep_evidence(matching(facts, ERROR_LIBS), "error tracking")
    return verdict(
        "obs.error_tracking",
        facts,
        ev,
        "error tracking SDK",
        "no Sentry, Rollbar, Bugsnag, Honeybadger or Airbrake SDK in dependencies",
    )


# ----- resilience.patterns ----------------------------------------------------------------

RESILIENCE_LIBS = names(
    # checks.md's list
    r".*(?:resilience4j|hystrix).*",
    rf"{_JVM} org\.springframework\.retry:spring-retry",
    rf"{_JVM} org\.springframework\.cloud:spring-cloud-starter-circuitbreaker-.*",
    rf"{_JVM} (?:dev\.failsafe|net\.jodah):failsafe.*",
    r"nuget polly(?:\..+)?|microsoft\.extensions\.http\.polly"
    r"|microsoft\.extensions\.(?:http\.)?resilience",
    "pypi tenacity|backoff|pybreaker",
    "npm opossum|cockatiel|backoff",
    r"go github\.com/sony/gobreaker(?:/v\d+)?|github\.com/cenkalti/backoff(?:/v\d+)?"
    r"|github\.com/failsafe-go/failsafe-go",
    # the same kind of library where checks.md names none for the ecosystem
    "pypi retrying|stamina|circuitbreaker|aiobreaker",
    "npm async-retry|p-retry|axios-retry",
    r"go github\.com/avast/retry-go(?:/v\d+)?|github\.com/eapache/go-resiliency"
    r"|github\.com/hashicorp/go-retryablehttp",
    "rubygems circuitbox|stoplight|semian|retriable",
    "composer ackintosh/ganesha",
    "cargo failsafe|backoff|tokio-retry|again",
    "hex fuse|external_service|retry",
)
_MESH_KIND = re.compile(r"^kind:\s*[\"']?(VirtualService|DestinationRule|ServiceProfile)\b", re.M)
_MESH_POLICY = {
    "VirtualService": re.compile(r"^[ \t]*(?:-[ \t]*)?retries:", re.M),
    "DestinationRule": re.compile(r"^[ \t]*(?:outlierDetection|connectionPool):", re.M),
    "ServiceProfile": re.compile(
        r"^[ \t]*(?:-[ \t]*)?(?:isRetryable:[ \t]*true|retryBudget:)", re.M
    ),
}
_DOC_SPLIT = re.compile(r"^---[^\n]*$", re.M)


def _documents(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each YAML document of a multi-document file."""
    start = 0
    for m in _DOC_SPLIT.finditer(text):
        yield start, text[start : m.start()]
        start = m.end()
    yield start, text[start:]


def _mesh_policies(facts: ServiceFacts) -> Iterator[Evidence]:
    """Istio retries/circuit breakers and Linkerd retries in the service's YAML."""
    for p, text in facts.iter_texts("*.yaml", "*.yml"):
        if _MESH_KIND.search(text) is None:
            continue
        for offset, doc in _documents(text):
            kind = _MESH_KIND.search(doc)
            policy = _MESH_POLICY[kind.group(1)].search(doc) if kind else None
            if kind and policy:
                line = text.count("\n", 0, offset + policy.start()) + 1
                yield Evidence(p, line, f"{kind.group(1)} resilience policy")


@check("resilience.patterns", "Resilience patterns (retries, circuit breakers) are used")
def resilience(facts: ServiceFacts) -> Finding:
    ev = [
        *dep_evidence(matching(facts, RESILIENCE_LIBS), "resilience library"),
        *_mesh_policies(facts),
    ]
    return verdict(
        "resilience.patterns",
        facts,
        ev,
        "resilience patterns",
        "no resilience library in dependencies and no Istio/Linkerd retry or circuit-breaker"
        " policy",
    )


CHECKS: tuple[CheckSpec, ...] = (
    metrics,
    tracing,
    structured_logging,
    error_tracking,
    resilience,
    CONTRACT,
    COVERAGE,
    LOCKFILE,
    MIGRATIONS,
)
