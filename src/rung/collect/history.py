"""Git history of service roots: one `git log` pass per repository.

checks.md defines a service's history as the non-merge commits reachable from HEAD that
touch the service root, exactly as `git --literal-pathspecs log --no-merges -- <root>`
lists them (committer time `%ct`, author e-mail after `.mailmap` `%aE`, lower-cased).

- One root, the repository itself (`.`): a commit is TREESAME to a parent for `.`
  exactly when their root trees are equal, so one plain `git log` with parent and tree
  ids (no diffs: half the cost of `git log -- .`) replays git's simplification
  (`whole_tree_commits`).
- One root below the repository root: that very command is run (exact by construction).
- Several roots (a monorepo): ONE pass over the whole history,
  `git log --diff-merges=separate --name-status`, lists every commit with its changed
  paths, and merges once per parent with the paths that differ from that parent. From
  it, git's default history simplification is replayed for every root: a walk from HEAD
  in which a merge that is TREESAME to a parent for the root (no changed path under the
  root) follows only the first such parent, and otherwise every parent; a non-merge
  commit is listed when one of its paths lies under the root (a root commit: when its
  tree holds a file under the root). This is what `git log -- <root>` does, so side
  branches whose changes were dropped by a merge (`-s ours`) or that the first parent
  already had (cherry-picks) are left out as git leaves them out, and empty commits
  never count (`git log -- .` excludes them too).

Known, deliberate limits of the replay (pathological repositories only):
- a merge whose printed diff blocks cannot be matched to its parents (non-canonical
  tree objects whose ids differ while their contents do not) follows all its parents;
- `git log` output order is the order of the full walk restricted to the listed
  commits, which can differ from the per-root command's order under clock skew (the
  set of commits is the same);
- roots are literal paths (`--literal-pathspecs`), never globs.
A shallow clone works as git sees it: history stops at the shallow boundary.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress

from rung.collect.facts import GitFacts
from rung.collect.gitcmd import GitError, git
from rung.collect.gitrefs import OBJECT_ID, refs_from_files

_MARK = b"\x01"
# Header fields of one log record, NUL separated (-z): sha, parents, tree, ctime, e-mail.
_FORMAT = "--format=%x01%H%x00%P%x00%T%x00%ct%x00%aE"
_LOG_OPTS = ("--no-renames", "--no-relative", "--root", "--no-color", "--no-ext-diff")
_ALL = "."


_Id = bytes  # a commit or tree id as git prints it (hexadecimal digits)


@dataclass(slots=True)
class _Commit:
    parents: tuple[_Id, ...]
    tree: _Id
    time: int
    email: str
    blocks: list[frozenset[str]] = field(default_factory=list)  # roots touched, per diff


def normalize_root(root: str) -> str:
    r = root.strip().strip("/")
    while r.startswith("./"):
        r = r[2:]
    return r if r not in ("", ".") else _ALL


def read_history(repo_path: str, roots: Sequence[str]) -> dict[str, GitFacts]:
    """GitFacts for every root (keys as given). Never raises: a git failure makes every
    root's facts unavailable with the reason."""
    try:
        return _read(repo_path, roots)
    except GitError as exc:
        reason = f"cannot read git history: {exc}"
        return {r: GitFacts(available=False, reason=reason) for r in roots}


def _read(repo_path: str, roots: Sequence[str]) -> dict[str, GitFacts]:
    head, tags = _head_and_tags(repo_path)
    if head is None:
        return {r: GitFacts(available=False, reason="repository has no commits") for r in roots}
    norm = list(dict.fromkeys(normalize_root(r) for r in roots))
    if norm == [_ALL]:
        per_root = {_ALL: whole_tree_commits(repo_path)}
    elif len(norm) == 1:
        per_root = {norm[0]: _log_one(repo_path, norm[0])}
    else:
        per_root = commits_by_root(repo_path, norm)
    return {
        r: GitFacts(available=True, head=head, commits=per_root[normalize_root(r)], tags=tags)
        for r in roots
    }


