"""ServiceFacts.rel cuts the root off plain paths and answers what posixpath.relpath does."""

from __future__ import annotations

import itertools
import posixpath

from rung.catalog.entity import Service
from rung.collect.facts import ServiceFacts

ROOTS = ["svc", "svc/a", "./svc", "svc/", "svc/.", "..", "../x", "svc//a", "a/../svc", ".x", "."]
SEGMENTS = ["a", ".", "..", "", ".x", "x.", "svc"]


def test_rel_equals_relpath() -> None:
    for root in ROOTS:
        facts = ServiceFacts(service=Service(name="s", repo_path="/r", repo_name="r", root=root))
        for k in range(4):
            for combo in itertools.product(SEGMENTS, repeat=k):
                for head in ("", root + "/", "svc/"):
                    path = head + "/".join(combo)
                    if not path:
                        continue
                    want = path if root in (".", "") else posixpath.relpath(path, root)
                    assert facts.rel(path) == want, (root, path)
        assert facts.rel_paths == ()
