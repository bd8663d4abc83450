"""rung.collect.yamllines gives the very lines of detect-secrets' YAMLTransformer.

Every input is run through both: detect-secrets' own transformer (pure-Python PyYAML
loader, patched) and `yaml_lines` (PyYAML's C parser). Where `yaml_lines` answers, the
answers must be equal (a list of lines, or None for their ParsingError); where it is
unsure, the caller runs theirs, which is always right.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from detect_secrets.transformers.exceptions import ParsingError
from detect_secrets.transformers.yaml import YAMLTransformer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.collect.secrets import scan_repository_secrets
from rung.collect.yamllines import Unsure, yaml_lines

UNSURE = "unsure"


def theirs(text: str) -> Any:
    handle = io.StringIO(text, newline=None)
    handle.name = "x.yaml"
    try:
        return YAMLTransformer().parse_file(handle)
    except ParsingError:
        return None
    except Exception as exc:  # their transformer lets some errors through
        return type(exc).__name__


def ours(text: str) -> Any:
    try:
        return yaml_lines(io.StringIO(text, newline=None).read())
    except Unsure:
        return UNSURE


def assert_same(text: str) -> Any:
    mine = ours(text)
    if mine != UNSURE:
        assert mine == theirs(text), text
    return mine


LONG_KEY = "k" * 700
# (text, whether yaml_lines must answer it itself)
SNIPPETS: list[tuple[str, bool]] = [
    ("", True),
    ("# only a comment\n", True),
    ("plain scalar\n", True),
    ("- a\n- b\n", True),
    ("a: b\n", True),
    ("a:\n  b\n", True),
    ("a:\n\n\n  b\nc: d\n", True),
    ("a: b # comment\n", True),
    ("a: b#not-a-comment\n", True),
    ("a: b # c # d\n", True),
    ("a: 'quoted # not comment' # comment\n", True),
    ("a: |\n  x\n  y\nb: c\n", True),
    ("a: |+\n  x\n\n\nb: c\n", True),
    ("a: >-\n  x\n\n  y\n  z\nb: c\n", True),
    ("a: |2\n    x\n  y\n", True),
    ("a: multi\n  line plain\n  scalar\nb: c\n", True),
    ("a: 'single\n  quoted ''x'''\n", True),
    ('a: "double \\"quoted\\"\\n\\u0041\\x42 \\\n  folded"\n', True),
    ("a: 'x\"y'\n", True),
    ("'k': v\n\"k\\n2\": w\nk3 : x\n", True),
    ("a:\n  b: c\n  d: [e, f]\n  g:\n    - h: i\n      j: k\n    - l\n", True),
    ("- a: b\n  c: d\n- e\n- - f: g\n", True),
    ("a:\n- b: c\n- d\n", True),
    ("a: {b: c, d: e}\n", True),
    ("- {b: c, d: e}\n- x\n", True),
    ("{a: b, 'c': \"d\"}\n", True),
    ("a: {b: {c: d}, e: f}\n", True),
    ("a: [{b: c}, {d: e}, x]\n", True),
    ("a: {b: c,\n  d: e}\n", False),
    ("a: {\n  b: c}\n", False),
    ("a: [b: c]\n", False),
    ("{a: b, c}\n", True),
    ("a: {b, c: d}\n", True),
    ("a: &x b\nc: *x\n", False),
    ("a: &x b\n", True),
    ("base: &b\n  k: v\nd:\n  <<: *b\n  k2: v2\n", False),
    ("a: !!binary aGVsbG8gd29ybGQ=\n", False),
    ("a: !Ref x\nb: c\n", True),
    ("a: !Ref x\nb: 2023-02-30\n", False),
    ("a: !!str 1\n", True),
    ("a: !!set {x, y}\n", False),
    ("a: !!omap [b: c]\n", False),
    ("on: push\n1: a\ntrue: b\nyes: c\n1.0: d\n~: e\n", True),
    ("a: x\nb: y\na: z\n", True),
    ("a: 2023-01-30\nb: 2023-01-30 10:00:00\nc: 1_000\nd: 0x1f\ne: .inf\nf: null\n", True),
    ("a: .nan\n.nan: b\n", True),
    ("a: 2023-02-30\n", False),
    ("a: 0b_\n", False),
    ("? a\n: b\n", False),
    ("? [a]\n: b\n", False),
    ("[a]: b\n", False),
    ("a: b\n---\nc: d\n", True),
    ("---\na: b\n...\n", True),
    ("--- a\n--- b\n", True),
    ("%YAML 1.1\n---\na: b\n", True),
    ("a: __line__\n", False),
    ("a: b\tc\n", False),
    ("a: b\r\nc: d\r\n", True),
    ("a: b\rc: d\r", True),
    ("\ufeffa: b\n", False),
    ("a: b\x85c\n", False),
    ("a: b\x07\n", False),
    ("é: ü\nü: 'é' # ç\n", True),
    ("=: x\n", False),
    ("a: =\n", False),
    ("a: b: c\n", False),
    ("a: b\n c: d\n", False),
    ("- a\nb: c\n", False),
    ("a: 'unterminated\n", False),
    (f"{LONG_KEY}: v\n", False),
    ("a: " + "[" * 80 + "]" * 80 + "\n", False),
    ("k" + "\n".join(f"{' ' * i}k{i}:" for i in range(90)) + " v\n", False),
    ('password: "Zx8Kq2vLz9Rt4mWp7YcB3nQh"  # pragma: allowlist secret\n', True),
    ("apiVersion: v1\nkind: Secret\ndata:\n  token: WnhLOHEydkx6OVJ0NG1XcDdZY0Iz\n", True),
]


@pytest.mark.parametrize(("text", "answered"), SNIPPETS)
def test_snippet_equal_to_detect_secrets(text: str, answered: bool) -> None:
    mine = assert_same(text)
    if answered:
        assert mine != UNSURE, text


# Generated documents: a tree of mappings, sequences and scalars rendered in random
# styles (block, flow, quoted, block scalars, comments, anchors, tags, documents).
WORDS = st.sampled_from(
    [
        "a", "key", "password", "token", "on", "yes", "1", "0x1f", "1.5", "~", "null",
        "2023-01-30", "x y", "AKIAZ7QF4LM2XK9PWD3R", "Zx8Kq2vLz9Rt4mWp7Yc", "é", "-1",
        "a#b", "v1", "secret_key",
    ]
)  # fmt: skip
LEAF = st.one_of(WORDS, st.text(alphabet="ab:#'\" -\\é{}[],&*!|>\n", max_size=8))
TREE = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4),
        st.dictionaries(WORDS, inner, min_size=1, max_size=4),
    ),
    max_leaves=12,
)


def scalar(data: st.DataObject, value: str, indent: int) -> str:
    style = data.draw(st.sampled_from(["plain", "single", "double", "literal", "folded"]))
    pad = " " * (indent + 2)
    if style == "single":
        return "'" + value.replace("'", "''").replace("\n", "\n" + pad) + "'"
    if style == "double":
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if style in ("literal", "folded"):
        head = data.draw(st.sampled_from(["|", ">", "|-", ">+", "|2"]))
        body = "\n".join(pad + part for part in value.split("\n"))
        return f"{head}\n{body}"
    return value.replace("\n", "\n" + pad)


def render(data: st.DataObject, tree: Any, indent: int) -> str:
    """A value to put after `key: ` or `- ` at `indent`."""
    pad = " " * indent
    prefix = data.draw(st.sampled_from(["", "", "", "&anc ", "!!str ", "!Tag "]))
    if isinstance(tree, str):
        return prefix + scalar(data, tree, indent)
    flow = data.draw(st.booleans())
    if isinstance(tree, list):
        if flow:
            items = ", ".join(render(data, x, indent + 2) for x in tree)
            return prefix + f"[{items}]"
        items = "".join(f"\n{pad}- {render(data, x, indent + 2)}" for x in tree)
        return prefix + items
    if flow:
        sep = data.draw(st.sampled_from([", ", ",\n" + pad + "  "]))
        pairs = sep.join(f"{k}: {render(data, v, indent + 2)}" for k, v in tree.items())
        return prefix + "{" + pairs + "}"
    lines = []
    for k, v in tree.items():
        comment = data.draw(st.sampled_from(["", "", " # note", " #", "# x"]))
        lines.append(f"\n{pad}{k}: {render(data, v, indent + 2)}{comment}")
    return prefix + "".join(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data(), TREE, st.sampled_from(["", "---\n", "# c\n", "a: b\n---\n"]))
def test_generated_documents_equal(data: st.DataObject, tree: Any, head: str) -> None:
    text = head + "root: " + render(data, tree, 2).lstrip(" ") + "\n"
    assert_same(text)
    # the same text, damaged: both must still agree (mostly on failure)
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    junk = data.draw(st.sampled_from([": ", "- ", "{", "]", "#", "'", '"', "\n", "  ", "*a", "?"]))
    assert_same(text[:at] + junk + text[at:])


def test_scan_of_yaml_files_finds_secrets_through_the_fast_path() -> None:
    texts = {
        "deploy/secret.yaml": (
            "apiVersion: v1\nkind: Secret\nstringData:\n"
            "  password: Zx8Kq2vLz9Rt4mWp7YcB3nQhT6jV1sD5fG0aE2u\n"
        ),
        "deploy/flow.yml": "env: {AWS_KEY: AKIAZ7QF4LM2XK9PWD3R}\n",
        "deploy/many.yaml": "a: b\n---\npassword: Zx8Kq2vLz9Rt4mWp7YcB3nQhT6jV1sD5fG0aE2u\n",
    }
    hits, errors = scan_repository_secrets(texts, sorted(texts))
    assert errors == {}
    found = {p: {(h.line, h.type) for h in found} for p, found in hits.items()}
    assert found["deploy/secret.yaml"] == {(4, "Secret Keyword"), (4, "Base64 High Entropy String")}
    assert found["deploy/flow.yml"] == {(1, "AWS Access Key")}
    # two documents: no YAML lines, the raw lines are scanned
    assert found["deploy/many.yaml"] == {(3, "Secret Keyword")}


def test_remembered_resolve_is_the_safe_loaders_resolve() -> None:
    """The process-wide tag memo stands for the safe loaders' own `resolve` (theirs is
    BaseResolver's, with no path resolvers) and answers as it does, again and again."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import BaseResolver

    from rung.collect.yamllines import remembered_resolve

    for loader_class in (yaml.SafeLoader, yaml.CSafeLoader):
        assert loader_class.resolve is BaseResolver.resolve
        assert not loader_class.yaml_path_resolvers
    loader = yaml.SafeLoader("")
    cases = [
        (ScalarNode, value, implicit)
        for value in ("", "on", "yes", "1_000", "0x1F", "3.5e2", ".inf", "~", "2026-01-02", "x")
        for implicit in ((True, False), (False, True), (False, False))
    ] + [(SequenceNode, None, True), (MappingNode, None, True)]
    for _ in range(2):
        for kind, value, implicit in cases:
            expected = loader.resolve(kind, value, implicit)
            assert remembered_resolve(loader, kind, value, implicit) == expected
