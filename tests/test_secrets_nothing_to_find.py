"""The secret scan's proof that a file yields nothing (`_NothingToFind`) is exact.

- on adversarial texts (YAML block, folded and multi-line quoted scalars, escapes and
  line continuations, anchors, aliases and merge keys, secret-looking keys, values split
  over lines, tags, bad timestamps, ini files with interpolation and continuations,
  `pragma: allowlist`, CRLF, non-ASCII) under many file names, the engine with the proof
  gives what it gives without it, findings and exceptions alike, and a text the proof
  passes is one where the plain engine finds nothing and raises nothing;
- the facts the proof rests on, each tested apart: runs of characters in the lines the
  transformers write lie in runs of the text (plus one added character), entropy
  thresholds, the case-insensitive searches, the key-run plugins' needs.
"""

from __future__ import annotations

import contextlib
import io
import math
import random
import re
import string
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.collect import secrets as secrets_module
from rung.collect.secrets import _NothingToFind
from rung.collect.yamllines import verbatim

# Fake credentials and near-misses (random characters; counts of different characters
# around the plugins' thresholds).
B64_23 = "Zx8Kq2vLz9Rt4mWp7YcB3nQ"  # 23 different base64 characters
B64_22 = "Zx8Kq2vLz9Rt4mWp7YcB3n"
B64_21 = "Zx8Kq2vLz9Rt4mWp7YcB3"
HEX_9 = "a1b2c3d4e"
HEX_8 = "a1b2c3d4"
HEX_7 = "a1b2c3d"
KEYWORD_8 = "Xq7#pL2!"  # 8 different characters, entropy 3.0
KEYWORD_7 = "Xq7#pL2"
AWS_KEY = "AKIAZ7QF4LM2XK9PWD3R"
GITHUB = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
LOWER_24 = "qwertyuiopasdfghjklzxcvb"
ALNUM_40 = "qwertyuiopasdfghjklzxcvbnm0123456789ABCD"
ALNUM_44 = ALNUM_40 + "EFGH"
HEX_48 = "0123456789abcdef" * 3
HEX_64 = "0123456789abcdef" * 4

VALUES = (
    B64_23,
    B64_22,
    B64_21,
    HEX_9,
    HEX_8,
    HEX_7,
    KEYWORD_8,
    KEYWORD_7,
    AWS_KEY,
    GITHUB,
    LOWER_24,
    ALNUM_40,
    ALNUM_44,
    HEX_48,
    HEX_64,
    "changeme",
    "apps/v1",
    "${DB_PASSWORD}",
    "payments-api",
    "Zx8Kq2vLz9Rt" + "\u212a" + "4mWp7YcB3nQ",  # the Kelvin sign
    "contraseña",
    "ſecret",
    "İ",
    "2001-13-45",
    "2001-12-14",
    "0x_",
    "0b1_0",
    "__line__",
    "https://user:pa55@host.example.com",
    "com/example-shop/ab-testing-v9/blob/main/docs/runbook",
)
# values just short of what a plugin needs (and ordinary ones)
NEAR_MISSES = (
    B64_21,
    HEX_7,
    KEYWORD_7,
    "abcdefghij" * 2 + "abcd",  # 24 letters, no Cloudant name near
    "apps/v1",
    "payments-api",
    "changeme",
    "${DB_PASSWORD}",
    "com/example-shop/ab-testing-v9/blob/main/docs/runbook",
    "https://github.com/example-shop/ab-testing-v9/blob/main/docs/runbook",
)
KEYS = (
    "apiVersion",
    "key",
    "password",
    "db_password",
    "secretKeyRef",
    "token",
    "auth",
    "aws_secret_access_key",
    "cloudant_password",
    "cl_api_key",
    "ibm_cos_secret_access_key",
    "softlayer_api_key",
    "iam_api_key",
    "name",
    B64_23,  # a key that is a secret
    "Password",
    "PASSWD",
)


