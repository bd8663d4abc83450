"""Built-in checks: containers (container.dockerfile, .dockerignore, .nonroot).

Dockerfiles are parsed into instructions (line continuations with the `escape` parser
directive, comments, heredocs) and stages. The user of a final stage is its last `USER`,
or, when it has none, the user of the earlier stage it is built `FROM`; a distroless
`:nonroot` base image runs as non-root. ARG/ENV references in `USER` are substituted
with their defaults; an unresolved reference is taken as non-root.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rung.checks.base import (
    CheckSpec,
    Evidence,
    Finding,
    check,
    failed,
    not_applicable,
    passed,
    unknown,
)
from rung.checks.builtin.deploy import yaml_load
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5
DOCKERFILE_GLOBS = ("dockerfile", "dockerfile.*", "dockerfile-*", "*.dockerfile", "containerfile")
COMPOSE_GLOBS = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")


def dockerfiles(facts: ServiceFacts) -> list[str]:
    """Dockerfiles anywhere in the service's tree (not `*.dockerignore` or `*.md`)."""
    return [
        p for p in facts.find(*DOCKERFILE_GLOBS) if not p.lower().endswith((".dockerignore", ".md"))
    ]


@check("container.dockerfile", "A Dockerfile or Containerfile in the service's tree")
def container_dockerfile(facts: ServiceFacts) -> Finding:
    found = dockerfiles(facts)
    if not found:
        return failed(
            "container.dockerfile",
            "no Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile or Containerfile",
        )
    ev = [Evidence(p, None, "Dockerfile") for p in found[:MAX_EVIDENCE]]
    return passed("container.dockerfile", f"{len(found)} Dockerfile(s)", *ev)


# ----- .dockerignore -----------------------------------------------------------------------


def _compose_files(facts: ServiceFacts) -> list[str]:
    own = facts.find(*COMPOSE_GLOBS)
    top = [p for p in facts.top_level(*COMPOSE_GLOBS) if p not in own]
    return own + top


def _build_entries(doc: Any) -> Iterator[Any]:
    services = doc.get("services") if isinstance(doc, dict) else None
    if isinstance(services, dict):
        for svc in services.values():
            if isinstance(svc, dict) and "build" in svc:
                yield svc["build"]


def compose_contexts(facts: ServiceFacts) -> dict[str, str]:
    """Dockerfile path (lower-cased) -> build context folder, from compose `build:` keys."""
    out: dict[str, str] = {}
    for path in _compose_files(facts):
        _, doc = yaml_load(facts.texts.get(path, ""))
        for build in _build_entries(doc):
            ctx, dockerfile = (build, "Dockerfile") if isinstance(build, str) else ("", "")
            if isinstance(build, dict):
                ctx = str(build.get("context", "."))
                dockerfile = str(build.get("dockerfile", "Dockerfile"))
            if not ctx or "://" in ctx or ctx.startswith(("git@", "/")):
                continue
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), ctx))
            if folder.startswith(".."):
                continue
            target = posixpath.normpath(posixpath.join(folder, dockerfile))
            out.setdefault(target.lower(), "" if folder == "." else folder)
    return out


def _ignore_candidates(dockerfile: str, contexts: dict[str, str]) -> list[str]:
    cands = [posixpath.join(posixpath.dirname(dockerfile), ".dockerignore")]
    cands.append(dockerfile + ".dockerignore")  # BuildKit's per-Dockerfile ignore file
    ctx = contexts.get(dockerfile.lower())
    if ctx is not None:
        cands.append(posixpath.join(ctx, ".dockerignore"))
    return cands


@check("container.dockerignore", "A .dockerignore beside a Dockerfile of the service")
def container_dockerignore(facts: ServiceFacts) -> Finding:
    found = dockerfiles(facts)
    if not found:
        return not_applicable("container.dockerignore", "the service has no Dockerfile")
    by_lower = facts.repo_index.by_lower
    contexts = compose_contexts(facts)
    ev: list[Evidence] = []
    for d in found:
        for cand in _ignore_candidates(d, contexts):
            hit = by_lower(cand.lower())
            if hit and all(e.path != hit for e in ev):
                ev.append(Evidence(hit, None, f".dockerignore for {d}"))
    if not ev:
        return failed(
            "container.dockerignore",
            "no .dockerignore beside "
            + ", ".join(found[:MAX_EVIDENCE])
            + " (Dockerfile folder or compose build context)",
        )
    return passed("container.dockerignore", ".dockerignore found", *ev[:MAX_EVIDENCE])


# ----- Dockerfile parsing ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Instruction:
    line: int
    keyword: str  # upper-cased
    args: str


_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


def _escape_char(lines: list[str]) -> str:
    for line in lines:
        m = _DIRECTIVE.match(line.strip())
        if m:
            return m.group(1)
        if not line.strip().startswith("#"):
            break
    return "\\"