def _head_and_tags(repo_path: str) -> tuple[str | None, tuple[str, ...]]:
    """HEAD's commit and all tag names: read from the files of `.git` when they alone
    decide them (`refs_from_files`), else in one git call; (None, ()) without commits.
    Raises GitError when `repo_path` is no repository."""
    found = refs_from_files(repo_path)
    if found is not None:
        return found
    try:
        out = git(repo_path, ["rev-parse", "HEAD^{commit}", "--symbolic", "--tags"])
    except GitError:
        out = b""
    lines = out.decode("utf-8", "replace").splitlines()
    if not lines or not OBJECT_ID.fullmatch(lines[0].strip()):
        git(repo_path, ["rev-parse", "--git-dir"])  # raises when this is no repository
        return None, ()
    return lines[0].strip(), tuple(sorted(n for n in lines[1:] if n))


def _log_one(repo_path: str, root: str) -> tuple[tuple[int, str], ...]:
    args = ["--literal-pathspecs", "log", "--no-merges", "-z", "--format=%ct%x09%aE", "HEAD"]
    out = git(repo_path, [*args, "--", root])
    result: list[tuple[int, str]] = []
    for rec in out.decode("utf-8", "replace").split("\0"):
        rec = rec.strip("\n")
        if rec:
            ct, _, email = rec.partition("\t")
            result.append((int(ct), email.lower()))
    return tuple(result)


# The empty tree's id (SHA-1 and SHA-256 repositories): a root commit with it changes nothing.
_EMPTY_TREES = frozenset({
    "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
})  # fmt: skip


def whole_tree_commits(repo_path: str) -> tuple[tuple[int, str], ...]:
    """`git log --no-merges -- .` without its per-commit tree diffs: for the pathspec `.`
    a commit is TREESAME to a parent exactly when their root trees are equal, so a plain
    `git log` with tree and parent ids (as cheap as listing the commits) is enough to
    replay git's simplification (the walk of `shas_by_root`, with tree ids for diffs)."""
    out = git(repo_path, ["log", "-z", "--format=%H%x00%P%x00%T%x00%ct%x00%aE", "HEAD"])
    tokens = out.decode("utf-8", "replace").split("\0")
    shas, parents, trees = tokens[0::5], tokens[1::5], tokens[2::5]
    if shas and not shas[-1]:
        shas.pop()
    times, emails = tokens[3::5], tokens[4::5]
    if shas and parents[:-1] == shas[1:] and parents[-1] == "":
        # one chain (no merge): a commit counts when its tree differs from its parent's
        keep = list(map(str.__ne__, trees, trees[1:]))
        keep.append(trees[-1] not in _EMPTY_TREES)
    else:
        keep = _whole_tree_keep([t.lstrip("\n") for t in shas], parents, trees)
    lower = {e: e.lower() for e in set(emails)}  # authors recur: each lower-cased once
    kept_times = map(int, compress(times, keep))
    return tuple(zip(kept_times, map(lower.__getitem__, compress(emails, keep)), strict=False))


def _whole_tree_keep(shas: list[str], parent_ids: list[str], tree_ids: list[str]) -> list[bool]:
    """Per commit of a log with merges, whether `git log --no-merges -- .` lists it.

    The walk of `_whole_tree_hits` follows every parent but those of a merge TREESAME to
    one of them (it follows the first such parent only). When every commit but the first
    is a parent so followed by some commit, the walk reaches them all (climbing from any
    commit through commits that follow to it can only end at the first), so each
    non-merge commit counts exactly when its tree differs from its parent's: no walk."""
    trees = dict(zip(shas, tree_ids, strict=False))
    followed = set(parent_ids)  # a non-merge commit's parent (a merge's ids are split below)
    for ids, tree in zip(parent_ids, tree_ids, strict=False):
        if " " in ids:
            ps = ids.split()
            same = next((p for p in ps if trees.get(p) == tree), None)
            followed.update([same] if same is not None else ps)
    if not followed.issuperset(shas[1:]):
        hits = _whole_tree_hits(shas, parent_ids, tree_ids)
        return [sha in hits for sha in shas]
    return [
        " " not in p and ((trees.get(p) != t) if p else (t not in _EMPTY_TREES))
        for p, t in zip(parent_ids, tree_ids, strict=False)
    ]