def yaml_value(rng: random.Random, value: str) -> str:
    """`value` written as one of YAML's scalar styles, perhaps split over lines."""
    cut = rng.randint(0, len(value))
    head, tail = value[:cut], value[cut:]
    style = rng.randrange(11)
    if style == 0:
        return value
    if style == 1:
        return f'"{value}"'
    if style == 2:
        return "'" + value.replace("'", "''") + "'"
    if style == 3:  # literal block: the value's halves on two lines
        return f"|\n    {head}\n    {tail}"
    if style == 4:  # folded block
        return f">-\n    {head}\n    {tail}"
    if style == 5:  # a plain scalar over two lines (folded with a space)
        return f"{head or 'x'}\n    {tail or 'y'}"
    if style == 6:  # double-quoted, the line break escaped: the halves join
        return f'"{head}\\\n    {tail}"'
    if style == 7:  # escapes make characters the text does not hold
        return '"' + "".join(f"\\x{ord(c):02x}" if ord(c) < 128 else c for c in value) + '"'
    if style == 8:
        return f'"{head}\\"{tail}"'
    if style == 9:
        return f"!!binary {value}"
    return f"&a{rng.randrange(3)} {value}"


Shape = Callable[[random.Random, str, str], list[str]]  # (rng, key, value) -> lines


def shaped_lines(rng: random.Random, values: tuple[str, ...], shapes: Sequence[Shape]) -> list[str]:
    """One to four lines, each a random key and value written in a random shape."""
    lines: list[str] = []
    for _ in range(rng.randint(1, 4)):
        key, value = rng.choice(KEYS), rng.choice(values)
        lines += shapes[rng.randrange(len(shapes))](rng, key, value)
    return lines


YAML_SHAPES: tuple[Shape, ...] = (
    lambda rng, k, v: [f"{k}:\n  nested_{k}: {yaml_value(rng, v)}"],
    lambda rng, k, v: [f"- {k}: {yaml_value(rng, v)}"],
    lambda rng, k, v: [f"{k}: {{inner: {v}, other: x}}"],
    lambda rng, k, v: [f"{k}: *a{rng.randrange(3)}"],
    lambda rng, k, v: [f"{k}:\n  <<: *a{rng.randrange(3)}"],
    lambda rng, k, v: [f"{k}: {yaml_value(rng, v)}  # pragma: allowlist secret"],
    lambda rng, k, v: [f'"{k}": {yaml_value(rng, v)}'],
    lambda rng, k, v: [f"{k}: {yaml_value(rng, v)}"],
    lambda rng, k, v: [f'{{"{k}":{v}, x: [{v},{v}]}}'],
    lambda rng, k, v: [f"{k}: [{v}, {{{k}: {v}}}]"],
)

INI_SHAPES: tuple[Shape, ...] = (
    lambda rng, k, v: [f"{k} = {v}"],
    lambda rng, k, v: [f'{k}="{v}"'],
    # interpolation joins another option's value to this one's
    lambda rng, k, v: [f"head = {v[: len(v) // 2]}", f"{k} = %(head)s{v[len(v) // 2 :]}"],
    lambda rng, k, v: [f"{k} =", f"    {v}"],  # a continuation line
    lambda rng, k, v: ["# pragma: allowlist nextline secret", f"{k}: {v}"],
    lambda rng, k, v: [f"[{k}]"],
)

CODE_SHAPES: tuple[Shape, ...] = (
    lambda rng, k, v: [f'{k} = "{v}"'],
    lambda rng, k, v: [f"{k} := '{v}'"],
    lambda rng, k, v: [f'const x = "{v}"; // {k}'],
    lambda rng, k, v: [f"export {k.upper()}={v}"],
    lambda rng, k, v: [f'if ("{v}" == {k}) {{}}'],
    lambda rng, k, v: [f"{k}: {v}"],
)


def yaml_text(rng: random.Random, values: tuple[str, ...] = VALUES) -> str:
    return "\n".join(shaped_lines(rng, values, YAML_SHAPES)) + "\n"


