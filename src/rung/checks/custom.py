"""User-defined checks: declarative instances of generic check types (model `checks:`).

- `file_exists`: a file whose service-relative path matches `glob` (case-insensitive;
  `*` and `?` stay within a folder, `**` spans folders; a glob without `/` is matched
  against the full service-relative path, so `Makefile` means the root's and
  `**/Makefile` any).
- `file_regex`: a file matching `glob` whose text matches `pattern` (Python `re`,
  multi-line mode); evidence is the path and line of the first match in each file.
- `dependency`: a direct dependency named `name` (exact, case-insensitive), optionally in
  `ecosystem`.
- `catalog_field`: a field of the service's descriptor document is set (or equals
  `equals`, compared as strings). `field` is a dotted path; keys that contain dots are
  written in brackets (`metadata.annotations["rung.dev/tier"]`) or found by the longest
  key that matches (`metadata.annotations.rung.dev/tier`); `[0]` indexes a list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from rung.checks.base import (
    CheckKind,
    CheckSpec,
    Evidence,
    Finding,
    failed,
    passed,
    unknown,
)
from rung.checks.util import first_line
from rung.collect.facts import ServiceFacts
from rung.model.schema import CustomCheck

MAX_EVIDENCE = 10

# ----- globs --------------------------------------------------------------------------------------


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """Compile a path glob (`**` spans folders, `*`/`?` do not), case-insensitive."""
    glob = glob.strip().lstrip("/").removeprefix("./")
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            piece, i = _glob_piece(glob, i)
            out.append(piece)
    return re.compile("".join(out), re.IGNORECASE)


def _glob_piece(glob: str, i: int) -> tuple[str, int]:
    c = glob[i]
    if c == "*":
        return "[^/]*", i + 1
    if c == "?":
        return "[^/]", i + 1
    end = glob.find("]", i + 2) if c == "[" else -1
    if end > 0:
        body = glob[i + 1 : end]
        body = "^" + body[1:] if body.startswith("!") else body
        return "[" + body.replace("\\", "\\\\") + "]", end + 1
    return re.escape(c), i + 1


def _matching(facts: ServiceFacts, pattern: re.Pattern[str]) -> list[str]:
    return [p for p in facts.files if pattern.fullmatch(facts.rel(p))]


# ----- file_exists / file_regex -------------------------------------------------------------------


def _file_exists(cc: CustomCheck, pattern: re.Pattern[str], facts: ServiceFacts) -> Finding:
    found = _matching(facts, pattern)
    if not found:
        return failed(cc.id, f"no file matches {cc.glob!r}")
    ev = [Evidence(p, None, f"matches {cc.glob!r}") for p in found[:MAX_EVIDENCE]]
    return passed(cc.id, f"{len(found)} file(s) match {cc.glob!r}", *ev)


def _file_regex(
    cc: CustomCheck, pattern: re.Pattern[str], regex: re.Pattern[str], facts: ServiceFacts
) -> Finding:
    candidates = _matching(facts, pattern)
    ev: list[Evidence] = []
    unreadable: list[str] = []
    for p in candidates:
        text = facts.texts.get(p)
        if text is None:
            unreadable.append(p)
            continue
        line = first_line(text, regex)
        if line is not None:
            ev.append(Evidence(p, line, f"matches /{cc.pattern}/"))
    if ev:
        return passed(cc.id, f"{len(ev)} file(s) match /{cc.pattern}/", *ev[:MAX_EVIDENCE])
    if unreadable:
        why = facts.skipped.get(unreadable[0], "not read")
        return unknown(cc.id, f"{len(unreadable)} file(s) could not be read ({why})")
    if not candidates:
        return failed(cc.id, f"no file matches {cc.glob!r}")
    return failed(cc.id, f"no file matching {cc.glob!r} contains /{cc.pattern}/")


# ----- dependency ---------------------------------------------------------------------------------


def _dependency(cc: CustomCheck, facts: ServiceFacts) -> Finding:
    name = (cc.name or "").lower()
    eco = cc.ecosystem.lower() if cc.ecosystem else None
    found = [
        d
        for d in facts.dependencies
        if d.name.lower() == name and (eco is None or d.ecosystem.lower() == eco)
    ]
    what = f"{cc.name}" + (f" ({cc.ecosystem})" if cc.ecosystem else "")
    if found:
        ev = [Evidence(d.manifest, d.line, f"depends on {d.name}") for d in found]
        return passed(cc.id, f"depends on {what}", *ev[:MAX_EVIDENCE])
    errors = {p: e for p, e in facts.manifest_errors.items() if p in set(facts.files)}
    if errors:
        path, err = next(iter(sorted(errors.items())))
        return unknown(cc.id, f"no dependency {what} found, but {path} could not be read: {err}")
    return failed(cc.id, f"no dependency {what}")


# ----- catalog_field ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\[\s*(?:\"([^\"]*)\"|'([^']*)'|(\d+))\s*\]|\.?([^.\[\]]+)")
_MISSING = object()


def parse_field(field: str) -> list[str | int | tuple[str, ...]]:
    """Tokens of a field path: str (bracketed key), int (index) or a tuple of dotted parts
    (a run of dotted parts, resolved against the document by longest key first)."""
    out: list[str | int | tuple[str, ...]] = []
    run: list[str] = []
    for m in _TOKEN.finditer(field):
        dq, sq, idx, part = m.groups()
        if part is not None:
            run.append(part)
            continue
        if run:
            out.append(tuple(run))
            run = []
        out.append(int(idx) if idx is not None else (dq if dq is not None else sq or ""))
    if run:
        out.append(tuple(run))
    return out


def _resolve_run(node: Any, parts: tuple[str, ...]) -> Iterator[Any]:
    """Values reached by a run of dotted parts, trying the longest dotted key first."""
    if not parts:
        yield node
        return
    if not isinstance(node, Mapping):
        return
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in node:
            yield from _resolve_run(node[key], parts[n:])


def resolve_field(doc: Any, field: str) -> Any:
    """The value at `field` in `doc`, or `_MISSING`."""
    nodes: list[Any] = [doc]
    for tok in parse_field(field):
        nxt: list[Any] = []
        for node in nodes:
            if isinstance(tok, tuple):
                nxt.extend(_resolve_run(node, tok))
            elif isinstance(tok, int):
                if isinstance(node, list) and -len(node) <= tok < len(node):
                    nxt.append(node[tok])
            elif isinstance(node, Mapping) and tok in node:
                nxt.append(node[tok])
        nodes = nxt
    return nodes[0] if nodes else _MISSING


def as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def _field_line(facts: ServiceFacts, path: str | None, field: str) -> int | None:
    """Line of the field's last key in the descriptor file (first occurrence)."""
    text = facts.texts.get(path) if path else None
    toks = parse_field(field)
    if text is None or not toks:
        return None
    last = toks[-1]
    key = last[-1] if isinstance(last, tuple) else str(last)
    pattern = rf"^[ \t-]*[\"']?(?:[^\s:\"']*[./])?{re.escape(key)}[\"']?[ \t]*:"
    return first_line(text, re.compile(pattern, re.M))


