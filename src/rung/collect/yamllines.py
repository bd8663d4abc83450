"""detect-secrets' YAML transformer, on PyYAML's C parser.

detect-secrets (1.5) turns a YAML file into lines `key: "value"comment`, one per string
value of a mapping, each at the line number its own parser gave the value; its
`YAMLTransformer.parse_file` does so with PyYAML's pure-Python loader, whose parser
hooks it patches (`YAMLFileParser`). That loader is most of the secret scan's cost.
`yaml_lines` gives the same list of lines from `yaml.compose` with the C loader, or says
it cannot vouch for an input (`Unsure`: the caller then runs detect-secrets' own).

What their loader does, and what is kept here:

- the text must be one document: a stream with a second one raises (ComposerError),
  and so does any scanner, parser or constructor error; all are ParsingError;
- the document is composed, then every mapping's string-valued pairs are wrapped as
  {value, line, key}, then the whole document is constructed with SafeConstructor (so
  mapping keys are Python objects: `on` is True, duplicate keys keep the last value,
  a bad timestamp raises ValueError, which is no YAML error and escapes);
- the wrapped values are collected breadth-first, sorted by line (stable), deduplicated,
  and written as `key: "value"comment` at that line (`"` in the value escaped, the
  comment taken from the raw line), earlier lines padded with "".

The line of a value is the *reader's* line when the composer starts on the value. In a
block mapping whose key is a plain or quoted scalar on one line followed on that line by
`:`, the scanner has then read exactly up to that `:` (the VALUE token ends the simple
key; nothing more is fetched until the parser asks), so the line is the key's line.
Everything outside that shape makes `yaml_lines` unsure: flow mappings with string
values (their patch uses the line of the `{`, depending on token look-ahead), aliases
(an aliased node is shared, its line overwritten), explicit or complex keys, tags other
than the implicit str/int/float/bool/null/timestamp/map/seq (binary values, merge keys,
custom tags), a scalar holding `__line__` (their patch's marker), deep nesting (their
recursive composer), and texts their reader or line splitting would treat differently
from libyaml (non-printable characters, a byte order mark, line breaks other than
"\\n"). tests/test_secret_yaml_lines.py compares both on tricky and generated YAML.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_MAP = _TAG + "map"
_SEQ = _TAG + "seq"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# implicit scalar tags and how SafeConstructor builds them (values may raise)
_SCALARS: dict[str, Callable[[ScalarNode], Any]] = {
    _TAG + "int": _CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _CONSTRUCTOR.construct_yaml_float,
    _TAG + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _TAG + "null": _CONSTRUCTOR.construct_yaml_null,
    _TAG + "timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}
_MAX_DEPTH = 64
_MAX_KEY_END = 500  # simple keys end within 1024 characters of their start, in both parsers
_MARKER = "__line__"
# PyYAML's reader rejects characters outside this set; BOM and line breaks other than \n
# (the text is read with universal newlines, so no \r) are counted differently.
_UNSAFE = re.compile("[^\x0a\x20-\x7e\xa0-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
_UNSAFE_ASCII = re.compile("[^\x0a\x20-\x7e]")  # the same on ASCII texts, faster
# Where the two scanners are known to part (found by the equality test): an empty or
# unusual tag (`!`, `!<...>`, `!x,`), a block scalar header with no space before its
# comment (`|#`), `?` inside a flow collection's plain scalar (PyYAML ends the scalar).
# (A text without `!` holds no such tag; one without `|` and `>` no such header.)
_TAG_START = re.compile(r"(?:^|[ \[{,])!(?!!?[A-Za-z0-9][\w.:/-]*(?:[ \n]|$))", re.MULTILINE)
_HEADER = re.compile(r"(?:^|[ \[{,])[|>][-+0-9]*[^-+0-9 \n]", re.MULTILINE)
_COLON = re.compile(" *:")
_COMMENT = re.compile(r"(\s+#[\S ]*)")
_SINGLE = "expected a single document in the stream"


_MEMO_LIMIT = 1 << 16
_RESOLVED: dict[tuple[Any, Any, Any], str] = {}  # (node class, value, implicit) -> tag
_RESOLVE: Any = BaseResolver.resolve  # what the safe loaders' resolve is


def remembered_resolve(loader: Any, kind: Any, value: Any, implicit: Any) -> str:
    """`loader.resolve` of PyYAML's safe loaders, remembered for the process: with no path
    resolvers (the safe loaders have none) a tag is a pure function of the node class,
    the scalar's text and its implicit flags, and most scalars of a scan recur."""
    key = (kind, value, implicit)
    memo = _RESOLVED
    try:
        return memo[key]
    except KeyError:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        tag: str = _RESOLVE(loader, kind, value, implicit)
        memo[key] = tag
        return tag


