"""The discovery cache gives exactly what a fresh discovery gives, and notices every change
a discovery depends on: the index, the work tree files it read, the origin URL."""

from __future__ import annotations

from pathlib import Path

from gitrepo import Repo
from rung.catalog.cache import DiscoveryCache
from rung.catalog.discover import Discovery, discover

DESCRIPTOR = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: carts
spec:
  type: service
  owner: {owner}
  lifecycle: production
"""


def portfolio(root: Path) -> dict[str, Repo]:
    carts = Repo(root / "carts")
    carts.commit(
        {"catalog-info.yaml": DESCRIPTOR.format(owner="team-a"), "app.py": "print(1)\n"},
        date="2025-01-01T00:00:00+00:00",
    )
    mono = Repo(root / "mono")
    mono.commit(
        {
            "services/orders/Dockerfile": "FROM python:3.12\n",
            "services/orders/requirements.txt": "flask\n",
            "services/pay/go.mod": "module example.com/pay\n",
        },
        date="2025-01-01T00:00:00+00:00",
    )
    return {"carts": carts, "mono": mono}


def cached(root: Path, cache_file: Path, **kw: bool) -> tuple[Discovery, int]:
    cache = DiscoveryCache(str(cache_file), **kw)
    found = discover([str(root)], cache=cache)
    return found, cache.hits


def test_unchanged_repositories_come_from_the_cache_and_equal_a_fresh_discovery(
    tmp_path: Path,
) -> None:
    repos = portfolio(tmp_path / "src")
    cache_file = tmp_path / "cache" / "d.json"
    first, hits = cached(tmp_path / "src", cache_file)
    assert hits == 0 and cache_file.exists()
    again, hits = cached(tmp_path / "src", cache_file)
    assert hits == 2
    assert again == first == discover([str(tmp_path / "src")])
    names = sorted(s.name for s in again.services)
    assert names == ["carts", "orders", "pay"] and repos


def test_changes_are_noticed(tmp_path: Path) -> None:
    repos = portfolio(tmp_path / "src")
    cache_file = tmp_path / "d.json"
    cached(tmp_path / "src", cache_file)
    # a work tree edit of a descriptor, not staged
    (repos["carts"].path / "catalog-info.yaml").write_text(DESCRIPTOR.format(owner="team-b"))
    found, hits = cached(tmp_path / "src", cache_file)
    assert hits == 1 and found == discover([str(tmp_path / "src")])
    owners = {s.name: s.owner for s in found.services}
    assert owners["carts"] == "team-b"
    # a new tracked service folder (the index changes)
    repos["mono"].commit(
        {"services/ship/Dockerfile": "FROM alpine\n", "services/ship/package.json": "{}\n"},
        date="2025-02-01T00:00:00+00:00",
    )
    found, hits = cached(tmp_path / "src", cache_file)
    assert hits == 1 and found == discover([str(tmp_path / "src")])
    assert "ship" in {s.name for s in found.services}
    # the origin URL (.git/config)
    repos["carts"].git("remote", "add", "origin", "https://u:p@git.example.com/shop/carts.git")
    found, hits = cached(tmp_path / "src", cache_file)
    assert hits == 1
    urls = {s.name: s.repo_url for s in found.services}
    assert urls["carts"] == "https://git.example.com/shop/carts.git"
    # --full refreshes: nothing is taken from the cache
    _, hits = cached(tmp_path / "src", cache_file, refresh=True)
    assert hits == 0


def test_a_damaged_cache_is_ignored_and_odd_results_are_not_cached(tmp_path: Path) -> None:
    root = tmp_path / "src"
    repo = Repo(root / "dated")
    text = DESCRIPTOR.format(owner="team-a") + "  created: 2024-05-01\n"  # a YAML date
    repo.commit({"catalog-info.yaml": text}, date="2025-01-01T00:00:00+00:00")
    cache_file = tmp_path / "d.json"
    cache_file.write_text("{not json")
    found, hits = cached(root, cache_file)
    assert hits == 0 and found == discover([str(root)])
    _, hits = cached(root, cache_file)
    assert hits == 0  # a date does not survive JSON unchanged: never cached
