"""YAML loading that remembers the line of every node, for errors that name file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is ~6x faster (dependency-trials.md)
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]


@dataclass
class Located:
    """A parsed YAML document and the 1-based line of each node path."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def load_located(text: str, source: str) -> Located:
    """Parse one YAML document, keeping lines; raise yaml.YAMLError on bad syntax."""
    node = yaml.compose(text, Loader=_Loader)
    if node is None:
        return Located(None, {(): 1})
    loc = Located(None)
    loc.data = _convert(node, (), loc.lines)
    return loc


def _scalar(node: yaml.Node) -> Any:
    return yaml.load(yaml.serialize(node), Loader=_Loader)


def _convert(node: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if isinstance(key, list | dict):
                key = str(key)
            out[key] = _convert(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*path, i), lines) for i, v in enumerate(node.value)]
    return _scalar(node)


def format_path(data: Any, path: Path) -> str:
    """`pillars[2].areas[0].levels.3[1].evidence` from a node path, walking `data`
    to tell list indexes from mapping keys."""
    out = ""
    cur = data
    for part in path:
        if isinstance(cur, list) and isinstance(part, int):
            out += f"[{part}]"
            cur = cur[part] if 0 <= part < len(cur) else None
        else:
            out += f".{part}" if out else str(part)
            cur = cur.get(part) if isinstance(cur, dict) else None
    return out or "(document)"
