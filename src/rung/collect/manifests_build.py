"""Build-file manifests: go.mod, pom.xml, build.gradle(.kts), Gemfile, *.csproj, mix.exs.

XML manifests go through defusedxml (namespaces stripped). Gradle, Gemfile and mix.exs
are programs that rung must never run, so they are read with careful regexes over their
declaration forms: dependency configurations with "group:artifact:version" strings,
`group:/name:` maps, `kotlin("x")` and version-catalog (`libs.x.y`) accessors resolved
through gradle/libs.versions.toml; `plugins { }` blocks and `apply plugin:` lines; `gem`
lines inside `group :test do` blocks; `{:dep, ...}` tuples of `deps`.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET


@dataclass(frozen=True, slots=True)
class Raw:
    """A dependency as one parser saw it, before its line is looked up."""

    name: str  # normalised
    ecosystem: str
    token: str = ""  # text to search for the line (the name as written)
    version: str = ""
    dev: bool = False
    line: int | None = None


_DEV_WORDS = re.compile(
    r"(?:^|[-_.\s])(?:dev|develop|development|tests?|testing|lint|docs?|ci)(?:$|[-_.\s])"
)
_PEP503 = re.compile(r"[-_.]+")


def dev_name(name: str) -> bool:
    """Whether a group, extra or file name says development/test."""
    return _DEV_WORDS.search(name.lower()) is not None


def pep503(name: str) -> str:
    return _PEP503.sub("-", name).lower()


XML_ERRORS: tuple[type[Exception], ...] = (ParseError, defusedxml.DefusedXmlException)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ----- go.mod -----------------------------------------------------------------------------


def go_mod(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    """`require` lines and blocks; `// indirect` requirements are not direct."""
    out: list[Raw] = []
    in_block = False
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if in_block:
            if line.startswith(")"):
                in_block = False
                continue
            entry = line
        elif re.match(r"require\s*\(", line):
            in_block = True
            continue
        elif line.startswith("require "):
            entry = line[len("require ") :]
        else:
            continue
        spec, _, comment = entry.partition("//")
        parts = spec.split()
        if len(parts) >= 2 and "indirect" not in comment:
            mod = parts[0].strip('"')
            out.append(Raw(mod.lower(), "go", mod, parts[1], False, no))
    return out


# ----- XML: pom.xml, MSBuild projects -----------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Element, *path: str) -> list[Element]:
    level = [el]
    for name in path:
        level = [c for e in level for c in e if _local(c.tag) == name]
    return level


def _text(el: Element, name: str) -> str:
    found = _children(el, name)
    return (found[0].text or "").strip() if found else ""


def pom(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    """<dependencies> of the project and its profiles; build/reporting plugins apart."""
    root = SafeET.fromstring(text)
    if _local(root.tag) != "project":
        raise ValueError("root element is not <project>")
    out: list[Raw] = []
    for holder in [root, *_children(root, "profiles", "profile")]:
        for dep in _children(holder, "dependencies", "dependency"):
            g, a = _text(dep, "groupId"), _text(dep, "artifactId")
            if g and a:
                test = _text(dep, "scope") == "test"
                out.append(Raw(f"{g}:{a}".lower(), "maven", a, _text(dep, "version"), test))
        plugins = _children(holder, "build", "plugins", "plugin")
        plugins += _children(holder, "reporting", "plugins", "plugin")
        for plugin in plugins:
            g = _text(plugin, "groupId") or "org.apache.maven.plugins"
            a = _text(plugin, "artifactId")
            if a:
                out.append(Raw(f"{g}:{a}".lower(), "maven-plugin", a, _text(plugin, "version")))
    return out


def msbuild(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    """PackageReference items of a .NET project (test projects mark them dev)."""
    root = SafeET.fromstring(text)
    refs = [
        el
        for el in root.iter()
        if _local(el.tag) in ("PackageReference", "GlobalPackageReference") and el.get("Include")
    ]
    names = [(el.get("Include") or "").strip() for el in refs]
    test = (
        dev_name(posixpath.basename(path).rsplit(".", 1)[0])
        or any(
            _local(e.tag) == "IsTestProject" and (e.text or "").strip().lower() == "true"
            for e in root.iter()
        )
        or any(n.lower() == "microsoft.net.test.sdk" for n in names)
    )
    return [
        Raw(n.lower(), "nuget", n, el.get("Version") or _text(el, "Version"), test)
        for n, el in zip(names, refs, strict=True)
    ]


# ----- Gradle -----------------------------------------------------------------------------

_KNOWN_CONFIGS = frozenset(
    {
        "implementation",
        "api",
        "compile",
        "compileonly",
        "runtimeonly",
        "runtime",
        "classpath",
        "annotationprocessor",
        "kapt",
        "ksp",
        "developmentonly",
        "testfixturesimplementation",
    }
)
_CONFIG_SUFFIX = re.compile(
    r"(?:Implementation|Api|CompileOnly|RuntimeOnly|Compile|Runtime|AnnotationProcessor)$"
)
_BLOCK_OPEN = re.compile(r"^\s*(?:\w+\s*\{\s*)+")
_CONFIG_LINE = re.compile(r"\s*([a-z][A-Za-z0-9]*)\s*[\s(]\s*(.*)")
_COORD = re.compile(r"""["']([\w.-]+):([\w.-]+)(?::([^"'@:\s]*))?(?::[^"']*)?["']""")
_MAP = re.compile(
    r"""group\s*[:=]\s*["']([\w.-]+)["']\s*,\s*name\s*[:=]\s*["']([\w.-]+)["']"""
    r"""(?:\s*,\s*version\s*[:=]\s*["']([^"']+)["'])?"""
)
_KOTLIN = re.compile(r"""\bkotlin\s*\(\s*["']([\w.-]+)["']""")
_CATALOG_REF = re.compile(r"\blibs\.([A-Za-z0-9_.]+)")
_PLUGIN_ID = re.compile(
    r"""\bid\s*\(?\s*["']([\w.-]+)["']|`([\w.-]+)`|^\s*([a-z][\w-]*)\s*$""", re.M
)
_APPLY = re.compile(r"""\bapply\s*\(?\s*plugin\s*[:=]\s*["']([\w.-]+)["']""")


