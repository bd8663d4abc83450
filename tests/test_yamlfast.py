"""rung.checks.yamlfast.load returns and raises what yaml.load(CSafeLoader) does."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from rung.checks import yamlfast

TRICKY = [
    "",
    "# only a comment\n",
    "---\n",
    "a: 1\n---\nb: 2\n",  # two documents: an error for both
    "kind: Deployment\nmetadata:\n  name: web\n  labels: {cost-center: 42, team: x}\n",
    "a: &x {b: 1}\nc: *x\n",  # an alias: the same dict twice
    "a: &x [1, 2]\nb: *x\nc: *x\n",
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",  # merge key
    "d:\n  <<: [{a: 1}, {b: 2}]\n",
    "d:\n  <<: 1\n",  # merge of a scalar: an error
    "=: value\n",  # the value key
    "a: =\n",
    "a: !!str 12\nb: !!int '7'\nc: !!float '1.5'\n",
    "a: !!int abc\n",  # ValueError
    "a: !!bool maybe\n",  # KeyError
    "a: !!int ''\n",  # IndexError
    "a: !Ref x\n",  # unknown tag
    "a: !!binary aGVsbG8=\n",
    "a: !!timestamp 2020-01-02\nb: 2020-01-02 10:00:00\nc: 2020-13-45\n",
    "a: !!set {x, y}\nb: !!omap [{a: 1}]\nc: !!pairs [{a: 1}, {a: 2}]\n",
    "? [a, b]\n: 1\n",  # unhashable key
    "? {a: 1}\n: 1\n",
    "a: .nan\n.nan: 1\n.inf: 2\n-.inf: 3\nb: 0x1F\nc: 0o17\nd: 017\ne: 1:30\nf: 0b101\n",
    "a: 0b_\n",
    "a: 1_000\nb: +12\nc: -0\nd: 1e3\ne: 1.5e+3\nf: ._\n",
    "1: a\ntrue: b\n1.0: c\nyes: d\nNo: e\n~: f\nnull: g\n",  # keys that collide in a dict
    "a: b: c\n",  # invalid
    "a: [1, 2\n",
    "key: {{ .Values.x }}\n",  # Helm template
    "a: 'x'\nb: \"y\"\nc: |\n  text\nd: >\n  folded\n",
    "a: !!null x\nb: !!str\nc: !\n",
    "!!map {a: 1}\n",
    "!!seq [1]\n",
    "!!str {a: 1}\n",
    "!!map [1]\n",
    "- a\n- {b: [c, {d: e}]}\n",
    "plain scalar\n",
    "&a [*a]\n",  # recursive alias
    "a: &x 1\nb: *x\n",
    "a: 1\na: 2\n",  # duplicate key: the last wins
    "\ufeffa: 1\n",
    'a: "\\u00e9\\t"\n',
    "[" * 60 + "]" * 60 + "\n",
]


def _outcome(load: Any, text: str) -> tuple[str, ...]:
    try:
        return ("ok", repr(load(text)))
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def _reference(text: str) -> Any:
    return yaml.load(text, Loader=yamlfast.SafeLoader)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_yaml_like_pyyaml(text: str) -> None:
    assert _outcome(yamlfast.load, text) == _outcome(_reference, text)


def test_aliases_keep_shared_objects() -> None:
    data = yamlfast.load("a: &x {b: 1}\nc: *x\n")
    assert data["a"] is data["c"]
    rec = yamlfast.load("&a [*a]\n")
    assert rec[0] is rec


def _random_yaml(rng: random.Random, depth: int = 0) -> str:
    scalars = [
        "1", "-2", "0x1A", "0o7", "1.5", ".inf", "~", "null", "true", "No", "on", "'q'",
        '"d"', "2021-02-03", "x", "=", "<<", "1:20", "!!str 5", "!!int 5", "!Tag v",
        "&s v", "*s", "{}", "[]", "a b", "12_3",
    ]  # fmt: skip
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(scalars)
    if rng.random() < 0.5:
        items = [_random_yaml(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
        return "[" + ", ".join(items) + "]"
    keys = [rng.choice(scalars) for _ in range(rng.randrange(0, 4))]
    return "{" + ", ".join(f"{k}: {_random_yaml(rng, depth + 1)}" for k in keys) + "}"


@pytest.mark.parametrize("seed", range(3))
def test_random_flow_yaml_like_pyyaml(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = _random_yaml(rng) + "\n"
        assert _outcome(yamlfast.load, text) == _outcome(_reference, text), text
