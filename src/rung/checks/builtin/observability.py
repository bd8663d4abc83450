"""Built-in checks: observability and operations (obs.health_endpoint, obs.alert_rules,
ops.runbook).

`obs.health_endpoint` looks for route definitions in source files (never in test files,
which call routes rather than define them) and keeps those whose path has a health-word
segment. Patterns are compiled once and start with a literal where they can.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, passed
from rung.checks.builtin.tests import is_test_file
from rung.checks.util import dep_evidence, deps_matching, first_line
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5

# ----- obs.health_endpoint ----------------------------------------------------------------

HEALTH_WORDS = frozenset(
    {
        "health",
        "healthz",
        "healthcheck",
        "health-check",
        "ready",
        "readyz",
        "readiness",
        "live",
        "livez",
        "liveness",
        "alive",
        "ping",
        "status",
    }
)
# A health word may have a leading "_" and a "-check"/"check" suffix ("_check" is accepted
# too: `/health_check` is the same route spelled the Python way).
_SUFFIXES = ("-check", "_check", "check", "")
# A route can only be a health route when the lower-cased text holds a health word.
_PREFILTER_WORDS = ("health", "ready", "readiness", "live", "ping", "status")

_Q = r"""["'`]"""  # an opening quote
_LIT = r"""["'`]((?:[A-Z]+ )?[^"'`\n]*)["'`]"""  # a string literal (Go 1.22 "GET /x")
_SLASH_LIT = r"""["'`]((?:[A-Z]+ )?/[^"'`\n]*)["'`]"""  # a literal path starting with "/"

# Member calls that define routes in many frameworks (express, fastify, koa-router, hono,
# gin, echo, chi, fiber, gorilla, net/http, axum, aiohttp, Slim, Ktor...). The literal must
# start with "/" so that `config.get('status')` lookups do not count; it may follow a
# prefix variable (`r.HandleFunc(baseUrl+"/_healthz", ...)`).
_MEMBER_ROUTE = re.compile(
    r"(?i)\.(?:get|head|all|route|use|handlefunc|handle|any|path|add_get|add_route"
    r"|add_api_route|api_route|options)\(\s*(?:[\w.]+\s*\+\s*)?" + _SLASH_LIT
)
_PY_DECORATOR = re.compile(r"@[\w.]*\.(?:route|get|head|api_route|api_view)\(\s*[rf]?" + _LIT)
_DJANGO = re.compile(r"(?:re_path|path|url)\(\s*r?" + _LIT)
# Route objects (hapi `server.route({method: 'GET', path: '/health'})`, fastify `url:`).
_JS_ROUTE_OBJECT = re.compile(
    r"method\s*:\s*['\"][A-Za-z]+['\"]\s*,\s*(?:url|path)\s*:\s*" + _SLASH_LIT
)
_STARLETTE = re.compile(r"(?:Route|Mount)\(\s*" + _SLASH_LIT)
_BARE_GET = re.compile(r"(?:GET|HEAD)\(\s*" + _SLASH_LIT)  # WebFlux RouterFunctions
_ANNOTATION = re.compile(
    r"@(?:GetMapping|RequestMapping|Path|Get|Head|Controller|Endpoint|ReadOperation)"
    r"\(\s*(?:[^()\"'`]*?\b(?:value|path|id)\s*=\s*)?\{?\s*" + _LIT
)
_CSHARP = re.compile(r"(?:\[(?:HttpGet|HttpHead|Route)|\.Map(?:Get|Methods)?)\(\s*@?" + _LIT)
_LINE_START_ROUTE = re.compile(r"^[ \t]*(?:get|head|match|route)[ \t]*\(?[ \t]*" + _LIT, re.M)
_PHP = re.compile(r"(?:Route::(?:get|any|match)|->(?:get|any|map))\(\s*" + _LIT)
_PHP_ATTR = re.compile(r"(?:#\[|@)Route\(\s*" + _LIT)
_RUST_ATTR = re.compile(r"#\[(?:get|head|route)\(\s*" + _LIT)
_WARP = re.compile(r"path(?:!|::path)?\(\s*" + _LIT)

_JS = ("js", "mjs", "cjs", "ts", "tsx", "jsx", "mts", "cts")
ROUTE_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "py": (_PY_DECORATOR, _DJANGO, _STARLETTE, _MEMBER_ROUTE),
    **{ext: (_MEMBER_ROUTE, _ANNOTATION, _JS_ROUTE_OBJECT) for ext in _JS},
    "go": (_MEMBER_ROUTE,),
    "java": (_ANNOTATION, _MEMBER_ROUTE, _BARE_GET),
    "kt": (_ANNOTATION, _MEMBER_ROUTE, _BARE_GET, _LINE_START_ROUTE),
    "kts": (_ANNOTATION, _MEMBER_ROUTE, _BARE_GET, _LINE_START_ROUTE),
    "scala": (_ANNOTATION, _MEMBER_ROUTE),
    "groovy": (_ANNOTATION, _MEMBER_ROUTE),
    "cs": (_CSHARP,),
    "rb": (_LINE_START_ROUTE, _MEMBER_ROUTE),
    "php": (_PHP, _PHP_ATTR),
    "rs": (_RUST_ATTR, _MEMBER_ROUTE, _WARP),
    "ex": (_LINE_START_ROUTE,),
    "exs": (_LINE_START_ROUTE,),
}

