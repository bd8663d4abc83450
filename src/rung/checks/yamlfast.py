"""`yaml.load(text, Loader=CSafeLoader)`, with less Python per node.

PyYAML's C loader parses and composes in C, but resolves each plain scalar's tag and
constructs every object in Python, one generator per collection. `load` composes the
node tree with the C loader (tags resolved through a memo: resolution is a pure function
of the scalar's text and style for the safe loader, which has no path resolvers) and
builds the data itself when every node is plain: `str`, `null`, `bool`, `int` and
`float` scalars (built by PyYAML's own constructors), sequences and mappings whose keys
are such scalars. Anything else (an alias or anchor used twice, a merge key `<<`, a `=`
key, any other tag, a scalar its constructor refuses, a tree too deep to recurse) is
loaded again by `yaml.load` itself, so results and errors are PyYAML's.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from rung.collect.yamllines import remembered_resolve

try:
    SafeLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    SafeLoader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_CONSTRUCTOR = SafeConstructor()
_SCALARS: dict[str, Any] = {
    tag: SafeConstructor.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
    )
}


class _Unusual(Exception):
    """A node the fast builder leaves to PyYAML."""


class _MemoLoader(SafeLoader):  # type: ignore[misc]
    """The safe loader, remembering each resolved tag."""

    resolve = remembered_resolve


def _build(node: Any, seen: set[int]) -> Any:
    kind = type(node)
    tag = node.tag
    if kind is ScalarNode:
        if tag == _STR:
            return node.value
        make = _SCALARS.get(tag)
        if make is None:
            raise _Unusual
        try:
            return make(_CONSTRUCTOR, node)
        except Exception as exc:
            raise _Unusual from exc
    if id(node) in seen:
        raise _Unusual
    seen.add(id(node))
    if kind is SequenceNode and tag == _SEQ:
        return [_build(item, seen) for item in node.value]
    if kind is MappingNode and tag == _MAP:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or (
                key_node.tag != _STR and key_node.tag not in _SCALARS
            ):
                raise _Unusual
            key = _build(key_node, seen)
            out[key] = _build(value_node, seen)
        return out
    raise _Unusual


def load(text: str) -> Any:
    """What `yaml.load(text, Loader=CSafeLoader)` returns or raises."""
    node = yaml.compose(text, Loader=_MemoLoader)
    if node is None:
        return None
    try:
        return _build(node, set())
    except (_Unusual, RecursionError):
        return yaml.load(text, Loader=SafeLoader)