# libyaml's safe loader, tags remembered (None without libyaml: `yaml_lines` is unsure)
_LOADER: Any = (
    type("_Loader", (yaml.CSafeLoader,), {"resolve": remembered_resolve})
    if hasattr(yaml, "CSafeLoader")
    else None
)


class Unsure(Exception):
    """The input is outside what `yaml_lines` reproduces: run detect-secrets' own."""


class _Value(NamedTuple):
    key: str
    value: str
    line_number: int
    line: str


class _Wrapped:
    """A wrapped string value, as detect-secrets' {__value__, __line__, ...} mapping."""

    __slots__ = ("key", "number", "value")

    def __init__(self, key: str, value: str, number: int) -> None:
        self.key, self.value, self.number = key, value, number


def yaml_lines(content: str) -> list[str] | None:
    """The lines detect-secrets' YAMLTransformer.parse_file gives for `content` (the
    file as read with universal newlines), or None where it raises ParsingError.
    Raises Unsure for inputs outside the shapes reproduced here."""
    if (
        (_UNSAFE_ASCII if content.isascii() else _UNSAFE).search(content)
        or ("!" in content and _TAG_START.search(content))
        or (("|" in content or ">" in content) and _HEADER.search(content))
        or ("?" in content and ("[" in content or "{" in content))
    ):
        raise Unsure
    try:
        root = yaml.compose(content, Loader=_LOADER)
    except ComposerError as exc:
        if exc.context == _SINGLE and shallow(content):
            return None  # a second document: theirs raises whatever the first one is
        raise Unsure from None
    except Exception:
        raise Unsure from None
    if root is None:
        return []
    lines = content.split("\n")
    try:
        data = _Walk(lines).node(root, 0)
    except Unsure:
        if _undefined_tag(root):
            return None
        raise
    return _emit(_collect(data), content.splitlines())


def _undefined_tag(root: Node) -> bool:
    """True when constructing the document raises a YAML error for certain: a node has
    a local tag SafeConstructor knows nothing of (`!Ref`), and nothing else there can raise
    anything but a YAML error (every other node is a plain map, seq, str or a scalar
    that constructs). Their wrapping keeps every node's tag, so it fails too."""
    undefined = False
    seen: set[int] = set()
    todo: list[tuple[Node, int]] = [(root, 0)]
    while todo:
        node, depth = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > _MAX_DEPTH:
            return False
        if not node.tag.startswith(_TAG) and node.tag not in _CONSTRUCTOR.yaml_constructors:
            undefined = True  # a local tag; yaml.org ones (merge, value) are handled apart
        elif isinstance(node, ScalarNode):
            build = _SCALARS.get(node.tag)
            if build is not None:
                try:
                    build(node)
                except Exception:
                    return False
            elif node.tag != _STR:
                return False
        elif node.tag not in (_MAP, _SEQ):
            return False
        if isinstance(node, SequenceNode):
            todo.extend((item, depth + 1) for item in node.value)
        elif isinstance(node, MappingNode):
            todo.extend((n, depth + 1) for pair in node.value for n in pair)
    return undefined


def shallow(content: str) -> bool:
    """Nesting is bounded well below the depth where their recursive composer fails: a
    nested block collection starts further right (an indentless sequence excepted), a
    flow one needs a bracket. (Lines split at "\\n" only: on a text not yet read with
    universal newlines the widths are larger, so the answer errs on the safe side.)"""
    width = max(map(len, content.split("\n")))
    return 2 * width + 2 + content.count("[") + content.count("{") < _MAX_DEPTH * 4


# What can make their loader raise an error that is no YAML error, or give a string that
# is not the text's own characters (see `verbatim`): a backslash (escapes in double-quoted
# scalars), a tag (`!!binary`, whose bytes are encoded again; `!!int "0x"`), their marker,
# a plain scalar resolved as a timestamp (4 digits, `-`, a digit: the date may not exist)
# or as an int that int() rejects (`0b_`, `0x_`: no digits; more digits than Python
# converts, 640 at its strictest setting).
_NOT_VERBATIM = ("\\", "!", _MARKER, "0b_", "0x_")
_NOT_VERBATIM_DIGITS = re.compile("[0-9](?:[0-9]{3}-[0-9]|[0-9_]{639})")