def ini_text(rng: random.Random, values: tuple[str, ...] = VALUES) -> str:
    head = ["[db]"] if rng.random() < 0.7 else []
    return "\n".join(head + shaped_lines(rng, values, INI_SHAPES)) + "\n"


def code_text(rng: random.Random, values: tuple[str, ...] = VALUES) -> str:
    return "\n".join(shaped_lines(rng, values, CODE_SHAPES)) + "\n"


NAMES = ("a.yaml", "a.yml", "a.py", "a.go", "a.java", "a.js", ".env", "a.ini", "a.cfg", "a.txt")


# Files whose YAML fails with an error that is no YAML error (the file's scan error)
RAISING = [("a.yaml", "token: 2001-13-45\n"), ("a.yml", "key: 0x_\napiVersion: v1\n")]


def corpus(seed: int, count: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = list(RAISING)
    for _ in range(count):
        values = NEAR_MISSES if rng.random() < 0.4 else VALUES
        text = rng.choice((yaml_text, ini_text, code_text))(rng, values)
        newline = rng.choice(("\n", "\n", "\n", "\r\n", "\r"))
        bom = "\ufeff" if rng.random() < 0.05 else ""
        out.append((rng.choice(NAMES), bom + text.replace("\n", newline)))
    return out


def outcome(engine: Any, name: str, text: str) -> object:
    try:
        return engine.scan(name, text)
    except Exception as exc:  # an exception is an outcome too (the file's error)
        return type(exc)


@pytest.mark.parametrize("seed", range(4))
def test_proof_changes_no_outcome(seed: int) -> None:
    """With the proof, the engine gives what it gives without; where the proof holds,
    the plain engine finds nothing and raises nothing."""
    with secrets_module._detect_secrets() as engine:
        proof = engine._nothing_to_find
        assert proof is not None
        plain = secrets_module._Engine()
        plain._nothing_to_find = None
        proven = found = raised = 0
        for name, text in corpus(seed, 1200):
            expected = outcome(plain, name, text)
            assert outcome(engine, name, text) == expected, (name, text)
            if proof.holds(text, yaml=name.endswith((".yaml", ".yml"))):
                proven += 1
                assert expected == [], (name, text)
            found += bool(expected) and expected != []
            raised += isinstance(expected, type)
        # the corpus exercises every side
        assert proven > 25 and found > 100 and raised > 0, (proven, found, raised)


# --- the facts the proof rests on ---------------------------------------------------

CLASSES = {
    "base64": "[" + re.escape(string.ascii_letters + string.digits + "+/\\-_=") + "]",
    "hex": "[" + re.escape(string.hexdigits) + "]",
    "keyword value": secrets_module._KEYWORD_VALUE_RUN,
}


def runs(regex: str, text: str) -> list[str]:
    return re.findall(regex + "+", text)


def transformed(engine: Any, name: str, text: str) -> list[str]:
    """Every line detect-secrets may scan in the file: raw, ini and YAML lines."""
    lines = io.StringIO(text, newline=None).readlines()
    for eager in (False, True):
        lines += engine._transformed(name, text, eager=eager) or []
    return lines


@pytest.mark.parametrize("seed", range(3))
def test_runs_in_scanned_lines_lie_in_runs_of_the_text(seed: int) -> None:
    """Where the proof's conditions hold (no `%(`; YAML: `verbatim`), each run of a
    class's characters in a scanned line is part of a run in the text, plus at most one
    added character (`\\` before a `"`, `:` after a key) when the class holds it, or
    the `=` of an ini line `key = "value"` (a run of its own)."""
    with secrets_module._detect_secrets() as engine:
        checked = 0
        for name, text in corpus(100 + seed, 600):
            is_yaml = name.endswith((".yaml", ".yml"))
            if "%(" in text or (is_yaml and not verbatim(text)):
                continue
            for line in transformed(engine, name, text):
                for regex in CLASSES.values():
                    for run in runs(regex, line):
                        checked += 1
                        if run == "=" and ' = "' in line:
                            continue
                        in_text = any(run in r for r in runs(regex, text))
                        trimmed = run[:-1] if run[-1:] in secrets_module._ADDED else None
                        assert in_text or (
                            trimmed is not None and any(trimmed in r for r in runs(regex, text))
                        ), (name, text, line, run)
        assert checked > 1000


@pytest.mark.parametrize("seed", range(3))
def test_quoted_runs_in_scanned_lines_are_found_in_the_text(seed: int) -> None:
    """What a high-entropy plugin sees (a run of its characters between quotes in a
    scanned line) is found by `_has_quoted_run` in the text, as a run with as many
    different characters (one fewer for the `\\` a transformer may add)."""
    with secrets_module._detect_secrets() as engine:
        plugins = [p for p in engine._plugins if type(p).__name__ in secrets_module._NAMED_PLUGINS]
        checked = 0
        for name, text in corpus(200 + seed, 600):
            is_yaml = name.endswith((".yaml", ".yml"))
            if "%(" in text or (is_yaml and not verbatim(text)):
                continue
            for line in transformed(engine, name, text):
                for plugin in plugins:
                    charset = "[" + re.escape(plugin.charset) + "]"
                    for value in plugin.analyze_string(line):
                        checked += 1
                        need = max(1, len(set(value)) - ("\\" in plugin.charset))
                        run = (re.compile(f"{charset}{{{need},}}"), need)
                        assert secrets_module._has_quoted_run(run, text), (name, text, line)
        assert checked > 500


def test_escapes_and_continuations_are_not_verbatim() -> None:
    """The texts whose YAML values hold characters, or joins, the text does not."""
    joined = f'password: "{B64_23[:10]}\\\n  {B64_23[10:]}"\n'
    escaped = 'password: "\\x5a\\x78"\n'
    binary = "password: !!binary aGVsbG8=\n"
    for text in (joined, escaped, binary):
        assert not verbatim(text)
    assert verbatim("password: plain\nkey: |\n  two\n  lines\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: 2001-13-45\n",  # no such date: ValueError
        "a: 0x_\n",  # int("", 16)
        "a: 0b_\n",
        "a: !!int '0x'\n",
        "a: !!timestamp 'x'\n",
        "a: " + "1" * 5000 + "\n",  # more digits than int() converts
        "__line__: x\n",
        "a: " + "[" * 400 + "]" * 400 + "\n",  # deeper than their recursive composer
    ],
)
def test_texts_their_yaml_loader_may_fail_on_are_not_verbatim(text: str) -> None:
    from detect_secrets.transformers.exceptions import ParsingError
    from detect_secrets.transformers.yaml import YAMLTransformer

    assert not verbatim(text)
    handle = io.StringIO(text)
    handle.name = "a.yaml"
    with pytest.raises(Exception) as info:  # any exception but a YAML one is the point
        YAMLTransformer().parse_file(handle)  # type: ignore[arg-type]
    assert not isinstance(info.value, ParsingError)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("ab- :\n[]{}#'\"|>&*0123456789xK\u212a\u0130"), max_size=40))
