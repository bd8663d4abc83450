"""Multi-document YAML from untrusted files: per-document lines, errors kept, never raising.

Documents are loaded one at a time (`yaml.CSafeLoader` when libyaml is available), so a
broken document costs only itself: after a syntax error, loading resumes at the next
`---` line below the error. Every document remembers the line it starts on and its node
tree, so callers can name the line of any key. Alias bombs are refused by bounding the
number of nodes a document expands to.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import yaml

try:
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

MAX_DESCRIPTOR_BYTES = 1024 * 1024
MAX_NODES = 20_000  # nodes a document may expand to (aliases counted each time)
_SEPARATOR = re.compile(r"^---(?:\s|$)")


@dataclass(frozen=True)
class YamlDoc:
    data: Any
    line: int  # 1-based line where the document's content starts
    node: yaml.Node
    offset: int  # 0-based line offset of the chunk the node was parsed from

    def line_of(self, *keys: str) -> int:
        """Line of the value at `keys` (mapping keys), or the deepest one found."""
        node: yaml.Node = self.node
        for key in keys:
            child = _child(node, key)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1 + self.offset


@dataclass(frozen=True)
class YamlProblem:
    line: int | None
    message: str


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]
    return None


def _too_big(node: yaml.Node, budget: int = MAX_NODES) -> bool:
    stack = [node]
    seen = 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > budget:
            return True
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return False


def _mark_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return None if mark is None else int(mark.line)


def _one_line(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    parts = [str(p) for p in (context, problem) if p]
    return ": ".join(parts) if parts else str(exc).splitlines()[0]


def _next_separator(lines: Sequence[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        if _SEPARATOR.match(lines[i]):
            return i
    return None


def _load_chunk(
    text: str, offset: int, docs: list[YamlDoc], problems: list[YamlProblem]
) -> int | None:
    """Load documents from `text` (starting at line `offset`); return the 0-based line of
    a syntax error inside the chunk, or None when the chunk was read to its end."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - empty stream
                break
            line = node.start_mark.line + 1 + offset
            if _too_big(node):
                problems.append(YamlProblem(line, "document too large (or too many aliases)"))
                continue
            try:
                data = loader.construct_document(node)
            except yaml.YAMLError as exc:
                loader.constructed_objects = {}
                loader.recursive_objects = {}
                where = _mark_line(exc)
                problems.append(
                    YamlProblem(line if where is None else where + 1 + offset, _one_line(exc))
                )
                continue
            docs.append(YamlDoc(data=data, line=line, node=node, offset=offset))
    except yaml.YAMLError as exc:
        where = _mark_line(exc)
        problems.append(YamlProblem(None if where is None else where + 1 + offset, _one_line(exc)))
        return where if where is not None else -1
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return None


def load_documents(text: str) -> tuple[list[YamlDoc], list[YamlProblem]]:
    """All documents of a YAML stream that load, and the problems of those that don't."""
    lines = text.splitlines(keepends=True)
    docs: list[YamlDoc] = []
    problems: list[YamlProblem] = []
    start = 0
    while True:
        error_line = _load_chunk("".join(lines[start:]), start, docs, problems)
        if error_line is None:
            return docs, problems
        resume = _next_separator(lines, max(start + error_line, start + 1))
        if resume is None:
            return docs, problems
        start = resume


# The files read_bounded is asked for (path, lstat before the read, None when missing),
# while a discovery cache records what a repository's services depend on.
READS: ContextVar[list[tuple[str, os.stat_result | None]] | None] = ContextVar(
    "rung_catalog_reads", default=None
)


def read_bounded(path: str, *, inside: str | None = None, limit: int = MAX_DESCRIPTOR_BYTES) -> str:
    """Text of a regular file, never through a symlink, at most `limit` bytes.

    With `inside`, the file's real path must lie in that folder (no symlinked parent).
    Raises OSError (with a readable strerror) when the file cannot be used.
    """
    reads = READS.get()
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if reads is not None:
            reads.append((path, None))
        raise
    if reads is not None:  # noted before the read: a later change shows in the next stat
        reads.append((path, st))
    if stat.S_ISLNK(st.st_mode):
        raise OSError(0, "symlink: not followed")
    if not stat.S_ISREG(st.st_mode):
        raise OSError(0, "not a regular file")
    if inside is not None:
        root = os.path.realpath(inside)
        if not os.path.realpath(path).startswith(root + os.sep):
            raise OSError(0, "outside the repository (symlinked folder): not followed")
    if st.st_size > limit:
        raise OSError(0, f"larger than {limit} bytes: not read")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if b"\0" in data[:8192]:
        raise OSError(0, "binary file: not read")
    return data.decode("utf-8", "replace")