def verbatim(content: str) -> bool:
    """True when detect-secrets' YAMLTransformer, on `content`, either raises a YAML
    error (their ParsingError) or gives lines whose keys and values are made of pieces
    of `content` itself, joined by whitespace: a scalar folds its lines with " " or
    "\\n", drops indentation and quotes and turns `''` into `'`, but, without a
    backslash or a tag, adds no character of its own (aliases and merge keys copy other
    scalars). Every other error their loader can raise, constructing a value SafeConstructor
    rejects or composing a deep document, is ruled out here."""
    return (
        not any(part in content for part in _NOT_VERBATIM)
        and _NOT_VERBATIM_DIGITS.search(content) is None
        and shallow(content)
    )


class _Walk:
    """The document as detect-secrets constructs it, string values of mappings wrapped."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.seen: set[int] = set()

    def node(self, node: Node, depth: int) -> Any:
        if depth > _MAX_DEPTH or id(node) in self.seen:
            raise Unsure  # deep, or an alias
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise Unsure
            return [self.node(item, depth + 1) for item in node.value]
        if not isinstance(node, MappingNode) or node.tag != _MAP:
            raise Unsure
        mapping: dict[Any, Any] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or id(key) in self.seen:
                raise Unsure
            self.seen.add(id(key))
            name = self.scalar(key)
            if isinstance(value, ScalarNode) and value.tag == _STR:
                if id(value) in self.seen:
                    raise Unsure
                self.seen.add(id(value))
                text = value.value
                if _MARKER in text:
                    raise Unsure
                number = self.key_line(key)
                if node.flow_style and not self.on_brace_line(node, number):
                    raise Unsure
                mapping[name] = _Wrapped(key.value, text, number)
            else:
                mapping[name] = self.node(value, depth + 1)
        return mapping

    def scalar(self, node: ScalarNode) -> Any:
        text: str = node.value
        if _MARKER in text:
            raise Unsure
        if node.tag == _STR:
            return text
        build = _SCALARS.get(node.tag)
        if build is None:
            raise Unsure
        try:
            return build(node)
        except Exception:
            raise Unsure from None

    def on_brace_line(self, node: MappingNode, number: int) -> bool:
        """A `{...}` mapping (no properties, not a single pair in `[...]`) that starts on
        line `number`: their patch then gives its values the line of the `{`, or the
        reader's line after the key's `:`, which is the same line."""
        start = node.start_mark
        return bool(
            start.line + 1 == number
            and self.lines[start.line][start.column : start.column + 1] == "{"
        )

    def key_line(self, key: ScalarNode) -> int:
        """1-based line of the `:` after a one-line simple key (the key's own line)."""
        start, end = key.start_mark, key.end_mark
        empty = key.value == "" and key.style is None  # no key at all (`: v`)
        if start.line != end.line or end.column > _MAX_KEY_END or empty:
            raise Unsure
        if not _COLON.match(self.lines[end.line], end.column):
            raise Unsure
        return int(end.line) + 1


def _collect(data: Any) -> list[_Wrapped]:
    """detect-secrets' YAMLFileParser.__iter__: breadth-first over dicts and lists."""
    found: list[_Wrapped] = []
    todo: deque[Any] = deque([data])
    while todo:
        item = todo.popleft()
        if isinstance(item, _Wrapped):
            found.append(item)
        elif not item:
            continue
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return found


def _emit(found: list[_Wrapped], raw: list[str]) -> list[str]:
    """detect-secrets' YAMLTransformer.parse_file after parsing."""
    values = sorted(
        (_Value(w.key, w.value, w.number, raw[w.number - 1]) for w in found),
        key=lambda v: v.line_number,
    )
    seen: set[_Value] = set()
    lines: list[str] = []
    for item in values:
        if item in seen:
            continue
        seen.add(item)
        while len(lines) < item.line_number - 1:
            lines.append("")
        stripped = item.line.strip()
        match = _COMMENT.search(stripped) if "#" in stripped else None
        comment = match.group(0) if match else ""
        value = item.value.replace('"', '\\"')
        lines.append(f'{item.key}: "{value}"{comment}')
    return lines
