"""Built-in checks: change management (change.codeowners, change.review_template,
release.versioned).

These are repository-level: each is looked for at fixed locations relative to the service
root and then to the repository root. A version tag has no file: its evidence path is the
ref name `refs/tags/<tag>`.
"""

from __future__ import annotations

import json
import re

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, passed, unknown
from rung.checks.builtin.ci import ci_files
from rung.checks.util import first_line
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5


def repo_level(
    facts: ServiceFacts, pattern: re.Pattern[str], needles: tuple[str, ...]
) -> list[str]:
    """Files whose lower-cased path relative to the service root, then to the repository
    root, fully matches `pattern` (whose every match holds one of `needles`)."""
    bases = tuple(dict.fromkeys([facts.root if facts.root not in ("", ".") else ".", "."]))
    key = ("change.repo_level", pattern, needles, bases)
    return list(facts.repo_index.memo(key, lambda: _repo_level(facts, pattern, needles, bases)))


def _repo_level(
    facts: ServiceFacts, pattern: re.Pattern[str], needles: tuple[str, ...], bases: tuple[str, ...]
) -> tuple[str, ...]:
    out: list[str] = []
    candidates = facts.repo_index.select(needles=needles)
    for base in bases:
        prefix = "" if base == "." else base + "/"
        for p in candidates:
            if (
                p.startswith(prefix)
                and p not in out
                and pattern.fullmatch(p[len(prefix) :].lower())
            ):
                out.append(p)
    return tuple(out)


CODEOWNERS = re.compile(r"(?:\.github/|docs/|\.gitlab/)?codeowners")


def codeowners_files(facts: ServiceFacts) -> list[str]:
    return repo_level(facts, CODEOWNERS, ("codeowners",))


@check("change.codeowners", "A CODEOWNERS file (root, .github/, docs/ or .gitlab/)")
def change_codeowners(facts: ServiceFacts) -> Finding:
    found = codeowners_files(facts)
    if not found:
        return failed("change.codeowners", "no CODEOWNERS at the root, .github/, docs/ or .gitlab/")
    ev = [Evidence(p, None, "CODEOWNERS") for p in found[:MAX_EVIDENCE]]
    return passed("change.codeowners", "CODEOWNERS found", *ev)


_REVIEW_TEMPLATE = re.compile(
    r"(?:\.github/|docs/|\.azuredevops/)?pull_request_template\.(?:md|txt)"
    r"|(?:\.github|\.azuredevops)/pull_request_template/[^/]+"
    r"|\.gitlab/merge_request_templates/[^/]+\.md"
)

_REVIEW_NEEDLES = ("pull_request_template", "merge_request_templates/")


@check("change.review_template", "A pull/merge request template")
def change_review_template(facts: ServiceFacts) -> Finding:
    found = repo_level(facts, _REVIEW_TEMPLATE, _REVIEW_NEEDLES)
    if not found:
        return failed(
            "change.review_template",
            "no pull/merge request template (.github/pull_request_template.md,"
            " .github/PULL_REQUEST_TEMPLATE/, .gitlab/merge_request_templates/)",
        )
    ev = [Evidence(p, None, "change request template") for p in found[:MAX_EVIDENCE]]
    return passed("change.review_template", "change request template found", *ev)


# ----- release.versioned ---------------------------------------------------------------------

# `1.5.x` (a maintenance-line marker) is no version: only `-`/`+` start a suffix
# (`1.2.3-rc.1`, `1.2.3+build.5`), a fourth component is a number (`1.2.3.4`) or a Maven
# qualifier (`2.0.0.RELEASE`, `5.4.2.Final`, `1.0.0.M2`).
VERSION_TAG = re.compile(
    r"(?:.*[/_@-])?v?\d+\.\d+(?:\.\d+)*(?:\.(?:RELEASE|Final|GA|SR\d+|M\d+|RC\d+))?"
    r"(?:[-+][0-9A-Za-z.-]+)?",
    re.I,
)
_RELEASE_FILES = re.compile(
    r"\.releaserc(?:\.[a-z]+)?|release\.config\.[a-z]+"
    r"|release-please-config\.json|\.release-please-manifest\.json|\.?goreleaser\.ya?ml"
)
_RELEASE_NEEDLES = ("releaserc", "release.config.", "release-please", "goreleaser")
_CHANGESET = re.compile(r"\.changeset/[^/]+")
_SEMREL = re.compile(r"\"semantic-release\"|\"@semantic-release/")
_PY_SEMREL = re.compile(r"^\[tool\.semantic_release\b", re.MULTILINE)
_WORKFLOW_RELEASE = re.compile(
    r"release-please-action|goreleaser/goreleaser-action|\bsemantic-release\b|changesets/action"
)


def _version_key(tag: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", tag)[:3])


def _package_json_release(facts: ServiceFacts, path: str) -> Evidence | None:
    text = facts.texts.get(path, "")
    line = first_line(text, _SEMREL)
    if line is None and '"release"' in text:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and "release" in data:
            line = first_line(text, re.compile(r"\"release\"\s*:"))
    return None if line is None else Evidence(path, line, "semantic-release configuration")


def release_configs(facts: ServiceFacts) -> list[Evidence]:
    nested = [
        p
        for p in facts.file_index.select(rx=_RELEASE_FILES)
        if _RELEASE_FILES.fullmatch(p.rsplit("/", 1)[-1].lower())
    ]
    found = dict.fromkeys(
        nested
        + repo_level(facts, _RELEASE_FILES, _RELEASE_NEEDLES)
        + repo_level(facts, _CHANGESET, (".changeset/",))[:1]
    )
    ev = [Evidence(p, None, "release automation config") for p in found]
    for p in facts.find("package.json") + facts.top_level("package.json"):
        e = _package_json_release(facts, p)
        if e is not None and e not in ev:
            ev.append(e)
    for p in dict.fromkeys(facts.find("pyproject.toml") + facts.top_level("pyproject.toml")):
        line = first_line(facts.texts.get(p, ""), _PY_SEMREL)
        if line is not None:
            ev.append(Evidence(p, line, "python-semantic-release configuration"))
    for p, system in ci_files(facts):
        if system != "github":
            continue
        line = first_line(facts.texts.get(p, ""), _WORKFLOW_RELEASE)
        if line is not None:
            ev.append(Evidence(p, line, "release automation in CI"))
    return ev


@check("release.versioned", "Version tags or a release automation config")
def release_versioned(facts: ServiceFacts) -> Finding:
    configs = release_configs(facts)
    tags = sorted(
        (t for t in facts.git.tags if VERSION_TAG.fullmatch(t)), key=_version_key, reverse=True
    )
    if tags:
        ev = [Evidence(f"refs/tags/{t}", None, "version tag") for t in tags[:3]]
        return passed("release.versioned", f"{len(tags)} version tag(s)", *ev, *configs[:2])
    if configs:
        return passed("release.versioned", "release automation configured", *configs[:MAX_EVIDENCE])
    if not facts.git.available:
        return unknown(
            "release.versioned",
            f"no release automation config, and tags cannot be read: {facts.git.reason}",
        )
    return failed(
        "release.versioned",
        "no version tags (v1.2.3 / 1.2.3) and no release automation config"
        " (semantic-release, release-please, goreleaser, changesets)",
    )


CHECKS: tuple[CheckSpec, ...] = (change_codeowners, change_review_template, release_versioned)
