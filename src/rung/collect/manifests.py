"""Direct dependencies declared in the ecosystem manifests of a service's tree.

Structured manifests are read with real parsers: `tomllib` (pyproject.toml, Pipfile,
Cargo.toml, Gopkg.toml, Gradle version catalogs), `json` (package.json, composer.json),
`defusedxml` (pom.xml, *.csproj), `yaml.safe_load` (glide.yaml) and `configparser`
(setup.cfg). Manifests that are programs (build.gradle(.kts), Gemfile, mix.exs) and the
line formats (requirements*.txt, go.mod) are read with careful line-based regexes: rung
never executes repository code, so evaluating them is not an option.

Names are lower-cased; PyPI names are normalised per PEP 503; Maven and Gradle names are
"groupid:artifactid". Lock files are not manifests.
"""

from __future__ import annotations

import configparser
import fnmatch
import json
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import yaml

from rung.collect import manifests_build as code
from rung.collect.facts import Dependency
from rung.collect.manifests_build import Raw, dev_name, pep503
from rung.collect.pathindex import PathIndex

# Base-name globs (lower-case) of every manifest file. Files `*.txt` inside a folder named
# `requirements` are manifests too (see `is_manifest`).
MANIFEST_PATTERNS: tuple[str, ...] = (
    "requirements*.txt",
    "pyproject.toml",
    "setup.cfg",
    "pipfile",
    "package.json",
    "go.mod",
    "gopkg.toml",
    "glide.yaml",
    "glide.yml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "gemfile",
    "cargo.toml",
    "composer.json",
    "*.csproj",
    "*.fsproj",
    "*.vbproj",
    "directory.build.props",
    "mix.exs",
)

Parser = Callable[[str, str, Mapping[str, str]], list[Raw]]  # (text, path, all texts)


def is_manifest(path: str) -> bool:
    return _parser_for(path) is not None


def manifest_paths(index: PathIndex) -> tuple[str, ...]:
    """The paths of `index` that are manifests (`is_manifest`), in its order: found by
    base name through the index, not by a test of every path."""
    by_name = index.find(_MANIFEST_GLOBS)
    in_folder = [p for p in index.find(("*.txt",)) if _parser_for(p) is not None]
    if not set(in_folder).difference(by_name):  # (`requirements/*.txt` files are rare)
        return by_name
    return index.ordered(by_name, in_folder)


def parse_manifests(
    texts: Mapping[str, str], files: Sequence[str]
) -> tuple[list[Dependency], dict[str, str]]:
    """Direct dependencies of every manifest among `files`, and path -> parse error."""
    deps: dict[tuple[str, str, str], Dependency] = {}
    errors: dict[str, str] = {}
    for path in files:
        parser = _parser_for(path)
        if parser is None:
            continue
        text = texts.get(path)
        if text is None:
            errors[path] = "not readable as text"
            continue
        try:
            raws = parser(text, path, texts)
        except _PARSE_ERRORS as exc:
            errors[path] = _reason(exc)
            continue
        finder = _LineFinder(text)
        for r in raws:
            key = (r.name, r.ecosystem, path)
            if r.name and key not in deps:
                line = r.line if r.line is not None else finder.line_of(r.token or r.name)
                deps[key] = Dependency(r.name, r.ecosystem, path, line, r.version, r.dev)
    return list(deps.values()), errors


# ----- requirements*.txt ------------------------------------------------------------------

_PEP508 = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://|[./~]")
_COMMENT = re.compile(r"(?:^|\s)#.*")
_OPTION_TAIL = re.compile(r"\s--?[a-z][\w-]*(?:[=\s]\S+)?")


def pep508(spec: str) -> tuple[str, str, str] | None:
    """(raw name, normalised name, version spec without markers) of a PEP 508 string."""
    if _URL.match(spec.strip()):
        return None
    m = _PEP508.fullmatch(spec)
    if m is None:
        return None
    rest = m.group(3).split(";", 1)[0].strip()
    if rest.startswith(("://", ":")):
        return None
    version = "" if rest.startswith("@") else rest
    return m.group(1), pep503(m.group(1)), version


def iter_requirements(text: str) -> Iterator[tuple[int, str, str, str]]:
    """(line, raw name, normalised name, version spec) of each requirement line.

    Comments, blank lines, options (`-r`, `-c`, `-e`, `--index-url`, ...) and bare URLs or
    paths are skipped; trailing per-requirement options such as `--hash=...` are ignored.
    """
    start, buf = 0, ""
    for no, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = no
        line = _COMMENT.sub("", raw)
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        logical, buf = (buf + line).strip(), ""
        if not logical or logical.startswith("-"):
            continue
        parsed = pep508(_OPTION_TAIL.split(" " + logical, 1)[0])
        if parsed is not None:
            yield start, *parsed


def is_pinned(version: str) -> bool:
    """Whether a version spec pins exactly one version (`==1.2.3`, `===1.2.3`)."""
    v = version.strip()
    return v.startswith("==") and "," not in v and "*" not in v and len(v.lstrip("=")) > 0