def _whole_tree_hits(shas: list[str], parent_ids: list[str], tree_ids: list[str]) -> set[str]:
    """The commits `git log --no-merges -- .` lists, by a walk from the first one."""
    parents = dict(zip(shas, (p.split() for p in parent_ids), strict=False))
    trees = dict(zip(shas, tree_ids, strict=False))
    hits: set[str] = set()
    stack = shas[:1]
    seen: set[str] = set()
    while stack:
        sha = stack.pop()
        if sha in seen or sha not in trees:
            continue
        seen.add(sha)
        tree, ps = trees[sha], parents[sha]
        if len(ps) > 1:  # a merge TREESAME to a parent follows the first such parent only
            same = next((p for p in ps if trees.get(p) == tree), None)
            stack.extend([same] if same is not None else ps)
            continue
        if (trees.get(ps[0]) != tree) if ps else (tree not in _EMPTY_TREES):
            hits.add(sha)
        stack.extend(ps)
    return hits


def commits_by_root(repo_path: str, roots: Sequence[str]) -> dict[str, tuple[tuple[int, str], ...]]:
    """(committer time, author e-mail) newest first for each normalized root, one pass."""
    order, commits = _full_log(repo_path, roots)
    out: dict[str, tuple[tuple[int, str], ...]] = {}
    for root, shas in shas_by_root(order, commits, roots).items():
        out[root] = tuple((commits[s].time, commits[s].email) for s in shas)
    return out


def shas_by_root_of_repo(repo_path: str, roots: Sequence[str]) -> dict[str, list[str]]:
    """Commit ids per normalized root through the one-pass replay (for tests and tools)."""
    norm = [normalize_root(r) for r in roots]
    order, commits = _full_log(repo_path, norm)
    by_root = shas_by_root(order, commits, norm)
    return {root: [sha.decode("ascii") for sha in shas] for root, shas in by_root.items()}


def _full_log(repo_path: str, roots: Sequence[str]) -> tuple[list[_Id], dict[_Id, _Commit]]:
    args = ["log", "-z", "--diff-merges=separate", "--name-status", *_LOG_OPTS, _FORMAT, "HEAD"]
    return _parse_log(git(repo_path, args), set(roots))


def _parse_log(out: bytes, roots: set[str]) -> tuple[list[_Id], dict[_Id, _Commit]]:
    """The commits of the log `out` in its order, each with the roots its diffs touch
    (one block per diff: a merge has one per parent it differs from). Ids stay bytes."""
    order: list[_Id] = []
    commits: dict[_Id, _Commit] = {}
    tokens = out.split(b"\0")
    i, n = 0, len(tokens)
    touched: set[str] = set()
    current: _Commit | None = None
    hit: dict[bytes, frozenset[str]] = {}  # path -> roots it lies under (paths recur)
    in_dir: dict[str, frozenset[str]] = {}  # folder -> roots it lies under (folders recur)
    emails: dict[bytes, str] = {}  # as printed -> decoded, lower-cased (authors recur)
    while i < n:
        tok = tokens[i].lstrip(b"\n")
        if tok.startswith(_MARK):
            if current is not None:
                current.blocks.append(frozenset(touched))
            sha = tok[1:]
            parents, tree, ct, email = tokens[i + 1 : i + 5]
            i += 5
            touched = set()
            current = commits.get(sha)
            if current is None:
                lowered = emails.get(email)
                if lowered is None:
                    lowered = emails[email] = email.decode("utf-8", "replace").lower()
                current = commits[sha] = _Commit(tuple(parents.split()), tree, int(ct), lowered)
                order.append(sha)
            continue
        if tok and i + 1 < n:  # a status letter, then the path
            raw = tokens[i + 1]
            found = hit.get(raw)
            if found is None:
                path = raw.decode("utf-8", "surrogateescape")
                found = hit[raw] = _roots_of(path, roots, in_dir)
            touched.update(found)
            i += 2
            continue
        i += 1
    if current is not None:
        current.blocks.append(frozenset(touched))
    return order, commits


