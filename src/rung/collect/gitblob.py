"""A commit history in its compact form: how it leaves a worker, is spooled and stored.

A history (`GitFacts`: commit times and author e-mails, newest first) is the bulk of a
scan's result. The worker that reads it encodes it once (`git_to_blob`: each author
listed once, commit times as differences, JSON, zlib) and hands on a `StoredGit`, which
pickles as those bytes; the scan's parent spools it and the store writes it as they
are, and an incremental scan reads it back as they are. The commits are decoded only
where something needs them (signals at another as-of time, a report of the history).
"""

from __future__ import annotations

import json
import operator
import zlib
from itertools import accumulate, pairwise

from rung.collect.facts import GitFacts

_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# zlib's fastest level: over the 1,000 histories of a 1,000-service portfolio, 0.05 s of
# CPU instead of level 6's 0.11 s, for blobs 3% larger (1.29 MB instead of 1.25 MB).
# Blobs written at any level decode alike.
_LEVEL = 1


def git_to_blob(git: GitFacts | None) -> bytes | None:
    if git is None:
        return None
    return git.blob if isinstance(git, StoredGit) else _encode(git)


def _encode(git: GitFacts) -> bytes:
    emails: dict[str, int] = {}
    who = [emails.setdefault(e, len(emails)) for _, e in git.commits]
    times = [t for t, _ in git.commits]
    deltas = [times[0], *(a - b for a, b in pairwise(times))] if times else []
    doc = {
        "available": git.available,
        "reason": git.reason,
        "head": git.head,
        "tags": list(git.tags),
        "emails": list(emails),
        "times": deltas,
        "who": who,
    }
    return zlib.compress(_DUMPS(doc).encode(), _LEVEL)


def git_from_blob(blob: bytes | None) -> GitFacts | None:
    if blob is None:
        return None
    return _decode_git(blob)


def packed(git: GitFacts) -> StoredGit:
    """`git` in its compact form (itself when it is already)."""
    return git if isinstance(git, StoredGit) else StoredGit(_encode(git), git)


def _decode_git(blob: bytes) -> GitFacts:
    doc = json.loads(zlib.decompress(blob))
    times = accumulate(doc["times"], operator.sub)  # t[0], t[0] - d[1], ...
    who = map(doc["emails"].__getitem__, doc["who"])
    return GitFacts(
        available=doc["available"],
        reason=doc["reason"],
        head=doc["head"],
        commits=tuple(zip(times, who, strict=True)),
        tags=tuple(doc["tags"]),
    )


class StoredGit(GitFacts):
    """A commit history as its blob (git_to_blob), decoded on first use. It pickles as
    the blob, is stored as the same blob, and equals (and hashes as) the GitFacts it
    decodes to."""

    def __init__(self, blob: bytes, facts: GitFacts | None = None) -> None:
        # not GitFacts' fields: they are decoded (or `facts`, when the blob was made of it)
        object.__setattr__(self, "_blob", blob)
        object.__setattr__(self, "_facts", facts)

    @property
    def blob(self) -> bytes:
        blob: bytes = self.__dict__["_blob"]
        return blob

    def decoded(self) -> GitFacts:
        facts: GitFacts | None = self.__dict__["_facts"]
        if facts is None:
            facts = _decode_git(self.blob)
            object.__setattr__(self, "_facts", facts)
        return facts

    @property
    def available(self) -> bool:
        return self.decoded().available

    @property
    def reason(self) -> str:
        return self.decoded().reason

    @property
    def head(self) -> str | None:
        return self.decoded().head

    @property
    def commits(self) -> tuple[tuple[int, str], ...]:
        return self.decoded().commits

    @property
    def tags(self) -> tuple[str, ...]:
        return self.decoded().tags

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredGit):
            return self.blob == other.blob or self.decoded() == other.decoded()
        if isinstance(other, GitFacts):
            return self.decoded() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.decoded())

    def __repr__(self) -> str:
        return repr(self.decoded())

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return StoredGit, (self.blob,)