_CODE = frozenset(ROUTE_PATTERNS) | {"proto"}
# Frameworks' own health endpoints: (file extensions, literal gate, pattern, message). The
# pattern can only match a text holding one of the gate's literals (the lower-cased
# text for a lower-case literal).
_FRAMEWORK_HEALTH: tuple[tuple[frozenset[str], tuple[str, ...], re.Pattern[str], str], ...] = (
    (
        frozenset({"cs"}),
        (".MapHealthChecks(",),
        re.compile(r"\.MapHealthChecks\("),
        "ASP.NET MapHealthChecks",
    ),
    (
        frozenset({"cs"}),
        ("[controller]",),
        re.compile(
            r"\[Route\(\"[\w/]*\[controller\][\w/]*\"\)\][^{]{0,300}?"
            r"class[ \t]+(?:Health|HealthCheck|Healthz|Readiness|Liveness|Ping|Status)Controller\b"
        ),
        "ASP.NET health controller",
    ),
    (
        frozenset({"rb"}),
        ("rails/health#show",),
        re.compile(r"rails/health#show"),
        "Rails health check route",
    ),
    (
        _CODE,
        ("grpc", "HealthStatusManager"),
        re.compile(r"(?i:grpc[._]health[._]v1)|HealthStatusManager"),  # C#: Grpc.Health.V1
        "gRPC health service",
    ),
    (
        frozenset({"go"}),
        ("health.NewServer()",),
        re.compile(r"health\.NewServer\(\)"),
        "gRPC health server",
    ),
    (
        frozenset({"py"}),
        ("HealthServicer(",),
        re.compile(r"HealthServicer\("),
        "gRPC health servicer",
    ),
    (
        frozenset({"properties"}),
        ("management.endpoint",),
        re.compile(r"^[ \t]*management\.endpoints?\.", re.M),
        "Spring Boot actuator config",
    ),
    (
        frozenset({"yml", "yaml"}),
        ("management:",),
        re.compile(r"^management:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+endpoints?:", re.M),
        "Spring Boot actuator config",
    ),
)
# extensions some route or framework pattern applies to: other files cannot be evidence
_HEALTH_EXTS = frozenset(ROUTE_PATTERNS).union(*(exts for exts, _, _, _ in _FRAMEWORK_HEALTH))
ACTUATOR = re.compile(r"org\.springframework\.boot:spring-boot-starter-actuator")