def test_verbatim_yaml_raises_only_yaml_errors(text: str) -> None:
    from detect_secrets.transformers.exceptions import ParsingError
    from detect_secrets.transformers.yaml import YAMLTransformer

    if not verbatim(text):
        return
    handle = io.StringIO(text)
    handle.name = "a.yaml"
    with contextlib.suppress(ParsingError):
        YAMLTransformer().parse_file(handle)  # type: ignore[arg-type]


def test_entropy_thresholds() -> None:
    """A string with fewer different characters than `_fewest_characters(limit)` never
    passes the limit: not for the plugins' entropy, not for the keyword one."""
    with secrets_module._detect_secrets() as engine:
        plugins = [p for p in engine._plugins if type(p).__name__ in secrets_module._NAMED_PLUGINS]
    assert len(plugins) == 2
    for plugin in plugins:
        fewest = secrets_module._fewest_characters(plugin.entropy_limit)
        for count in range(1, len(plugin.charset) + 1):
            value = plugin.charset[:count]  # equally frequent: the most entropy for count
            for repeat in (1, 3):
                passes = plugin.calculate_shannon_entropy(value * repeat) > plugin.entropy_limit
                assert not passes or count >= fewest, (plugin, count)
        assert fewest in (8, 23)
    fewest = secrets_module._fewest_characters(secrets_module.KEYWORD_MIN_ENTROPY)
    assert fewest == 8
    for count in range(1, 40):
        value = (string.ascii_letters + string.digits)[:count]
        if secrets_module._entropy(value) >= secrets_module.KEYWORD_MIN_ENTROPY:
            assert count >= fewest
    assert secrets_module._entropy(KEYWORD_8) >= secrets_module.KEYWORD_MIN_ENTROPY
    assert math.isclose(secrets_module._entropy(KEYWORD_8), 3.0)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("aApPiI_kKeEyYsSwWoOrRdDtTcCnN -:="), max_size=24))