def _catalog_field(cc: CustomCheck, facts: ServiceFacts) -> Finding:
    field = cc.field or ""
    svc = facts.service
    if not svc.descriptor:
        return failed(cc.id, f"{field} is not set: the service has no catalog descriptor")
    value = resolve_field(svc.descriptor, field)
    if value is _MISSING or value is None or value == "":
        return failed(cc.id, f"{field} is not set")
    shown = as_string(value)
    if cc.equals is not None and shown != cc.equals:
        return failed(cc.id, f"{field} is {shown!r}, expected {cc.equals!r}")
    where = svc.descriptor_path or "catalog-info.yaml"
    line = _field_line(facts, svc.descriptor_path, field)
    return passed(cc.id, f"{field} = {shown!r}", Evidence(where, line, f"{field} = {shown!r}"))


# ----- building the specs -------------------------------------------------------------------------


def _summary(cc: CustomCheck) -> str:
    if cc.summary:
        return cc.summary
    return {
        "file_exists": f"a file matches {cc.glob}",
        "file_regex": f"a file matching {cc.glob} contains /{cc.pattern}/",
        "dependency": f"depends on {cc.name}",
        "catalog_field": f"catalog field {cc.field}"
        + (f" is {cc.equals}" if cc.equals is not None else " is set"),
    }[cc.type]


def _func(cc: CustomCheck) -> Callable[[ServiceFacts], Finding]:
    if cc.type == "file_exists":
        return partial(_file_exists, cc, glob_to_regex(cc.glob or ""))
    if cc.type == "file_regex":
        regex = re.compile(cc.pattern or "", re.M)
        return partial(_file_regex, cc, glob_to_regex(cc.glob or ""), regex)
    if cc.type == "dependency":
        return partial(_dependency, cc)
    return partial(_catalog_field, cc)


_KINDS = {"catalog_field": CheckKind.CATALOG}


def custom_check(cc: CustomCheck) -> CheckSpec:
    """The CheckSpec of one declarative check (patterns compiled once, here)."""
    return CheckSpec(
        id=cc.id,
        summary=_summary(cc),
        func=_func(cc),
        kind=_KINDS.get(cc.type, CheckKind.STATIC),
    )


def custom_checks(model_checks: Sequence[CustomCheck]) -> list[CheckSpec]:
    return [custom_check(cc) for cc in model_checks]
