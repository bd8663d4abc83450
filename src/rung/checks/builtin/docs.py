"""Built-in checks: docs (README, contributing guide, architecture docs, change log).

README content is read as a sequence of headings and code (fenced or indented blocks,
`$ ` prompt lines, inline code spans) in Markdown, reStructuredText, AsciiDoc or plain
text. The command recognisers are public: `ci.runs_tests` reuses `is_test_command`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rung.checks.base import (
    CheckSpec,
    Evidence,
    Finding,
    check,
    failed,
    passed,
    unknown,
)
from rung.collect.facts import ServiceFacts

README_NAMES = ("readme", "readme.md", "readme.rst", "readme.txt", "readme.adoc")
DOC_EXTS = frozenset({"", ".md", ".rst", ".txt", ".adoc"})
MAX_EVIDENCE = 5

# ----- README discovery -----------------------------------------------------------------


def _top(facts: ServiceFacts, base: str) -> list[str]:
    folder = "" if base in (".", "") else base
    return facts.repo_index.in_dir(folder)


def readme_paths(facts: ServiceFacts) -> list[str]:
    """READMEs of the service root, then (single-service repository) of the repository root."""
    bases = [facts.root]
    if facts.single_service_repo:
        bases.append(".")
    out: list[str] = []
    for base in dict.fromkeys(b if b not in ("", ".") else "." for b in bases):
        found = [p for p in _top(facts, base) if posixpath.basename(p).lower() in README_NAMES]
        found.sort(key=lambda p: README_NAMES.index(posixpath.basename(p).lower()))
        out.extend(p for p in found if p not in out)
    return out


# ----- README structure -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    line: int  # 1-based
    kind: str  # "heading" | "code"
    text: str


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ADOC_DELIM = re.compile(r"^(-{4,}|\.{4,})\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$")
_ADOC_HEADING = re.compile(r"^={1,6}\s+(\S.*?)\s*$")
_MD_UNDERLINE = re.compile(r"^\s{0,3}(=+|-{2,})\s*$")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}\s*$")
_PROMPT_LINE = re.compile(r"^\s*(?:\$|%|>|PS>|❯)\s+\S")
_INLINE_CODE = re.compile(r"`+([^`\n]+?)`+")


def _is_code_indent(line: str, ext: str) -> bool:
    if ext == ".rst":
        return line.startswith(("  ", "\t")) and bool(line.strip())
    return line.startswith(("    ", "\t")) and bool(line.strip())


def _underline(line: str, ext: str) -> bool:
    if ext == ".adoc":
        return False
    if _MD_UNDERLINE.match(line):
        return True
    return ext in (".rst", "") and _RST_UNDERLINE.match(line) is not None


def _fence_items(lines: list[str], i: int, closer: re.Pattern[str]) -> tuple[list[Item], int]:
    """Code lines after an opening fence at index i; returns items and the index after it."""
    items: list[Item] = []
    j = i + 1
    while j < len(lines) and not closer.match(lines[j]):
        items.append(Item(j + 1, "code", lines[j]))
        j += 1
    return items, j + 1


def _closer_for(line: str, ext: str) -> re.Pattern[str] | None:
    m = _FENCE.match(line)
    if m:
        mark = m.group(1)
        return re.compile(r"^\s{0,3}" + re.escape(mark[0]) + "{" + str(len(mark)) + r",}\s*$")
    if ext == ".adoc":
        m = _ADOC_DELIM.match(line)
        if m:
            return re.compile("^" + re.escape(m.group(1)) + r"\s*$")
    return None


def _line_items(line: str, nxt: str, ln: int, ext: str) -> list[Item]:
    m = _ATX.match(line) if ext != ".rst" else None
    if m and m.group(1):
        return [Item(ln, "heading", m.group(1)), *_inline(line, ln)]
    m = _ADOC_HEADING.match(line)
    if m:
        return [Item(ln, "heading", m.group(1))]
    if line.strip() and not _underline(line, ext) and _underline(nxt, ext):
        return [Item(ln, "heading", line.strip()), *_inline(line, ln)]
    if _is_code_indent(line, ext) or _PROMPT_LINE.match(line):
        return [Item(ln, "code", line)]
    return _inline(line, ln)


def _inline(line: str, ln: int) -> list[Item]:
    return [Item(ln, "code", m.group(1)) for m in _INLINE_CODE.finditer(line)]


def readme_items(path: str, text: str) -> Iterator[Item]:
    """Headings and code of a README, in document order."""
    ext = posixpath.splitext(path)[1].lower()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        closer = _closer_for(lines[i], ext)
        if closer is not None:
            items, i = _fence_items(lines, i, closer)
            yield from items
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        yield from _line_items(lines[i], nxt, i + 1, ext)
        i += 1


# ----- commands ---------------------------------------------------------------------------

_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\|(?!\|)|[\"'],\s*[\"'])\s*")
_PROMPT = re.compile(r"^(?:\$|%|>|PS>|❯|#\s*\$)\s+")
_PREFIX = re.compile(
    r"^(?:sudo\s+|time\s+|env\s+|[A-Za-z_][A-Za-z0-9_]*=\S*\s+|xvfb-run\s+(?:-a\s+)?"
    r"|(?:poetry|uv|pipenv|pdm|hatch|rye)\s+run\s+|npx\s+|pnpm\s+exec\s+|bundle\s+exec\s+"
    r"|coverage\s+run\s+(?:-m\s+)?|python3?(?:\.\d+)?\s+-m\s+(?=pytest|unittest|tox|nox))"
)
_END = r"(?=$|[\s\"'`)\],])"
_SETUP = re.compile(
    r"(?:pip3?|python3?(?:\.\d+)?\s+-m\s+pip|uv\s+pip|pipx|conda|mamba)\s+install"
    r"|(?:poetry|pipenv|pdm|bundle|composer|bun)\s+install|uv\s+sync|conda\s+env\s+create"
    r"|python3?\s+-m\s+venv|virtualenv|rye\s+sync|hatch\s+env\s+create"
    r"|npm\s+(?:install|i|ci|start|run\s+(?:dev|start|build|serve|watch)\S*)"
    r"|yarn(?:\s+(?:install|start|dev|build|serve))?|pnpm\s+(?:install|i|dev|start|build)"
    r"|go\s+(?:run|build|install|mod\s+download|generate)|(?:\./)?mvnw?|(?:\./)?gradlew?"
    r"|make|docker(?:-|\s+)compose\s+(?:up|build|run)|docker\s+(?:run|build)"
    r"|podman\s+(?:run|build)|cargo\s+(?:run|build|install)|dotnet\s+(?:run|build|restore)"
    r"|mix\s+(?:deps\.get|phx\.server|run|compile)|iex\s+-S\s+mix"
    r"|(?:bin/)?rails\s+(?:s|server)|rake\s+db:setup|python3?\s+manage\.py\s+runserver"
    r"|flask\s+run|uvicorn|gunicorn|java\s+-jar|node\s+\S+\.[cm]?js|deno\s+run"
    r"|sbt\s+(?:run|compile)|lein\s+run|stack\s+build|cabal\s+build|swift\s+(?:build|run)"
    r"|bazel(?:isk)?\s+(?:build|run)|skaffold\s+(?:dev|run)|tilt\s+up|devspace\s+dev"
    r"|(?:\./)?(?:scripts?/|bin/)?(?:setup|bootstrap|install)(?:\.sh)?" + _END
)
_TEST = re.compile(
    r"(?:pytest|py\.test|unittest|tox|nox|(?:python3?\s+)?manage\.py\s+test"
    r"|(?:npm|pnpm|bun|yarn)\s+(?:run\s+)?(?:t|test[\w:.-]*)|npm\s+run-script\s+test[\w:.-]*"
    r"|go\s+test|gotestsum|ginkgo"
    r"|(?:\./)?mvnw?(?:\s+\S+)*?\s+(?:test|verify|integration-test)"
    r"|(?:\./)?gradlew?(?:\s+\S+)*?\s+(?:\S*:)?(?:test|check|\w*Test)"
    r"|make(?:\s+\S+)*?\s+(?:\S*test\S*|check)"
    r"|cargo\s+(?:test|nextest)|rspec|rake\s+(?:test|spec)|(?:bin/)?rails\s+test"
    r"|dotnet\s+test|mix\s+test|(?:\./)?(?:vendor/bin/)?phpunit|composer\s+test"
    r"|jest|vitest|mocha|karma\s+start|ava|ctest|bazel(?:isk)?\s+test|sbt\s+(?:\S+\s+)*?test"
    r"|lein\s+test|stack\s+test|cabal\s+test|swift\s+test|deno\s+test|flutter\s+test"
    r"|dart\s+test|behave|cucumber|robot|playwright\s+test|cypress\s+run"
    r"|(?:(?:ba)?sh\s+)?(?:\./|[\w.-]+/)(?:[\w.-]+/)*(?:run[-_]?)?(?:unit[-_]|all[-_])?tests?"
    r"(?:[-_][\w-]+)?(?:\.sh|\.bash|\.py|\.ps1)?"
    r"|(?:(?:ba)?sh\s+)?(?:run[-_]?)?tests?(?:[-_][\w-]+)?\.(?:sh|bash|ps1))" + _END
)


def command_segments(code: str) -> Iterator[str]:
    """Simple commands of a code line: split on `&&`, `;`, `|`, list items; prefixes off."""
    stripped = code.strip()
    if stripped.startswith(("#", "//")) and not stripped.startswith("#$"):
        return
    for seg in _SPLIT.split(stripped):
        seg = _PROMPT.sub("", seg.strip(" \t[]\"'`("))
        prev = None
        while prev != seg:
            prev, seg = seg, _PREFIX.sub("", seg)
        if seg:
            yield seg


def is_test_command(code: str) -> bool:
    return any(_TEST.match(seg) for seg in command_segments(code))


def is_setup_command(code: str) -> bool:
    return any(_SETUP.match(seg) and not _TEST.match(seg) for seg in command_segments(code))


# ----- README checks ----------------------------------------------------------------------

_SETUP_HEADING = re.compile(
    r"\b(?:install\w*|set[\s-]?up|setting\s+up|getting\s+started|get\s+started"
    r"|quick[\s-]?start|run|running|how\s+to\s+run|build|building|compil\w+|usage"
    r"|develop\w*|local\s+dev\w*|start(?:ing)?|deploy\w*\s+locally)\b",
    re.IGNORECASE,
)
_TESTS_PHRASE = re.compile(
    r"\b(?:run(?:ning)?|build(?:ing)?)\s+(?:the\s+)?(?:\w+\s+)?tests?\b", re.I
)
_TEST_HEADING = re.compile(r"\b(?:py|unit)?test(?!imonial)", re.IGNORECASE)


def _setup_heading(text: str) -> bool:
    return _SETUP_HEADING.search(_TESTS_PHRASE.sub(" ", text)) is not None


def _test_heading(text: str) -> bool:
    return _TEST_HEADING.search(text) is not None


def _readme_search(
    facts: ServiceFacts,
    check_id: str,
    heading: Callable[[str], bool],
    command: Callable[[str], bool],
    what: str,
) -> Finding:
    paths = readme_paths(facts)
    if not paths:
        return failed(check_id, f"no README in the service root ({facts.root}) to tell {what}")
    readable = [(p, facts.texts[p]) for p in paths if p in facts.texts]
    if not readable:
        reasons = "; ".join(f"{p}: {facts.skipped.get(p, 'not read')}" for p in paths)
        return unknown(check_id, f"README could not be read ({reasons})")
    for path, text in readable:
        for item in readme_items(path, text):
            if item.kind == "heading" and heading(item.text):
                ev = Evidence(path, item.line, f"heading: {item.text[:80]}")
                return passed(check_id, f"README tells {what}", ev)
            if item.kind == "code" and command(item.text):
                ev = Evidence(path, item.line, f"command: {item.text.strip()[:80]}")
                return passed(check_id, f"README tells {what}", ev)
    names = ", ".join(p for p, _ in readable)
    return failed(check_id, f"no heading or command telling {what} in {names}")


@check("readme.present", "A README is in the service root (or the root of a one-service repo)")
def readme_present(facts: ServiceFacts) -> Finding:
    paths = readme_paths(facts)
    if not paths:
        where = "service root" + (" or repository root" if facts.single_service_repo else "")
        return failed(
            "readme.present", f"no README (README, README.md, .rst, .txt, .adoc) in the {where}"
        )
    return passed("readme.present", "README found", *(Evidence(p, None, "README") for p in paths))


@check("readme.setup", "The README tells how to install, set up, build or run the service")
def readme_setup(facts: ServiceFacts) -> Finding:
    return _readme_search(
        facts, "readme.setup", _setup_heading, is_setup_command, "how to set up or run the service"
    )


@check("readme.tests", "The README tells how to run the tests")
def readme_tests(facts: ServiceFacts) -> Finding:
    return _readme_search(
        facts, "readme.tests", _test_heading, is_test_command, "how to run the tests"
    )


# ----- contributing, change log, architecture --------------------------------------------


def _doc_named(name: str, prefixes: tuple[str, ...]) -> bool:
    low = name.lower()
    stem, ext = posixpath.splitext(low)
    if ext not in DOC_EXTS:
        stem, ext = low, ""
        if "." in low:
            return False
    return stem.startswith(prefixes)


def _top_level_docs(
    facts: ServiceFacts, prefixes: tuple[str, ...], subdirs: tuple[str, ...]
) -> list[str]:
    out: list[str] = []
    for base in dict.fromkeys([facts.root if facts.root not in ("", ".") else ".", "."]):
        for sub in ("", *subdirs):
            folder = posixpath.normpath(posixpath.join(base, sub)) if sub else base
            for p in _top(facts, folder):
                if p not in out and _doc_named(posixpath.basename(p), prefixes):
                    out.append(p)
    return out


@check("docs.contributing", "A CONTRIBUTING guide")
def docs_contributing(facts: ServiceFacts) -> Finding:
    found = _top_level_docs(facts, ("contributing",), (".github", "docs", ".gitlab"))
    if not found:
        return failed(
            "docs.contributing",
            "no CONTRIBUTING* in the service or repository root, .github/ or docs/",
        )
    return passed(
        "docs.contributing",
        "contributing guide found",
        *(Evidence(p, None, "contributing guide") for p in found[:MAX_EVIDENCE]),
    )


_CHANGELOG = (
    "changelog",
    "changes",
    "history",
    "news",
    "release_notes",
    "release-notes",
    "releasenotes",
)


@check("release.changelog", "A change log at the top of the service or repository root")
def release_changelog(facts: ServiceFacts) -> Finding:
    found = _top_level_docs(facts, _CHANGELOG, ())
    if not found:
        return failed(
            "release.changelog",
            "no CHANGELOG*, CHANGES*, HISTORY*, NEWS* or RELEASE_NOTES* document"
            " at the top of the service or repository root",
        )
    return passed(
        "release.changelog",
        "change log found",
        *(Evidence(p, None, "change log") for p in found[:MAX_EVIDENCE]),
    )


DOCS_DIRS = frozenset({"doc", "docs", "documentation"})
ADR_DIRS = frozenset({"adr", "adrs", "decisions"})
_RECORD = re.compile(r"(?:\d+[-_. ].*|adr[-_]?\d+.*|adr-.*)\.(?:md|rst|adoc|txt)")
_DOCS_DIR_RECORD = re.compile(r"(?:\d{4}-.*|adr-.*)\.md")
_SITE = re.compile(r"mkdocs\.ya?ml|docusaurus\.config\.[\w.]+|architecture\.(?:md|rst|adoc|txt)")


# `_arch_file` names: a docs site, Sphinx's conf.py or a record with one of these extensions
_ARCH_EXTS = frozenset({"md", "rst", "adoc", "txt"})


def _adr_record(rel: str) -> bool:
    """An architecture decision record: a numbered record in an ADR folder of a docs tree
    (or an `adr`/`adrs` folder at the service root), or `adr-*.md`/`NNNN-*.md` in a docs tree."""
    parts = rel.lower().split("/")
    name, dirs = parts[-1], parts[:-1]
    for i, d in enumerate(dirs):
        in_docs = any(x in DOCS_DIRS for x in dirs[:i])
        if (
            (d in ADR_DIRS or d.startswith("arch"))
            and (in_docs or (i == 0 and d in {"adr", "adrs"}))
            and _RECORD.fullmatch(name)
        ):
            return True
    return any(d in DOCS_DIRS for d in dirs) and _DOCS_DIR_RECORD.fullmatch(name) is not None


def _arch_file(rel: str) -> str | None:
    parts = rel.lower().split("/")
    if _SITE.fullmatch(parts[-1]):
        return "architecture document" if parts[-1].startswith("architecture") else "docs site"
    if (
        parts[-1] == "conf.py"
        and len(parts) >= 2
        and (
            parts[-2] in DOCS_DIRS
            or (len(parts) >= 3 and parts[-3] in DOCS_DIRS and parts[-2] == "source")
        )
    ):
        return "Sphinx docs site"
    if _adr_record(rel):
        return "architecture decision record"
    return None


@check("docs.architecture", "Architecture docs: ADRs, ARCHITECTURE.md or a docs site")
def docs_architecture(facts: ServiceFacts) -> Finding:
    ev: list[Evidence] = []
    for p in facts.file_index.select(_ARCH_EXTS, frozenset({"conf.py"}), _SITE):
        what = _arch_file(facts.rel(p))
        if what:
            ev.append(Evidence(p, None, what))
    if not ev:
        return failed(
            "docs.architecture",
            "no architecture decision records (docs/adr/NNNN-*.md), ARCHITECTURE.md,"
            " mkdocs.yml, docs/conf.py or docusaurus.config.*",
        )
    return passed("docs.architecture", "architecture docs found", *ev[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (
    readme_present,
    readme_setup,
    readme_tests,
    docs_contributing,
    docs_architecture,
    release_changelog,
)
