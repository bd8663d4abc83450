"""The cheap parts of a no-change rescan (#5): HEAD read from `.git` files exactly as
`git rev-parse` reads it, and the streamed JSON report byte-identical to json.dumps."""

from __future__ import annotations

import io
import json
from pathlib import Path

from gitrepo import make_repo
from rung.cli.scan_cmd import write_json
from rung.incremental import _rev_parse, head_from_files, repository_heads


def test_head_from_loose_ref_packed_refs_and_detached_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.txt": "one\n"})
    repo.commit({"a.txt": "two\n"}, message="second")
    path = str(repo.path)
    first = repo.git("rev-parse", "HEAD~1").strip()
    assert head_from_files(path) == _rev_parse(path) == repo.git("rev-parse", "HEAD").strip()
    repo.git("pack-refs", "--all")  # the branch now lives in packed-refs only
    assert not (repo.path / ".git" / "refs" / "heads" / "main").exists()
    assert head_from_files(path) == _rev_parse(path)
    repo.git("checkout", "-q", "--detach", first)
    assert head_from_files(path) == first
    assert repository_heads([path], 2) == {path: first}


def test_head_falls_back_to_git_when_the_files_say_nothing_plain(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.txt": "one\n"})
    path = str(repo.path)
    (repo.path / ".git" / "HEAD").write_text("ref: refs/heads/../../../etc\n")
    assert head_from_files(path) is None
    empty = make_repo(tmp_path / "e", {"a.txt": "x\n"})
    (empty.path / ".git" / "HEAD").write_text("ref: refs/heads/unborn\n")
    assert head_from_files(str(empty.path)) is None
    assert repository_heads([str(empty.path)], 1) == {str(empty.path): None}


def test_streamed_json_equals_json_dumps() -> None:
    doc = {
        "a": [1, 2.5, -0.0, 1e300, True, False, None, 'é"\\\n\t\u2028'],
        "b": {},
        "c": [],
        1: {2.0: [[]], True: {"x": ({"y": ()},)}},
        None: Path("/tmp/x"),
        "n": [float("nan"), float("inf"), -float("inf")],
    }
    out = io.StringIO()
    write_json(doc, out.write)
    assert out.getvalue() == json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"
