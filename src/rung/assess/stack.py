"""Tech-stack proliferation (product.md §0.5, §5 `rung stack`): which languages, frameworks,
datastores and infrastructure the portfolio runs, how many services use each, and the long
tail of items only a few services use. Pure aggregation over assessed services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rung.assess.service import ServiceAssessment

CATEGORIES = ("languages", "frameworks", "datastores", "infrastructure")


@dataclass(frozen=True, slots=True)
class StackItem:
    category: str
    name: str
    services: tuple[str, ...]
    teams: tuple[str, ...]
    bytes: int  # languages: total bytes of source; 0 for the other categories

    @property
    def count(self) -> int:
        return len(self.services)


@dataclass(frozen=True)
class StackInventory:
    items: tuple[StackItem, ...]  # by category order, then services desc, then name
    services: int
    long_tail: int  # an item used by at most this many services is in the long tail

    def category(self, name: str) -> list[StackItem]:
        return [i for i in self.items if i.category == name]

    def tail(self, name: str) -> list[StackItem]:
        return [i for i in self.category(name) if i.count <= self.long_tail]


def _names(value: object) -> dict[str, int]:
    """Item -> bytes from a stack fact (a {name: bytes} mapping or a list of names)."""
    if isinstance(value, dict):
        return {str(k): int(v) if isinstance(v, int | float) else 0 for k, v in value.items()}
    if isinstance(value, list | tuple):
        return {str(v): 0 for v in value}
    return {}


def stack_inventory(assessments: Sequence[ServiceAssessment], long_tail: int = 2) -> StackInventory:
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    teams: dict[tuple[str, str], set[str]] = defaultdict(set)
    size: dict[tuple[str, str], int] = defaultdict(int)
    for a in assessments:
        for cat in CATEGORIES:
            for name, nbytes in _names(a.scan.stack.get(cat)).items():
                key = (cat, name)
                users[key].add(a.name)
                teams[key].add(a.scan.service.owner or "unowned")
                size[key] += nbytes
    order = {c: i for i, c in enumerate(CATEGORIES)}
    items = sorted(
        (
            StackItem(
                cat,
                name,
                tuple(sorted(users[(cat, name)])),
                tuple(sorted(teams[(cat, name)])),
                size[(cat, name)],
            )
            for cat, name in users
        ),
        key=lambda i: (order[i.category], -i.count, -i.bytes, i.name.lower()),
    )
    return StackInventory(tuple(items), len(assessments), long_tail)
