"""Built-in checks: api (api.spec).

OpenAPI/Swagger/AsyncAPI documents are recognised by a top-level `openapi`, `swagger` or
`asyncapi` key whose value is a version. YAML is read by a column-0 key regex rather than
parsed: that is exact for block YAML, cheap, and survives Helm-style templating that a
parser rejects. JSON candidates (a cheap substring prefilter first) are parsed and the key
must be at the top level of the document.
"""

from __future__ import annotations

import json
import posixpath
import re

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, passed
from rung.checks.util import first_line
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5

# Contract files recognised by extension alone (lower-cased) -> kind.
CONTRACT_EXTENSIONS = {
    "proto": "Protocol Buffers",
    "graphql": "GraphQL schema",
    "gql": "GraphQL schema",
    "graphqls": "GraphQL schema",
    "avsc": "Avro schema",
}
_KINDS = {"openapi": "OpenAPI", "swagger": "Swagger", "asyncapi": "AsyncAPI"}
_YAML_KEY = re.compile(r"^[\"']?(openapi|swagger|asyncapi)[\"']?[ \t]*:[ \t]*[\"']?\d", re.M)
_JSON_KEY = re.compile(r"\"(openapi|swagger|asyncapi)\"\s*:\s*\"?\d")


# extensions `_spec_evidence` may accept
_SPEC_EXTS = frozenset(CONTRACT_EXTENSIONS) | {"yml", "yaml", "json"}


def _ext(path: str) -> str:
    name = posixpath.basename(path)
    return name.rpartition(".")[2].lower() if "." in name else ""


def _yaml_spec(path: str, text: str) -> Evidence | None:
    m = _YAML_KEY.search(text)
    if m is None:
        return None
    line = text.count("\n", 0, m.start()) + 1
    return Evidence(path, line, f"{_KINDS[m.group(1)]} document")


def _json_spec(path: str, text: str) -> Evidence | None:
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    for key, kind in _KINDS.items():
        value = doc.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            line = first_line(text, re.compile(rf"\"{key}\"\s*:"))
            return Evidence(path, line, f"{kind} document")
    return None


def _document_spec(path: str, text: str | None) -> Evidence | None:
    ext = _ext(path)
    if text is None or ext not in {"yml", "yaml", "json"} or not any(k in text for k in _KINDS):
        return None
    if ext in {"yml", "yaml"}:
        return _yaml_spec(path, text)
    if ext == "json" and _JSON_KEY.search(text):
        return _json_spec(path, text)
    return None


def _spec_evidence(facts: ServiceFacts, path: str) -> Evidence | None:
    kind = CONTRACT_EXTENSIONS.get(_ext(path))
    if kind is not None:
        return Evidence(path, None, kind)
    return _document_spec(path, facts.texts.get(path))


@check("api.spec", "A machine-readable API contract exists")
def api_spec(facts: ServiceFacts) -> Finding:
    candidates = facts.file_index.select(_SPEC_EXTS)
    ev = [e for p in candidates if (e := _spec_evidence(facts, p)) is not None]
    if not ev:
        return failed("api.spec", "no API contract (OpenAPI, proto, GraphQL, AsyncAPI, Avro)")
    return passed("api.spec", f"{len(ev)} API contract file(s)", *ev[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (api_spec,)