def test_denylist_spelled_out_equals_the_keyword_patterns(text: str) -> None:
    """On an ASCII text, the keyword plugin's denylist (matched case-insensitively) is
    there exactly when one of its spellings is in the lower-cased text."""
    from detect_secrets.plugins.keyword import DENYLIST

    expected = re.search("|".join(DENYLIST), text, re.IGNORECASE) is not None
    low = text.lower()
    assert any(name in low for name in secrets_module._denylisted(DENYLIST)) == expected


KEY_PARTS = (
    ("", " ", "x = ", "[", "'", '"', "my_", "AWS "),  # before
    (
        "",
        "aws_",
        "AWS_SECRET_",
        "aws.x.",
        "cloudant",
        "Cloudant_",
        "cl",
        "clou",
        "ibm_cos_",
        "cos-hmac-",
        "softlayer",
        "SL-",
        "ibm_cloud_iam_",
        "iam",
        "cloud",
    ),  # prefix
    ("", "_", "-", "api", "_api_"),
    (
        "key",
        "KEY",
        "password",
        "pwd",
        "pw",
        "pass",
        "token",
        "secret_key",
        "secret-access-key",
        "secretkey",
        "secret_access_key",
    ),  # keyword
    ("", "'", '"', "]", "x"),
    ("=", ": ", ":=", " => ", "  ", "::", ", ", "="),  # assignment
    ("", "'", '"'),
    (
        LOWER_24,
        LOWER_24.upper(),
        ALNUM_40,
        ALNUM_44,
        HEX_48,
        HEX_64,
        HEX_64.upper(),
        LOWER_24[:-1],
        ALNUM_40[:-1],
        ALNUM_44[:-1],
        HEX_48[:-1],
        HEX_64[:-1],
        ALNUM_44 + "x",
    ),  # value
    ("", "'", '"', " ", "x", ";"),
)
URLS = (
    f"https://user:{LOWER_24}@acct.cloudant.com",
    f"http://acct:{HEX_64}@acct.cloudant.com",
    f"https://api.softlayer.com/soap/v3/{HEX_64}",
    f"https://api.softlayer.com/soap/v3.1/{HEX_64.upper()}",
)