def _config(name: str) -> bool:
    return name.lower() in _KNOWN_CONFIGS or _CONFIG_SUFFIX.search(name) is not None


def _accessor(alias: str) -> str:
    return re.sub(r"[-_.]", ".", alias).lower()


def _catalog(path: str, texts: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The nearest gradle/libs.versions.toml at or above the build file's folder."""
    d = posixpath.dirname(path)
    while True:
        text = texts.get(
            posixpath.join(d, "gradle/libs.versions.toml") if d else "gradle/libs.versions.toml"
        )
        if text is not None:
            try:
                doc = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                return {}
            return {k: v for k, v in doc.items() if isinstance(v, dict)}
        if not d:
            return {}
        d = posixpath.dirname(d)


def _catalog_coords(catalog: Mapping[str, dict[str, Any]], ref: str) -> list[str]:
    ref = re.sub(r"\.get$", "", ref).lower()
    if ref.startswith("bundles."):
        bundle = {_accessor(k): v for k, v in catalog.get("bundles", {}).items()}.get(ref[8:], [])
        return [
            c for alias in bundle if isinstance(alias, str) for c in _catalog_coords(catalog, alias)
        ]
    libs = {_accessor(k): v for k, v in catalog.get("libraries", {}).items()}
    spec = libs.get(_accessor(ref))
    if isinstance(spec, str):
        return [":".join(spec.split(":")[:2])]
    if isinstance(spec, dict):
        module = spec.get("module") or f"{spec.get('group', '')}:{spec.get('name', '')}"
        return [str(module)] if str(module).strip(":") else []
    return []


def _gradle_line(
    line: str, catalog: Mapping[str, dict[str, Any]]
) -> Iterator[tuple[str, str, str]]:
    """(group:artifact, token, version) of each dependency notation on one line."""
    for m in _COORD.finditer(line):
        yield f"{m.group(1)}:{m.group(2)}", m.group(2), m.group(3) or ""
    for m in _MAP.finditer(line):
        yield f"{m.group(1)}:{m.group(2)}", m.group(2), m.group(3) or ""
    for m in _KOTLIN.finditer(line):
        yield f"org.jetbrains.kotlin:kotlin-{m.group(1)}", m.group(1), ""
    for m in _CATALOG_REF.finditer(line):
        if not m.group(1).startswith("plugins."):
            for coord in _catalog_coords(catalog, m.group(1)):
                yield coord, m.group(1), ""


def _plugin_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, body) of each top-level `plugins { ... }` block."""
    for m in re.finditer(r"(?m)^\s*plugins\s*\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield m.end(), text[m.end() : i - 1]


def _gradle_plugins(text: str, catalog: Mapping[str, dict[str, Any]]) -> list[Raw]:
    out: list[Raw] = []
    plugin_aliases = {_accessor(k): v for k, v in catalog.get("plugins", {}).items()}
    for offset, body in _plugin_blocks(text):
        for m in _PLUGIN_ID.finditer(body):
            pid = next(g for g in m.groups() if g)
            out.append(
                Raw(
                    pid.lower(), "gradle-plugin", pid, "", False, _line_at(text, offset + m.start())
                )
            )
        for m in re.finditer(r"alias\s*\(\s*libs\.plugins\.([\w.]+)", body):
            spec = plugin_aliases.get(_accessor(m.group(1)))
            pid = spec if isinstance(spec, str) else (spec or {}).get("id", "")
            if isinstance(pid, str) and pid:
                pid = pid.split(":")[0]
                out.append(
                    Raw(
                        pid.lower(),
                        "gradle-plugin",
                        m.group(1),
                        "",
                        False,
                        _line_at(text, offset + m.start()),
                    )
                )
        for m in _KOTLIN.finditer(body):
            pid = f"org.jetbrains.kotlin.{m.group(1)}"
            out.append(
                Raw(pid, "gradle-plugin", m.group(1), "", False, _line_at(text, offset + m.start()))
            )
    for m in _APPLY.finditer(text):
        out.append(
            Raw(
                m.group(1).lower(),
                "gradle-plugin",
                m.group(1),
                "",
                False,
                _line_at(text, m.start()),
            )
        )
    return out


def gradle(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    catalog = _catalog(path, texts)
    out: list[Raw] = []
    for no, line in enumerate(text.splitlines(), 1):
        m = _CONFIG_LINE.match(_BLOCK_OPEN.sub("", line))  # "dependencies { api 'a:b' }"
        if m is None or not _config(m.group(1)):
            continue
        config = m.group(1)
        eco = "gradle-plugin" if config == "classpath" else "gradle"
        for coord, token, version in _gradle_line(m.group(2), catalog):
            out.append(Raw(coord.lower(), eco, token, version, "test" in config.lower(), no))
    return out + _gradle_plugins(text, catalog)


# ----- Gemfile ----------------------------------------------------------------------------

_GEM = re.compile(r"""^\s*gem\s*\(?\s*["']([^"']+)["'](?:\s*,\s*["']([^"']*)["'])?(.*)$""")
_GROUP = re.compile(r"^\s*group\b(.*)\bdo\b")
_BLOCK = re.compile(r"^\s*\w.*\bdo\b(?:\s*\|[^|]*\|)?\s*$")
_END = re.compile(r"^\s*end\b")
_DEV_GROUP = re.compile(r":(?:development|test)\b|[\"'](?:development|test)[\"']")


def gemfile(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    out: list[Raw] = []
    stack: list[bool] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = "" if raw.lstrip().startswith("#") else raw
        if (g := _GROUP.match(line)) is not None:
            stack.append(_DEV_GROUP.search(g.group(1)) is not None)
        elif (m := _GEM.match(line)) is not None:
            inline = re.search(r"\bgroups?\s*(?::|=>)\s*(.*)", m.group(3) or "")
            dev = any(stack) or (
                inline is not None and _DEV_GROUP.search(inline.group(1)) is not None
            )
            out.append(Raw(m.group(1).lower(), "rubygems", m.group(1), m.group(2) or "", dev, no))
        elif _BLOCK.match(line):
            stack.append(False)
        elif _END.match(line) and stack:
            stack.pop()
    return out


# ----- mix.exs ----------------------------------------------------------------------------

_DEPS_FN = re.compile(r"(?ms)\bdefp?\s+deps\b[^\n]*?\bdo\b(.*?)^\s*end\b")
_TUPLE = re.compile(r"\{\s*:([a-z_][a-z0-9_]*)\s*,([^{}]*)\}")


def mix(text: str, path: str, texts: Mapping[str, str]) -> list[Raw]:
    fn = _DEPS_FN.search(text)
    if fn is None:
        return []
    out: list[Raw] = []
    for m in _TUPLE.finditer(fn.group(1)):
        rest = m.group(2)
        version = re.search(r'"([^"]*)"', rest)
        only = re.search(r"\bonly:\s*(\[[^\]]*\]|:\w+)", rest)
        dev = only is not None and "prod" not in only.group(1)
        line = _line_at(text, fn.start(1) + m.start())
        out.append(
            Raw(m.group(1), "hex", m.group(1), version.group(1) if version else "", dev, line)
        )
    return out
