"""Built-in checks: tests (tests.present, tests.integration, tests.load).

Test files are recognised by name (checks.md's patterns), by a test folder in their path
relative to the service root, or, for Rust, by an in-file `#[cfg(test)]` module.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, passed
from rung.checks.util import dep_evidence, deps_matching, first_line
from rung.collect.facts import ServiceFacts
from rung.collect.pathindex import holding

MAX_EVIDENCE = 5

# ----- test files -----------------------------------------------------------------------

TEST_DIRS = frozenset({"test", "tests", "spec", "__tests__"})
# Files that only keep an empty folder in git (Rails' `test/integration/.keep`): no tests.
PLACEHOLDERS = frozenset({".keep", ".gitkeep", ".gitignore", ".keepme", ".empty", ".placeholder"})


def is_placeholder(path: str) -> bool:
    return path.rpartition("/")[2].lower() in PLACEHOLDERS  # posixpath.basename(path)


# Lower-cased base-name patterns of checks.md (plus Go's, Elixir's and Kotlin's plurals).
_NAME_PATTERNS = re.compile(
    r"test_[^/]*\.py|[^/]*_test\.(?:py|go|rb|exs)|[^/]*_spec\.rb"
    r"|[^/]*\.(?:test|spec)\.(?:[jt]sx?|mjs|cjs|mts|cts)"
)
# CamelCase suffixes (`OrderTest.java`): "Test" must start a word, so `latest.java` and
# `Contest.php` are not test files while `OrderTest.java` and `order_test.php` are.
_CAMEL_EXT: dict[str, tuple[str, ...]] = {
    "java": ("Tests", "Test"),
    "kt": ("Tests", "Test"),
    "cs": ("Tests", "Test"),
    "php": ("Test",),
}
# In-file Rust tests: a `#[cfg(test)]` module or a bare `#[test]` / `#[tokio::test]` fn.
_RUST_TEST = re.compile(
    r"^[ \t]*#\[(?:cfg\(test\)|(?:tokio::|async_std::|actix_rt::)?test)\]", re.M
)


def _camel_test_name(name: str) -> bool:
    stem, _, ext = name.rpartition(".")
    suffixes = _CAMEL_EXT.get(ext.lower())
    if not suffixes or not stem:
        return False
    for suffix in suffixes:
        if stem.endswith(suffix):
            return True
        low = suffix.lower()
        if stem.lower().endswith(low):
            head = stem[: -len(low)]
            if not head or not head[-1].isalpha():
                return True
    return False


@lru_cache(maxsize=1 << 16)
def is_test_name(name: str) -> bool:
    """Whether a base name is a test file name (checks.md's `tests.present` patterns)."""
    return _NAME_PATTERNS.fullmatch(name.lower()) is not None or _camel_test_name(name)


@lru_cache(maxsize=1 << 16)
def _test_folder(folder: str) -> bool:
    """Whether a folder path (relative to the service root) has a test folder in it."""
    return any(p.lower() in TEST_DIRS for p in folder.split("/"))


def in_test_dir(facts: ServiceFacts, path: str) -> bool:
    """Whether `path` lies under a test/, tests/, spec/ or __tests__/ folder of the service."""
    return _test_folder(facts.rel(path).rpartition("/")[0])


def is_test_file(facts: ServiceFacts, path: str) -> bool:
    return is_test_name(path.rpartition("/")[2]) or in_test_dir(facts, path)


# Test names and test folders hold "test" or "spec" (lower-cased); in-file Rust tests are
# in .rs files: no other file can be evidence of tests.present.
_TEST_NEEDLES = ("test", "spec")
_RUST_EXTS = frozenset({"rs"})


def _test_file_evidence(facts: ServiceFacts) -> list[Evidence]:
    out: list[Evidence] = []
    for p in facts.file_index.select(_RUST_EXTS, needles=_TEST_NEEDLES):
        rel = facts.rel(p)
        name = p.rpartition("/")[2]
        if name.lower() in PLACEHOLDERS:
            continue
        if is_test_name(name):
            out.append(Evidence(p, None, "test file"))
        elif _test_folder(rel.rpartition("/")[0]):
            out.append(Evidence(p, None, "file in a test folder"))
        elif p.endswith(".rs"):
            text = facts.texts.get(p, "")
            line = first_line(text, _RUST_TEST) if "#[" in text else None  # the regex's literal
            if line is not None:
                out.append(Evidence(p, line, "in-file Rust tests #[cfg(test)] or #[test]"))
    return out


@check("tests.present", "Test code exists for the service")
def tests_present(facts: ServiceFacts) -> Finding:
    ev = _test_file_evidence(facts)
    if not ev:
        return failed("tests.present", "no test files")
    return passed("tests.present", f"{len(ev)} test file(s)", *ev[:MAX_EVIDENCE])


# ----- integration tests ----------------------------------------------------------------

INTEGRATION_WORDS = frozenset({"integration", "e2e", "acceptance", "functional", "it"})
_TEST_WORDS = frozenset({"test", "tests", "spec", "specs"})
_TOKEN = re.compile(r"[Ee]2[Ee]|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_JVM_EXT = frozenset({"java", "kt", "groovy", "scala"})
# Maven failsafe's default includes: IT*.java, *IT.java, *ITCase.java (tests by definition).
_FAILSAFE = re.compile(r"(?:IT[A-Z0-9_]\w*|\w*IT|\w*ITCase)\.(?:java|kt|groovy|scala)")
TESTCONTAINERS = re.compile(
    r"org\.testcontainers:.*|@?testcontainers(?:[-./:].*)?|github\.com/testcontainers/.*"
)


def tokens(name: str) -> list[str]:
    """Word tokens of a file or folder name: split on -_. and camelCase (case kept)."""
    return [t for part in re.split(r"[-_.\s]+", name) for t in _TOKEN.findall(part)]


def _integration_word(tok: str) -> str | None:
    """The integration word of a token (`integration`, `IntegrationTests`), if any."""
    low = tok.lower()
    for suffix in ("tests", "test", ""):
        if low.endswith(suffix) and low[: len(low) - len(suffix)] in INTEGRATION_WORDS:
            return low[: len(low) - len(suffix)]
    return None


def _names_tests(toks: list[str]) -> bool:
    """Whether name tokens say "test": `tests`, `spec`, `IntegrationTests`, `e2e-test`."""
    return any(t.lower() in _TEST_WORDS or t.lower().endswith(("test", "tests")) for t in toks)


@lru_cache(maxsize=1 << 16)
def _folder_is_integration(name: str) -> bool:
    return any(_integration_word(t) is not None for t in tokens(name))


@lru_cache(maxsize=1 << 16)
def _file_is_integration(name: str) -> bool:
    """A file name with an integration word as a token. "it" is an English word, so in
    file names only the upper-case `IT` of Maven failsafe counts (`ITOrder.java`)."""
    stem, _, ext = name.rpartition(".")
    for tok in tokens(stem or name):
        word = _integration_word(tok)
        if word is None:
            continue
        if word != "it" or (tok.startswith("IT") and ext.lower() in _JVM_EXT):
            return True
    return False


# Substrings an integration word token needs (lower-cased), and the failsafe "IT" token.
_INTEGRATION_HINTS = ("integration", "e2e", "acceptance", "functional")


@lru_cache(maxsize=1 << 16)
def _integration_folder(folder: str, test_name: bool) -> tuple[str | None, bool]:
    """(the first integration test folder, whether it lies in a test tree) along a folder
    path relative to the service root, for a file whose name is or is not a test name."""
    in_tree = False
    for d in folder.split("/") if folder else ():
        if d.lower() in TEST_DIRS:
            in_tree = True
        elif _folder_is_integration(d) and (in_tree or test_name or _names_tests(tokens(d))):
            return d, in_tree
    return None, in_tree


def _may_be_integration(name: str) -> bool:
    """Cheap necessary condition of `_file_is_integration`."""
    low = name.lower()
    return "IT" in name or any(h in low for h in _INTEGRATION_HINTS)


@lru_cache(maxsize=1 << 16)
def _integration_file(name: str, test_context: bool) -> bool:
    """Whether a file name is an integration test's, in a test tree or with a test name
    (`test_context`) or not."""
    if "IT" in name and _FAILSAFE.fullmatch(name):
        return True
    if not _may_be_integration(name):
        return False
    test_like = test_context or _names_tests(tokens(name.rpartition(".")[0] or name))
    return test_like and _file_is_integration(name)


# An integration folder or file name has an integration word as a token (the failsafe
# `IT` included): its lower-cased path holds that word.
_INTEGRATION_NEEDLES = tuple(sorted(INTEGRATION_WORDS))


@check("tests.integration", "Integration or end-to-end tests exist")
def tests_integration(facts: ServiceFacts) -> Finding:
    ev: list[Evidence] = []
    for p in facts.file_index.select(needles=_INTEGRATION_NEEDLES):
        if is_placeholder(p):
            continue
        folder, _, name = facts.rel(p).rpartition("/")
        test_name = is_test_name(name)
        d, in_tree = _integration_folder(folder, test_name)
        if d is not None:
            ev.append(Evidence(p, None, f"integration test folder {d}/"))
        elif _integration_file(name, in_tree or test_name):
            ev.append(Evidence(p, None, "integration test file"))
    ev += dep_evidence(deps_matching(facts, TESTCONTAINERS), "testcontainers")
    if not ev:
        return failed("tests.integration", "no integration or end-to-end tests")
    return passed("tests.integration", f"{len(ev)} integration test item(s)", *ev[:MAX_EVIDENCE])


# ----- load tests -----------------------------------------------------------------------

_LOCUST = re.compile(r"^[ \t]*(?:from[ \t]+locust(?:\.\w+)*[ \t]+import|import[ \t]+locust)", re.M)
_K6 = re.compile(r"""from[ \t]+['"]k6(?:/[\w./-]*)?['"]|require\(\s*['"]k6(?:/[\w./-]*)?['"]""")
_GATLING = re.compile(r"(?:extends|:)[ \t]*Simulation\b")
_ARTILLERY_CONFIG = re.compile(r"^config:", re.M)
_ARTILLERY_SCENARIOS = re.compile(r"^scenarios:", re.M)
_LOAD_TOOL = re.compile(
    r"(?:^[ \t]*(?:\$[ \t]*)?|[|;&`(][ \t]*|exec[ \t]+)(?:vegeta|wrk|hey)[ \t]+[-\w\"'$]", re.M
)
_WRK_LUA = re.compile(r"wrk\.(?:method|headers|body|format|path|scheme)\b")
_LOAD_DIR = re.compile(r"(?:load|perf|stress|bench)", re.I)
_DOC_EXT = frozenset({"md", "markdown", "rst", "txt", "adoc", "html"})
ARTILLERY = re.compile(r"artillery(?:-.*)?")


@lru_cache(maxsize=1 << 16)
def _ext(path: str) -> str:
    name = posixpath.basename(path)
    return name.rpartition(".")[2].lower() if "." in name else ""


def _locust(path: str, text: str | None) -> Evidence | None:
    name = path.rpartition("/")[2].lower()  # posixpath.basename(path).lower()
    if name.startswith("locustfile") and name.endswith(".py"):
        return Evidence(path, None, "Locust locustfile")
    if name.endswith(".py") and text is not None and "locust" in text:
        line = first_line(text, _LOCUST)
        if line is not None:
            return Evidence(path, line, "Locust script")
    return None


def _k6(path: str, text: str | None) -> Evidence | None:
    if text is None or _ext(path) not in {"js", "mjs", "cjs", "ts"} or "k6" not in text:
        return None
    line = first_line(text, _K6)
    return Evidence(path, line, "k6 script") if line is not None else None


def _jmeter(path: str, text: str | None) -> Evidence | None:
    return Evidence(path, None, "JMeter test plan") if _ext(path) == "jmx" else None


def _gatling(path: str, text: str | None) -> Evidence | None:
    if text is None or _ext(path) not in {"scala", "java", "kt"} or "io.gatling" not in text:
        return None
    line = first_line(text, _GATLING)
    return Evidence(path, line, "Gatling simulation") if line is not None else None


def _artillery(path: str, text: str | None) -> Evidence | None:
    if text is None or _ext(path) not in {"yml", "yaml"}:
        return None
    if "config:" not in text or _ARTILLERY_CONFIG.search(text) is None:  # its literal
        return None
    line = first_line(text, _ARTILLERY_SCENARIOS)
    return Evidence(path, line, "Artillery config") if line is not None else None


@lru_cache(maxsize=1 << 16)
def _load_folder(folder: str) -> bool:
    """Whether a folder path (relative to the service root) has a load/perf/stress/bench
    folder in it."""
    return any(_LOAD_DIR.match(d) for d in folder.split("/")) if folder else False


def _in_load_dir(facts: ServiceFacts, path: str) -> bool:
    return _load_folder(facts.rel(path).rpartition("/")[0])


LOAD_DETECTORS = (_locust, _k6, _jmeter, _gatling, _artillery)
# extension -> the detector that may accept it (each accepts its own extensions only)
_DETECTOR_BY_EXT = {
    "py": _locust,
    **dict.fromkeys(("js", "mjs", "cjs", "ts"), _k6),
    "jmx": _jmeter,
    **dict.fromkeys(("scala", "java", "kt"), _gatling),
    **dict.fromkeys(("yml", "yaml"), _artillery),
}


def _load_script(facts: ServiceFacts, path: str, text: str | None) -> Evidence | None:
    if text is None or _ext(path) in _DOC_EXT or not _in_load_dir(facts, path):
        return None
    line = first_line(text, _LOAD_TOOL)
    if line is not None:
        return Evidence(path, line, "load-testing script (vegeta/wrk/hey)")
    if _ext(path) == "lua":
        line = first_line(text, _WRK_LUA)
        return Evidence(path, line, "wrk script") if line is not None else None
    return None


# What a file needs to be evidence of tests.load: a load folder, whose lower-cased name
# holds one of `_LOAD_NEEDLES` ("ſ" is the long s that `_LOAD_DIR`, ignoring case, takes for
# an "s"), or a name `_DETECTOR_NAMES` or text `_DETECTOR_GATES` its detector asks for.
_LOAD_NEEDLES = ("load", "perf", "stress", "bench", "\u017f")
_DETECTOR_EXTS = frozenset(_DETECTOR_BY_EXT)
_DETECTOR_NAMES = ("locustfile*.py", "*.jmx")
_DETECTOR_GATES = ("locust", "k6", "io.gatling", "config:")


def _load_evidence(facts: ServiceFacts) -> Iterable[Evidence]:
    index = facts.file_index
    maybe_load_dir = index.select(needles=_LOAD_NEEDLES)
    in_load_dir = set(maybe_load_dir)
    gated = holding(facts.texts, index.select(_DETECTOR_EXTS), _DETECTOR_GATES)
    for p in index.ordered(maybe_load_dir, index.find(_DETECTOR_NAMES), gated):
        text = facts.texts.get(p)
        detect = _DETECTOR_BY_EXT.get(_ext(p))
        ev = detect(p, text) if detect is not None else None
        if ev is None and p in in_load_dir:
            ev = _load_script(facts, p, text)
        if ev is not None:
            yield ev
    yield from dep_evidence(deps_matching(facts, ARTILLERY), "Artillery")


@check("tests.load", "Load or performance tests exist")
def tests_load(facts: ServiceFacts) -> Finding:
    ev = list(_load_evidence(facts))
    if not ev:
        return failed("tests.load", "no load test files")
    return passed("tests.load", f"{len(ev)} load test item(s)", *ev[:MAX_EVIDENCE])


CHECKS: tuple[CheckSpec, ...] = (tests_present, tests_integration, tests_load)