def instructions(text: str) -> list[Instruction]:
    lines = text.splitlines()
    esc = _escape_char(lines)
    out: list[Instruction] = []
    buf: list[str] = []
    start = 0
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        i += 1
        if raw.lstrip().startswith("#") or (not buf and not raw.strip()):
            continue
        if not buf:
            start = i
        if raw.endswith(esc):
            buf.append(raw[:-1])
            continue
        buf.append(raw)
        joined = " ".join(s.strip() for s in buf)
        buf = []
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
        for marker in _HEREDOC.findall(args):
            while i < len(lines) and lines[i].strip() != marker:
                i += 1
            i += 1
    return out


@dataclass
class Stage:
    index: int
    line: int  # line of its FROM
    image: str
    alias: str | None
    user: str | None = None
    user_line: int | None = None
    vars: dict[str, str] = field(default_factory=dict)


_VAR = re.compile(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?(?P<op>[-+])(?P<word>[^}]*))?\}"
    r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)"
)
UNRESOLVED = "\0unresolved"


def substitute(value: str, env: dict[str, str]) -> str:
    """Dockerfile variable substitution; an unknown variable becomes `UNRESOLVED`."""

    def repl(m: re.Match[str]) -> str:
        known = env.get(m.group("braced") or m.group("plain"), "")
        if m.group("op") == "-":
            return known or m.group("word")
        if m.group("op") == "+":
            return m.group("word") if known else ""
        return known or UNRESOLVED

    return _VAR.sub(repl, value)


def _assign(args: str, env: dict[str, str]) -> None:
    """ARG NAME[=default] / ENV NAME=value / ENV NAME value."""
    if "=" not in args.split(" ", 1)[0]:
        name, _, value = args.partition(" ")
        if name and (value or name not in env):
            env[name] = value.strip().strip("\"'")
        return
    for part in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S*)", args):
        env[part[0]] = substitute(part[1].strip("\"'"), env)


def stages(text: str) -> list[Stage]:
    env: dict[str, str] = {}
    out: list[Stage] = []
    for ins in instructions(text):
        if ins.keyword in ("ARG", "ENV"):
            _assign(ins.args, env)
        elif ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            image = substitute(words[0], env) if words else ""
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            out.append(Stage(len(out), ins.line, image, alias))
        elif ins.keyword == "USER" and out:
            out[-1].user = substitute(ins.args.strip(), env)
            out[-1].user_line = ins.line
    return out


def is_root_user(user: str) -> bool:
    name = user.split(":", 1)[0].strip().strip("\"'").lower()
    return name in ("", "root", "0")


def _nonroot_image(image: str) -> bool:
    tail = image.lower().rsplit("/", 1)[-1].split("@", 1)[0]
    return ":" in tail and "nonroot" in tail.split(":", 1)[1]


def final_user(found: list[Stage]) -> tuple[bool, int, str]:
    """(non-root?, evidence line, why) for the final stage of a Dockerfile."""
    final = stage = found[-1]
    for _ in range(len(found) + 1):
        if stage.user is not None:
            shown = stage.user.replace(UNRESOLVED, "$?")
            return not is_root_user(stage.user), stage.user_line or stage.line, f"USER {shown}"
        parent = _earlier(found, stage)
        if parent is None:
            break
        stage = parent
    if _nonroot_image(stage.image):
        return True, final.line, f"distroless non-root base {stage.image}"
    return False, final.line, "final stage sets no USER (runs as root)"


def _earlier(found: list[Stage], stage: Stage) -> Stage | None:
    ref = stage.image.lower()
    for s in found[: stage.index]:
        if (s.alias and s.alias.lower() == ref) or str(s.index) == ref:
            return s
    return None


@check("container.nonroot", "Every final Dockerfile stage runs as a non-root user")
def container_nonroot(facts: ServiceFacts) -> Finding:
    found = dockerfiles(facts)
    if not found:
        return not_applicable("container.nonroot", "the service has no Dockerfile")
    good: list[Evidence] = []
    bad: list[Evidence] = []
    undecided: list[str] = []
    for path in found:
        text = facts.texts.get(path)
        parsed = stages(text) if text is not None else []
        if not parsed:
            undecided.append(f"{path}: {facts.skipped.get(path, 'no FROM instruction')}")
            continue
        ok, line, why = final_user(parsed)
        (good if ok else bad).append(Evidence(path, line, why))
    if bad:
        return failed("container.nonroot", "a final stage runs as root", *bad[:MAX_EVIDENCE])
    if undecided:
        return unknown("container.nonroot", "cannot read " + "; ".join(undecided))
    return passed("container.nonroot", "every final stage runs as non-root", *good[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (container_dockerfile, container_dockerignore, container_nonroot)