def key_lines(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return rng.choice(URLS)
    return "".join(rng.choice(part) for part in KEY_PARTS)


def test_key_run_plugins_need_their_name_and_run() -> None:
    """Whenever a `_KEY_RUNS` plugin finds something on a line, the line holds one of
    its names (if it has any) and one of its runs, or one of its key literals."""
    with secrets_module._detect_secrets() as engine:
        plugins = {type(p).__name__: p for p in engine._plugins}
    rng = random.Random(7)
    found = {kind: 0 for kind in secrets_module._KEY_RUNS}
    for _ in range(20000):
        line = key_lines(rng)
        low = line.lower()
        for kind, (name, needs) in secrets_module._KEY_RUNS.items():
            plugin = plugins[kind]
            if not plugin.analyze_line(filename="a.txt", line=line, line_number=1):
                continue
            found[kind] += 1
            if any(lit in low for lit in secrets_module._KEY_LITERALS.get(kind, ())):
                continue
            assert not name or any(n in low for n in name), (kind, line)
            assert re.search(secrets_module._alternatives(needs), low), (kind, line)
    assert min(found.values()) > 20, found


def test_no_proof_for_plugins_it_does_not_know() -> None:
    from detect_secrets.plugins.base import RegexBasedDetector

    class Custom(RegexBasedDetector):
        secret_type = "custom"
        denylist = (re.compile("x"),)

    with secrets_module._detect_secrets() as engine:
        plugins, transformers = list(engine._plugins), engine._transformers
        assert _NothingToFind.of(plugins, transformers) is not None
        assert _NothingToFind.of([*plugins, Custom()], transformers) is None


def test_proof_holds_for_weak_names_only() -> None:
    """Files that are candidates through names only (Kubernetes manifests) are proven;
    a value near a plugin's threshold is not."""
    with secrets_module._detect_secrets() as engine:
        proof = engine._nothing_to_find
    assert proof is not None
    manifest = (
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  automountServiceAccountToken: false\n"
        "  volumes:\n    - name: tls\n      items:\n        - key: tls.crt\n"
        "  auth: enabled\n"
    )
    assert proof.holds(manifest, yaml=True)
    assert not proof.holds(manifest + "# café\n", yaml=True)  # tried on ASCII texts only
    # a denylisted name and a value of 7 different characters or more somewhere
    assert not proof.holds(manifest + "  x: DB_PASSWORD\n", yaml=True)
    assert not proof.holds(manifest + f"  token: {B64_22}\n", yaml=True)
    assert proof.holds(manifest + f"  token: {B64_21}\n", yaml=True)
    assert not proof.holds(manifest + f"  token: {HEX_8}\n", yaml=True)
    assert not proof.holds(manifest + "  db_password: Xq7#pL2\n", yaml=True)
    assert not proof.holds(manifest + "  x: !!binary aGVsbG8=\n", yaml=True)
    assert not proof.holds("[db]\nkey = %(other)s\n", yaml=False)
    assert not proof.holds("BEGIN RSA PRIVATE\n  KEY\n", yaml=False)  # folded: "private key"
    assert not proof.holds(f"aws_key = '{ALNUM_40}'\n", yaml=False)
    words = "abcdefghij" * 2 + "abcd"  # 24 letters, 10 different ones
    assert proof.holds(f"package {words}.key;\n", yaml=False)  # no Cloudant name
    assert not proof.holds(f"cloudant_key: {words}\n", yaml=False)


@pytest.mark.parametrize("searched", [1, 7, 60, 1 << 22])
def test_files_worth_scanning_equal_the_per_file_test(
    searched: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The texts searched together, in chunks of any size, give the files the per-file
    test gives (`has_candidate` on each text, after the name tests), in order."""
    monkeypatch.setattr(secrets_module, "_SEARCHED", searched)
    rng = random.Random(searched)
    pieces = ("token", "İ", "K", "x\r\n", "\n", "abc ", "AKIA", "b.min.js", "ghp_", "-us1", " ")
    for _ in range(300):
        texts = {
            f"d/f{i}{rng.choice(('.py', '.js', '.min.js', '.yaml'))}": "".join(
                rng.choice(pieces) for _ in range(rng.randint(0, 6))
            )
            for i in range(rng.randint(0, 12))
        }
        files = [*texts, "missing.py", *list(texts)[:2]]
        expected = [
            p
            for p in dict.fromkeys(files)
            if p in texts
            and not secrets_module._skipped(p, texts[p])
            and secrets_module.has_candidate(texts[p])
        ]
        assert secrets_module._worth_scanning(texts, files) == expected