@lru_cache(maxsize=1 << 16)
def _ext(path: str) -> str:
    name = posixpath.basename(path)
    return name.rpartition(".")[2].lower() if "." in name else ""


def is_health_path(path: str) -> bool:
    """Whether a route path has a segment that is a health word (`/_healthz`, `/ping`)."""
    path = path.split(" ", 1)[-1] if re.match(r"[A-Z]+ /", path) else path
    for raw in re.split(r"[/\\]", path):
        seg = raw.strip("^$?()").lower()
        seg = seg[1:] if seg.startswith("_") else seg
        if any(seg.endswith(s) and seg[: len(seg) - len(s)] in HEALTH_WORDS for s in _SUFFIXES):
            return True
    return False


def _routes(path: str, text: str, ext: str) -> Iterator[Evidence]:
    for pattern in ROUTE_PATTERNS.get(ext, ()):
        for m in pattern.finditer(text):
            if is_health_path(m.group(1)):
                line = text.count("\n", 0, m.start()) + 1
                yield Evidence(path, line, f"health route {m.group(1)!r}")


# extension -> the framework health patterns that apply to it
_FRAMEWORK_BY_EXT = {
    ext: tuple(entry for entry in _FRAMEWORK_HEALTH if ext in entry[0]) for ext in _HEALTH_EXTS
}


# extension -> (its framework entries as ((literal, whether it is lower-case), ...),
# pattern, message), whether its route patterns apply)
_HEALTH_PLAN = {
    ext: (
        tuple(
            (tuple((g, g.islower()) for g in gate), pattern, message)
            for _, gate, pattern, message in _FRAMEWORK_BY_EXT.get(ext, ())
        ),
        ext in ROUTE_PATTERNS,
    )
    for ext in _HEALTH_EXTS
}


def _file_health(path: str, ext: str, text: str) -> list[Evidence]:
    """Health evidence of one source file, whoever calls it (test files included): its
    health routes (when the lower-cased text holds a health word), then its frameworks'
    health endpoints (`_FRAMEWORK_BY_EXT`) whose gate literal the text holds."""
    frameworks, routed = _HEALTH_PLAN.get(ext, ((), ext in ROUTE_PATTERNS))
    low = text.lower()
    out: list[Evidence] = []
    if routed:
        for w in _PREFILTER_WORDS:
            if w in low:
                out.extend(_routes(path, text, ext))
                break
    for gate, pattern, message in frameworks:
        for g, lower in gate:
            if g in (low if lower else text):
                line = first_line(text, pattern)
                if line is not None:
                    out.append(Evidence(path, line, message))
                break
    return out


def _health_evidence(facts: ServiceFacts) -> Iterator[Evidence]:
    seen: set[tuple[str, int | None]] = set()
    index = facts.file_index
    for p, ext in zip(index.paths, index.exts, strict=True):
        text = facts.texts.get(p) if ext in _HEALTH_EXTS else None
        if text is None:
            continue
        found = _file_health(p, ext, text)
        if not found or is_test_file(facts, p):
            continue
        for e in found:
            if (e.path, e.line) not in seen:
                seen.add((e.path, e.line))
                yield e
    yield from dep_evidence(deps_matching(facts, ACTUATOR), "Spring Boot actuator")


@check("obs.health_endpoint", "The code defines a health-check endpoint")
def health_endpoint(facts: ServiceFacts) -> Finding:
    ev = _first(_health_evidence(facts))
    if not ev:
        return failed("obs.health_endpoint", "no health route defined in the code")
    return passed("obs.health_endpoint", "health endpoint defined", *ev)


def _first(items: Iterable[Evidence], n: int = MAX_EVIDENCE) -> list[Evidence]:
    out: list[Evidence] = []
    for e in items:
        out.append(e)
        if len(out) >= n:
            break
    return out


# ----- obs.alert_rules -------------------------------------------------------------------

