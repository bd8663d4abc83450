"""Built-in checks: CI (ci.config, ci.runs_tests, ci.on_change_request).

CI definitions are repository-level: they are looked for at the fixed locations of each
CI system relative to the service root (monorepos) and to the repository root. Each
system has its own change-request detector (dispatch table `_CHANGE_REQUEST`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from rung.checks.base import (
    CheckSpec,
    Evidence,
    Finding,
    check,
    failed,
    passed,
    unknown,
)
from rung.checks.builtin.deploy import walk, yaml_load
from rung.checks.builtin.docs import is_test_command
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5

# (system, lower-cased path relative to the service or repository root)
CI_LOCATIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (system, re.compile(rx))
    for system, rx in (
        ("github", r"\.github/workflows/[^/]+\.ya?ml"),
        ("gitlab", r"\.gitlab-ci\.ya?ml|(?:\.gitlab/ci/|ci/)?[^/]*\.gitlab-ci\.ya?ml"),
        ("circleci", r"\.circleci/config\.ya?ml"),
        (
            "azure",
            r"(?:\.azure-pipelines/|\.azuredevops/|\.pipelines/)?azure-pipelines[^/]*\.ya?ml",
        ),
        ("travis", r"\.travis\.ya?ml"),
        ("bitbucket", r"bitbucket-pipelines\.ya?ml"),
        ("drone", r"\.drone\.ya?ml"),
        ("buildkite", r"\.buildkite/.+"),
        ("cloudbuild", r"cloudbuild[^/]*\.(?:ya?ml|json)"),
        ("tekton", r"\.tekton/.+"),
        ("jenkins", r"(?:(?:\.?ci|\.?jenkins|pipelines?)/)?jenkinsfile[^/]*"),
    )
)


_ANY_CI = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in CI_LOCATIONS))
# every path a CI location matches holds one of these (lower-cased)
_CI_NEEDLES = (
    ".github/workflows/",
    ".gitlab-ci.",
    ".circleci/config.",
    "azure-pipelines",
    ".travis.",
    "bitbucket-pipelines.",
    ".drone.",
    ".buildkite/",
    "cloudbuild",
    ".tekton/",
    "jenkinsfile",
)


def ci_files(facts: ServiceFacts) -> list[tuple[str, str]]:
    """(path, system) of the CI definitions of the service root, then the repository root."""
    bases = tuple(dict.fromkeys([facts.root if facts.root not in ("", ".") else ".", "."]))
    found = facts.repo_index.memo(("ci.ci_files", bases), lambda: _ci_scan(facts, bases))
    return list(found)


def _ci_scan(facts: ServiceFacts, bases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for base in bases:
        prefix = "" if base == "." else base + "/"
        for p in facts.repo_index.select(needles=_CI_NEEDLES):
            if p in seen or not p.startswith(prefix):
                continue
            rel = p[len(prefix) :].lower()
            if not _ANY_CI.fullmatch(rel):
                continue
            for system, rx in CI_LOCATIONS:
                if rx.fullmatch(rel):
                    out.append((p, system))
                    seen.add(p)
                    break
    return tuple(out)


_NO_CI = "no CI definition (Jenkinsfile, .github/workflows/*.yml, .gitlab-ci.yml, ...)"


@check("ci.config", "A CI pipeline definition")
def ci_config(facts: ServiceFacts) -> Finding:
    found = ci_files(facts)
    if not found:
        return failed("ci.config", _NO_CI)
    ev = [Evidence(p, None, f"{system} CI") for p, system in found[:MAX_EVIDENCE]]
    return passed("ci.config", f"{len(found)} CI definition(s)", *ev)


# ----- ci.runs_tests ---------------------------------------------------------------------------

_LINE = re.compile(r"^\s*(?:-\s+)?(?:(?P<key>[\w.$-]+)\s*:(?:\s+|$))?(?P<rest>.*)$")
_SKIP_KEYS = frozenset(
    {"name", "description", "id", "uses", "if", "image", "title", "label", "when", "stage"}
)
_WRAPPER = re.compile(
    r"^(?:[|>][-+]?\s*$|(?:sh|bat|pwsh|powershell)\s*\(?\s*(?:script\s*:\s*)?(?:\"\"\"|'''|[\"']))"
)


_GROOVY_SH = re.compile(
    r"\b(?:sh|bat|pwsh|powershell)\s*\(?\s*(?:script\s*:\s*)?(\"\"\"|'''|[\"'])(.+?)\1"
)


def ci_commands(line: str) -> list[str]:
    """Commands of a CI definition line: the line without its YAML key or block marker,
    and the strings of Groovy `sh '...'` steps anywhere in it."""
    m = _LINE.match(line)
    if m is None or (m.group("key") or "").lower() in _SKIP_KEYS:
        return []
    return [_WRAPPER.sub("", m.group("rest").strip())] + [
        g.group(2) for g in _GROOVY_SH.finditer(line)
    ]


def _test_steps(facts: ServiceFacts, path: str) -> Evidence | None:
    """The first test command of a CI definition, once per repository (its services
    share the repository-level definitions)."""
    return facts.repo_index.memo(("ci.test_steps", path), lambda: _first_test_step(facts, path))


def _first_test_step(facts: ServiceFacts, path: str) -> Evidence | None:
    for n, line in enumerate(facts.texts.get(path, "").splitlines(), 1):
        for cmd in ci_commands(line):
            if cmd and is_test_command(cmd):
                return Evidence(path, n, f"runs tests: {cmd.strip()[:80]}")
    return None


@check("ci.runs_tests", "A CI definition runs the tests")
def ci_runs_tests(facts: ServiceFacts) -> Finding:
    found = ci_files(facts)
    if not found:
        return failed("ci.runs_tests", _NO_CI)
    readable = [p for p, _ in found if p in facts.texts]
    ev = [e for e in (_test_steps(facts, p) for p in readable) if e is not None]
    if ev:
        return passed("ci.runs_tests", "CI runs the tests", *ev[:MAX_EVIDENCE])
    if not readable:
        return unknown("ci.runs_tests", "CI definitions could not be read")
    return failed(
        "ci.runs_tests",
        "no test command (pytest, npm test, go test, mvn test, make test, ...) in "
        + ", ".join(p for p, _ in found[:MAX_EVIDENCE]),
    )


# ----- ci.on_change_request ----------------------------------------------------------------

_COMMENT = re.compile(r"^\s*(?:#|//)")


def _regex_line(text: str, pattern: re.Pattern[str]) -> int | None:
    for n, line in enumerate(text.splitlines(), 1):
        if not _COMMENT.match(line) and pattern.search(line):
            return n
    return None


_GH_EVENT = re.compile(r"\bpull_request(?:_target)?\b")
_GH_EVENTS = ("pull_request", "pull_request_target")


def _github(text: str) -> int | None:
    ok, doc = yaml_load(text)
    if ok and isinstance(doc, dict):
        on: Any = doc.get("on", doc.get(True))  # YAML 1.1 reads the key `on` as True
        events = [on] if isinstance(on, str) else list(on or ())
        if not any(e in _GH_EVENTS for e in events if isinstance(e, str)):
            return None
    return _regex_line(text, _GH_EVENT)


_GL_IF = re.compile(r"merge_request_event|\$CI_MERGE_REQUEST_\w+")


def _dicts(doc: Any) -> Iterator[dict[Any, Any]]:
    if isinstance(doc, dict):
        yield doc
    for _, v in walk(doc):
        if isinstance(v, dict):
            yield v
        elif isinstance(v, list):
            yield from (x for x in v if isinstance(x, dict))


def _gitlab_rule(d: dict[Any, Any]) -> bool:
    only = d.get("only")
    refs = only.get("refs") if isinstance(only, dict) else only
    if isinstance(refs, list) and "merge_requests" in refs:
        return True
    cond = d.get("if")
    return isinstance(cond, str) and bool(_GL_IF.search(cond)) and d.get("when") != "never"


def _gitlab(text: str) -> int | None:
    ok, doc = yaml_load(text)
    if ok and not any(_gitlab_rule(d) for d in _dicts(doc)):
        return None
    return _regex_line(text, re.compile(r"merge_request|CI_MERGE_REQUEST_"))


def _azure(text: str) -> int | None:
    ok, doc = yaml_load(text)
    if ok and isinstance(doc, dict):
        pr = doc.get("pr", False)
        if pr in (False, None) or (isinstance(pr, str) and pr.lower() == "none"):
            return None
    return _regex_line(text, re.compile(r"^pr\s*:"))


def _pattern(rx: str) -> Callable[[str], int | None]:
    compiled = re.compile(rx)
    return lambda text: _regex_line(text, compiled)


_CHANGE_REQUEST: dict[str, Callable[[str], int | None]] = {
    "github": _github,
    "gitlab": _gitlab,
    "azure": _azure,
    "jenkins": _pattern(r"changeRequest\s*\(|\bCHANGE_ID\b"),
    "travis": _pattern(r"\bpull_request\b|TRAVIS_PULL_REQUEST"),
    "circleci": _pattern(r"\bpull_request\b|CIRCLE_PULL_REQUEST|CIRCLE_PR_NUMBER"),
    "bitbucket": _pattern(r"^\s*pull-requests\s*:"),
    "drone": _pattern(r"\bpull_request\b"),
    "buildkite": _pattern(r"pull_request|BUILDKITE_PULL_REQUEST"),
    "tekton": _pattern(r"pull_request|pull-request|merge_request"),
    "cloudbuild": _pattern(r"\b_PR_NUMBER\b|\bpull_request\b"),
}


@check("ci.on_change_request", "A CI definition runs on pull/merge requests")
def ci_on_change_request(facts: ServiceFacts) -> Finding:
    found = ci_files(facts)
    if not found:
        return failed("ci.on_change_request", _NO_CI)
    ev: list[Evidence] = []
    for path, system in found:
        text = facts.texts.get(path)
        line = None if text is None else _CHANGE_REQUEST[system](text)
        if line is not None:
            ev.append(Evidence(path, line, f"{system}: runs on change requests"))
    if not ev:
        return failed(
            "ci.on_change_request",
            "no pull/merge request trigger in " + ", ".join(p for p, _ in found[:MAX_EVIDENCE]),
        )
    return passed("ci.on_change_request", "CI runs on change requests", *ev[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (ci_config, ci_runs_tests, ci_on_change_request)