def _requirements(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    dev = dev_name(posixpath.basename(path).rsplit(".", 1)[0])
    return [
        Raw(name, "pypi", raw, version, dev, line)
        for line, raw, name, version in iter_requirements(text)
    ]


# ----- Python: pyproject.toml, setup.cfg, Pipfile -----------------------------------------


def _table(doc: Any, key: str) -> dict[str, Any]:
    value = doc.get(key) if isinstance(doc, dict) else None
    return value if isinstance(value, dict) else {}


def _pep508_list(items: Any, dev: bool) -> list[Raw]:
    out: list[Raw] = []
    for item in items if isinstance(items, list) else []:
        parsed = pep508(item) if isinstance(item, str) else None
        if parsed is not None:
            out.append(Raw(parsed[1], "pypi", parsed[0], parsed[2], dev))
    return out


def _name_table(
    table: Mapping[str, Any], eco: str, dev: bool, skip: Iterable[str] = ()
) -> list[Raw]:
    """A TOML/JSON table of name -> version string or {version = ...}."""
    out: list[Raw] = []
    skipped = set(skip)
    for raw, spec in table.items():
        if raw.lower() in skipped:
            continue
        version = spec if isinstance(spec, str) else ""
        if isinstance(spec, dict):
            version = str(spec.get("version", ""))
        name = pep503(raw) if eco == "pypi" else raw.lower()
        out.append(Raw(name, eco, raw, version, dev))
    return out


def _pyproject(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = tomllib.loads(text)
    project, tool = _table(doc, "project"), _table(doc, "tool")
    poetry = _table(tool, "poetry")
    out = _pep508_list(project.get("dependencies"), False)
    for extra, reqs in _table(project, "optional-dependencies").items():
        out += _pep508_list(reqs, dev_name(extra))
    for reqs in _table(doc, "dependency-groups").values():  # PEP 735
        out += _pep508_list(reqs, True)
    out += _name_table(_table(poetry, "dependencies"), "pypi", False, ["python"])
    out += _name_table(_table(poetry, "dev-dependencies"), "pypi", True, ["python"])
    for group, body in _table(poetry, "group").items():
        deps = _table(body, "dependencies")
        out += _name_table(deps, "pypi", group != "main", ["python"])
    for reqs in _table(_table(tool, "pdm"), "dev-dependencies").values():
        out += _pep508_list(reqs, True)
    out += _pep508_list(_table(tool, "uv").get("dev-dependencies"), True)
    return out


def _cfg_list(value: str) -> list[str]:
    """setuptools' "list-semi": a dangling list, or `;`-separated on one line."""
    if value.strip().startswith("file:"):
        return []
    items = value.splitlines() if "\n" in value.strip() else value.split(";")
    return [i.strip() for i in items if i.strip() and not i.strip().startswith("#")]


def _setup_cfg(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    cfg = configparser.ConfigParser(interpolation=None, strict=False)
    cfg.read_string(text)
    out: list[Raw] = []
    if cfg.has_section("options"):
        opts = cfg["options"]
        out += _pep508_list(_cfg_list(opts.get("install_requires", "")), False)
        out += _pep508_list(_cfg_list(opts.get("tests_require", "")), True)
    if cfg.has_section("options.extras_require"):
        for extra, value in cfg["options.extras_require"].items():
            out += _pep508_list(_cfg_list(value), dev_name(extra))
    return out


def _pipfile(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = tomllib.loads(text)
    return _name_table(_table(doc, "packages"), "pypi", False) + _name_table(
        _table(doc, "dev-packages"), "pypi", True
    )


# ----- JSON: package.json, composer.json -------------------------------------------------


def _json_object(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ValueError("top level is not an object")
    return doc


def _package_json(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = _json_object(text)
    return _name_table(_table(doc, "dependencies"), "npm", False) + _name_table(
        _table(doc, "devDependencies"), "npm", True
    )


def _composer_json(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = _json_object(text)
    out = _name_table(_table(doc, "require"), "composer", False)
    out += _name_table(_table(doc, "require-dev"), "composer", True)
    return [r for r in out if "/" in r.name]  # php, ext-*, lib-*, composer-*-api: platform


# ----- Go: Gopkg.toml, glide.yaml (go.mod is in manifests_code) ---------------------------


def _gopkg(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = tomllib.loads(text)
    items = doc.get("constraint", [])
    return [
        Raw(str(c["name"]).lower(), "go", str(c["name"]), str(c.get("version", "")))
        for c in (items if isinstance(items, list) else [])
        if isinstance(c, dict) and isinstance(c.get("name"), str)
    ]


def _glide(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = yaml.safe_load(text)
    out: list[Raw] = []
    for key, dev in (("import", False), ("testImport", True)):
        items = doc.get(key) if isinstance(doc, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("package"), str):
                pkg = item["package"]
                out.append(Raw(pkg.lower(), "go", pkg, str(item.get("version", "")), dev))
    return out


# ----- Rust: Cargo.toml -------------------------------------------------------------------

_CARGO_SECTIONS = (
    ("dependencies", False),
    ("dev-dependencies", True),
    ("dev_dependencies", True),
    ("build-dependencies", False),
    ("build_dependencies", False),
)


def _cargo(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    doc = tomllib.loads(text)
    holders = [doc, *(t for t in _table(doc, "target").values() if isinstance(t, dict))]
    tables = [(_table(h, key), dev) for h in holders for key, dev in _CARGO_SECTIONS]
    tables.append((_table(_table(doc, "workspace"), "dependencies"), False))
    out: list[Raw] = []
    for table, dev in tables:
        for key, spec in table.items():
            real = spec.get("package", key) if isinstance(spec, dict) else key
            version = spec if isinstance(spec, str) else ""
            if isinstance(spec, dict):
                version = str(spec.get("version", ""))
            out.append(Raw(str(real).lower(), "cargo", key, version, dev))
    return out


# ----- dispatch ---------------------------------------------------------------------------

_PARSERS: tuple[tuple[str, Parser], ...] = (
    ("requirements*.txt", _requirements),
    ("pyproject.toml", _pyproject),
    ("setup.cfg", _setup_cfg),
    ("pipfile", _pipfile),
    ("package.json", _package_json),
    ("composer.json", _composer_json),
    ("go.mod", code.go_mod),
    ("gopkg.toml", _gopkg),
    ("glide.yaml", _glide),
    ("glide.yml", _glide),
    ("pom.xml", code.pom),
    ("build.gradle", code.gradle),
    ("build.gradle.kts", code.gradle),
    ("gemfile", code.gemfile),
    ("cargo.toml", _cargo),
    ("*.csproj", code.msbuild),
    ("*.fsproj", code.msbuild),
    ("*.vbproj", code.msbuild),
    ("directory.build.props", code.msbuild),
    ("mix.exs", code.mix),
)


_MANIFEST_GLOBS = tuple(glob for glob, _ in _PARSERS)
_ANY_MANIFEST = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g, _ in _PARSERS))


def _parser_for(path: str) -> Parser | None:
    folder, _, name = path.rpartition("/")
    base = name.lower()  # posixpath.basename(path).lower()
    parser = _parser_of_base(base)
    if parser is not None:
        return parser
    # posixpath.basename(posixpath.dirname(path)), with dirname's trailing "/" stripped
    parent = folder.rstrip("/").rpartition("/")[2].lower()
    if parent == "requirements" and base.endswith(".txt"):
        return _requirements
    return None


@lru_cache(maxsize=1 << 14)
def _parser_of_base(base: str) -> Parser | None:
    """The parser of a lower-cased base name matching a manifest pattern."""
    if _ANY_MANIFEST.match(base):
        return next(parser for pattern, parser in _PARSERS if fnmatch.fnmatchcase(base, pattern))
    return None


_PARSE_ERRORS: tuple[type[Exception], ...] = (
    tomllib.TOMLDecodeError,
    json.JSONDecodeError,
    configparser.Error,
    yaml.YAMLError,
    *code.XML_ERRORS,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RecursionError,
)


def _reason(exc: BaseException) -> str:
    """A short reason naming the kind of error and where, never the file's content."""
    if isinstance(exc, tomllib.TOMLDecodeError):
        m = re.search(r"\(at (line \d+, column \d+|end of document)\)", str(exc))
        return "invalid TOML" + (f" at {m.group(1)}" if m else "")
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        return f"invalid YAML at line {exc.problem_mark.line + 1}"
    if isinstance(exc, yaml.YAMLError):
        return "invalid YAML"
    if isinstance(exc, configparser.Error):
        line = getattr(exc, "lineno", None)
        return "invalid INI" + (f" at line {line}" if line else "")
    position = getattr(exc, "position", None)
    if isinstance(position, tuple):
        return f"invalid XML at line {position[0]}"
    if isinstance(exc, code.XML_ERRORS):
        return f"refused XML: {type(exc).__name__}"
    return f"unreadable manifest: {type(exc).__name__}"


@lru_cache(maxsize=1 << 14)
def _token_regex(token: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.@/-])" + re.escape(token) + r"(?![\w./-])", re.IGNORECASE)


@dataclass
class _LineFinder:
    """1-based line of the first whole-token occurrence of a name (case-insensitive)."""

    text: str

    def line_of(self, token: str) -> int | None:
        start = 0
        if token.isascii() and self._lowered is not None:
            # no match can start before the token's first occurrence in any case: the
            # search starts there (ASCII only: there `lower` is what IGNORECASE folds)
            start = self._lowered.find(token.lower())
            if start < 0:
                return None
        m = _token_regex(token).search(self.text, start)
        if m is None:
            return None
        return self.text.count("\n", 0, m.start()) + 1

    @cached_property
    def _lowered(self) -> str | None:
        """The text lower-cased when it is all ASCII, else None."""
        return self.text.lower() if self.text.isascii() else None