_YAML = frozenset({"yml", "yaml", "rules"})
_PROM_GROUPS = re.compile(r"^[ \t]*groups:", re.M)
_PROM_ALERT = re.compile(r"^[ \t]*-?[ \t]*alert:[ \t]*\S", re.M)
_PROM_RULE_KIND = re.compile(r"^[ \t]*kind:[ \t]*[\"']?PrometheusRule\b", re.M)
_DD_KIND = re.compile(r"^[ \t]*kind:[ \t]*[\"']?DatadogMonitor\b", re.M)
_GRAFANA_API = re.compile(r"^apiVersion:", re.M)
_GRAFANA_RULES = re.compile(r"^[ \t]+-?[ \t]*rules:", re.M)
_GRAFANA_COND = re.compile(r"^[ \t]+-?[ \t]*(?:condition:|grafana_alert:)", re.M)
_TF_MONITOR = re.compile(
    r"resource[ \t]+\"(?:datadog_monitor|datadog_monitor_json|newrelic_alert_policy"
    r"|newrelic_nrql_alert_condition|newrelic_alert_condition|grafana_rule_group)\""
)
_DD_JSON = re.compile(
    r"\"type\"\s*:\s*\"(?:metric alert|query alert|service check|event alert|event-v2 alert"
    r"|log alert|process alert|rum alert|trace-analytics alert|slo alert|composite)\""
)


def _alert_yaml(path: str, text: str) -> Evidence | None:
    if "PrometheusRule" in text and (line := first_line(text, _PROM_RULE_KIND)) is not None:
        return Evidence(path, line, "PrometheusRule resource")
    if "DatadogMonitor" in text and (line := first_line(text, _DD_KIND)) is not None:
        return Evidence(path, line, "DatadogMonitor resource")
    if "groups:" not in text:
        return None
    if _PROM_GROUPS.search(text) and (line := first_line(text, _PROM_ALERT)) is not None:
        return Evidence(path, line, "Prometheus alerting rule")
    if _GRAFANA_API.search(text) and _PROM_GROUPS.search(text) and _GRAFANA_RULES.search(text):
        line = first_line(text, _GRAFANA_COND)
        if line is not None:
            return Evidence(path, line, "Grafana alert rule provisioning")
    return None


_ALERT_EXTS = frozenset({"yml", "yaml", "rules", "json", "tf"})  # `_alert_evidence` reads


def _alert_evidence(facts: ServiceFacts, path: str, text: str) -> Evidence | None:
    ext = _ext(path)
    if "/provisioning/alerting/" in f"/{path.lower()}" and ext in {"yml", "yaml", "json"}:
        return Evidence(path, None, "Grafana alerting provisioning")
    if ext in _YAML:
        return _alert_yaml(path, text)
    if ext == "tf":
        line = first_line(text, _TF_MONITOR) if "resource" in text else None
        return Evidence(path, line, "monitor as code (Terraform)") if line else None
    if ext == "json" and '"query"' in text:
        line = first_line(text, _DD_JSON)
        return Evidence(path, line, "Datadog monitor definition") if line else None
    return None


@check("obs.alert_rules", "Alerting rules are kept as code")
def alert_rules(facts: ServiceFacts) -> Finding:
    candidates = facts.file_index.select(_ALERT_EXTS)
    found = (
        _alert_evidence(facts, p, t) for p in candidates if (t := facts.texts.get(p)) is not None
    )
    ev = _first(e for e in found if e is not None)
    if not ev:
        return failed("obs.alert_rules", "no alerting rules as code")
    return passed("obs.alert_rules", "alerting rules as code", *ev)


# ----- ops.runbook ----------------------------------------------------------------------

