"""The whole-listing path filters of discovery equal their per-path definitions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rung.catalog.descriptors import descriptor_paths, is_descriptor
from rung.collect.files import is_vendored, not_vendored

TRICKY = [
    "catalog-info.yaml",
    "svc/Catalog-Info.YML",
    "svc/xcatalog-info.yaml",
    "svc/catalog-info.yaml.bak",
    "svc/catalog-info.yaml/inner.txt",
    "a\ncatalog-info.yaml",
    "catalog-info.yaml\nb",
    "\u212a/catalog-info.yaml",  # Kelvin sign: lower() makes it "k"
    "svc/catalog-\u0130nfo.yaml",  # dotted capital I: lower() makes two characters
    "vendor/lib.go",
    "src/vendor",
    "src/vendor/x.go",
    "src/xvendor/x.go",
    "node_modules_old/x.js",
    "a/node_modules/b/c.js",
    ".venv/bin/python",
    "dist",
    "src/main.py",
]

segments = st.sampled_from(
    ["vendor", "node_modules", "dist", "src", "catalog-info.yaml", "CATALOG-INFO.yml",
     "a\nb", "x.py", "build", ".venv", "\u212a", "target", "catalog-info.yml~"]
)  # fmt: skip
paths = st.lists(segments, min_size=1, max_size=4).map("/".join)


def test_tricky_paths() -> None:
    assert not_vendored(TRICKY) == [p for p in TRICKY if not is_vendored(p)]
    assert descriptor_paths(TRICKY) == [p for p in TRICKY if is_descriptor(p)]
    assert descriptor_paths(TRICKY) == [
        "catalog-info.yaml",
        "svc/Catalog-Info.YML",
        "\u212a/catalog-info.yaml",
    ]  # "a\ncatalog-info.yaml" is one base name, not a descriptor
    clean = ["src/a.py", "README.md", "vendors/x"]
    assert not_vendored(clean) is clean  # nothing vendored: the list itself
    assert descriptor_paths([]) == [] and not_vendored([]) == []


@given(st.lists(paths, max_size=30))
def test_generated_listings(listing: list[str]) -> None:
    assert not_vendored(listing) == [p for p in listing if not is_vendored(p)]
    assert descriptor_paths(listing) == [p for p in listing if is_descriptor(p)]