def _roots_of(path: str, roots: set[str], in_dir: dict[str, frozenset[str]]) -> frozenset[str]:
    """The roots `path` lies under: itself, one of its folders or the whole tree. `in_dir`
    remembers the answer for each folder met (the folders of a log recur)."""
    found = _folder_roots(posixpath.dirname(path), roots, in_dir)
    return found | {path} if path in roots else found


def _folder_roots(
    folder: str, roots: set[str], in_dir: dict[str, frozenset[str]]
) -> frozenset[str]:
    """The roots that are `folder` or one of its parents ("" is the top: `_ALL`)."""
    climbed: list[str] = []  # folders not known yet, innermost first
    while folder not in in_dir:
        parent = posixpath.dirname(folder)
        if parent == folder:  # the top ("", or "/" that git never prints)
            in_dir[folder] = frozenset({_ALL} & roots)
            break
        climbed.append(folder)
        folder = parent
    found = in_dir[folder]
    for d in reversed(climbed):
        found = in_dir[d] = found | {d} if d in roots else found
    return found


def _parent_blocks(sha: _Id, commits: dict[_Id, _Commit]) -> list[frozenset[str] | None]:
    """Per parent of a merge: the roots its diff against that parent touches, or None
    when the trees are equal (TREESAME for every root)."""
    c = commits[sha]
    differing = [
        k for k, p in enumerate(c.parents) if p not in commits or commits[p].tree != c.tree
    ]
    result: list[frozenset[str] | None] = [None] * len(c.parents)
    if not differing:
        return result
    if len(differing) == len(c.blocks):
        for k, block in zip(differing, c.blocks, strict=True):
            result[k] = block
        return result
    for k in differing:  # unmatched blocks: assume the merge differs everywhere
        result[k] = _ALL_ROOTS
    return result


class _AllRoots(frozenset[str]):
    def __contains__(self, item: object) -> bool:
        return True


_ALL_ROOTS = _AllRoots()


def shas_by_root(
    order: Sequence[_Id], commits: dict[_Id, _Commit], roots: Sequence[str]
) -> dict[str, list[_Id]]:
    """Per root, the commits `git log --no-merges -- <root>` lists, in log order: those
    of git's walk from HEAD (`_walk`) that touch the root. When the walk for a root
    reaches every commit (as `_whole_tree_keep` tells), they are taken without it."""
    merges = {s: _parent_blocks(s, commits) for s, c in commits.items() if len(c.parents) > 1}
    head = order[0] if order else None
    below_head = set(order[1:])
    single = {c.parents[0] for c in commits.values() if len(c.parents) == 1}
    out: dict[str, list[_Id]] = {}
    for root in dict.fromkeys(roots):
        followed = set(single)  # the parents some commit's walk step goes on to
        for sha, blocks in merges.items():
            followed.update(_followed(commits[sha].parents, blocks, root))
        if followed.issuperset(below_head):
            out[root] = [s for s in order if s not in merges and root in commits[s].blocks[0]]
        else:
            hits = _walk(head, commits, merges, root)
            out[root] = [s for s in order if s in hits]
    return out


def _followed(
    parents: tuple[_Id, ...], blocks: list[frozenset[str] | None], root: str
) -> Sequence[_Id]:
    """The parents git's walk for `root` goes on to from a merge: the first one it is
    TREESAME to for the root (its diff touches no path under it), else all."""
    for p, b in zip(parents, blocks, strict=True):
        if b is None or root not in b:
            return (p,)
    return parents


def _walk(
    head: _Id | None,
    commits: dict[_Id, _Commit],
    merges: dict[_Id, list[frozenset[str] | None]],
    root: str,
) -> set[_Id]:
    hits: set[_Id] = set()
    seen: set[_Id] = set()
    stack = [head] if head else []
    while stack:
        sha = stack.pop()
        if sha in seen or sha not in commits:
            continue
        seen.add(sha)
        c = commits[sha]
        if sha not in merges:
            if root in c.blocks[0]:
                hits.add(sha)
            stack.extend(c.parents)
            continue
        stack.extend(_followed(c.parents, merges[sha], root))
    return hits