_RUNBOOK_NAME = re.compile(r"(?i)runbook|playbook|on-call|oncall")
_RUNBOOK_NEEDLES = ("runbook", "playbook", "on-call", "oncall")  # in a lower-cased path
_ANSIBLE_HOSTS = re.compile(r"^[ \t]*-?[ \t]*hosts:", re.M)
_ANSIBLE_BODY = re.compile(r"^[ \t]*-?[ \t]*(?:tasks|roles|handlers):", re.M)
_ANSIBLE_IMPORT = re.compile(r"^[ \t]*-?[ \t]*import_playbook:", re.M)
_README = re.compile(r"(?i)readme(?:\.(?:md|markdown|rst|txt|adoc))?")
_HEADING_WORD = r"(?:runbooks?|operations|on-call|oncall|on call)\b"
_PRE = r"(?:[^\w\n]|\d)*"  # numbering, emoji, punctuation before the heading word
_HEADINGS = (
    re.compile(r"^#{1,6}[ \t]+" + _PRE + _HEADING_WORD, re.M | re.I),  # markdown
    re.compile(r"^=+[ \t]+" + _PRE + _HEADING_WORD, re.M | re.I),  # asciidoc
    re.compile(r"^" + _PRE + _HEADING_WORD + r".*\n[=\-~^*#]{3,}[ \t]*$", re.M | re.I),  # rst
)


def is_ansible_playbook(path: str, text: str | None) -> bool:
    """An Ansible playbook (YAML plays with hosts: and tasks:/roles:), not a runbook."""
    if text is None or _ext(path) not in {"yml", "yaml"}:
        return False
    if _ANSIBLE_IMPORT.search(text):
        return True
    return bool(_ANSIBLE_HOSTS.search(text) and _ANSIBLE_BODY.search(text))


_DOCS = frozenset({"md", "markdown", "rst", "txt", "adoc", "html", "pdf", ""})


def _counts(name: str, path: str, text: str | None, is_file: bool) -> tuple[bool, bool]:
    """(is a document, is an Ansible playbook) for a file under a runbook-named item."""
    if not name.lower().startswith("playbook"):
        return True, False
    ansible = is_ansible_playbook(path, text)
    return (not ansible if is_file else _ext(path) in _DOCS), ansible


def _runbook_paths(facts: ServiceFacts) -> dict[str, bool]:
    """Runbook-named files and folders of the service -> whether they count. A `playbook*`
    file counts unless it is an Ansible playbook; a `playbook*` folder counts when it holds
    a document or no Ansible playbook at all."""
    docs: dict[str, bool] = {}
    ansible: dict[str, bool] = {}
    prefix = "" if facts.root in (".", "") else facts.root.rstrip("/") + "/"
    for p in facts.file_index.select(needles=_RUNBOOK_NEEDLES):
        parts = facts.rel(p).split("/")
        for i, part in enumerate(parts):
            if _RUNBOOK_NAME.match(part):
                key = prefix + "/".join(parts[: i + 1])
                doc, play = _counts(part, p, facts.texts.get(p), i == len(parts) - 1)
                docs[key] = docs.get(key, False) or doc
                ansible[key] = ansible.get(key, False) or play
                break
    return {k: docs[k] or not ansible[k] for k in docs}


def _readme_headings(facts: ServiceFacts) -> Iterator[Evidence]:
    for p in facts.top_level("readme*"):
        if not _README.fullmatch(posixpath.basename(p)) or p not in facts.files:
            continue
        text = facts.texts.get(p, "")
        for pattern in _HEADINGS:
            line = first_line(text, pattern)
            if line is not None:
                yield Evidence(p, line, "README operations/runbook section")
                break


@check("ops.runbook", "An operational runbook exists")
def runbook(facts: ServiceFacts) -> Finding:
    named = _runbook_paths(facts)
    ev = [Evidence(p, None, "runbook") for p, counts in named.items() if counts]
    ev += _readme_headings(facts)
    if not ev:
        why = " (Ansible playbooks are not runbooks)" if named else ""
        return failed("ops.runbook", "no runbook" + why)
    return passed("ops.runbook", "runbook found", *ev[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (health_endpoint, alert_rules, runbook)
