"""The secret scan's shortcuts give what the plain way gives.

- the per-process caches (lines where no plugin finds anything, YAML lines per text)
  change no finding: files are scanned through an engine with them and through one
  without, in several orders, the same lines under many file types;
- `has_candidate`, `candidate_lines` and `_applicable` equal their plain definitions
  (any needed literal in the lower-cased text, any plugin pattern);
- the file-name filter equals detect-secrets' `_is_filtered_out`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.collect import secrets as secrets_module
from rung.collect.facts import SecretHit
from rung.collect.secrets import candidate_lines, has_candidate
from rung.collect.yamllines import yaml_lines

# Fake credentials (random characters, valid shapes).
PASSWORD = "Zx8Kq2vLz9Rt4mWp7YcB3nQhT6jV1sD5fG0aE2u"
AWS_KEY = "AKIAZ7QF4LM2XK9PWD3R"
GITHUB = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"

# Lines that recur across files; several are found in one file type and not in another
# (the keyword plugin's regexes depend on it: quotes required or not, `:=` in Go).
LINES = (
    "apiVersion: apps/v1",
    "kind: Deployment",
    "api_key: ${API_KEY}",
    f"api_key: {PASSWORD}",
    f'api_key = "{PASSWORD}"',
    f"password = {PASSWORD}",
    f'password = "{PASSWORD}"',
    f'password := "{PASSWORD}"',
    f'password = "{PASSWORD}"  # pragma: allowlist secret',
    "# pragma: allowlist nextline secret",
    f"secret: '{PASSWORD}'",
    f"AWS_ACCESS_KEY_ID={AWS_KEY}",
    f'TOKEN = "{GITHUB}"',
    'token = "changeme"',
    "db_password: changeme-please",
    "  name: payments-api",
    "import org.junit.jupiter.api.Test;",
    "url = 'postgres://admin:s3cr3tPass@db.internal:5432/app'",
    "[db]",
    "private_key_path = /etc/keys/key.pem",
    "",
    "def handler(request):",
    "    return request",
)
NAMES = (
    "a.py",
    "a.yaml",
    "a.yml",
    "a.go",
    "a.js",
    "a.java",
    ".env",
    "a.ini",
    "a.properties",
    "a.example",
    "a.tf",
    "Dockerfile",
    "a.txt",
)


def corpus(seed: int, files: int) -> dict[str, str]:
    rng = random.Random(seed)
    texts: dict[str, str] = {}
    for i in range(files):
        name = rng.choice(NAMES)
        lines = [rng.choice(LINES) for _ in range(rng.randint(1, 12))]
        if name.endswith((".yaml", ".yml")) and rng.random() < 0.7:
            # YAML that parses: `key: value` pairs, some nested
            lines = [f"k{j}:\n  {line}" if j % 3 else line for j, line in enumerate(lines)]
            lines = [ln for ln in lines if ":" in ln and not ln.startswith(("#", "["))]
        texts[f"d{i}/{name}"] = "\n".join(lines) + "\n"
    return texts


def plain_engine() -> Any:
    """An engine of the same settings, with neither cache nor the proof that a file
    yields nothing."""
    engine = secrets_module._Engine()
    engine._cacheable = False
    engine._nothing_to_find = None
    engine._name_filters = None
    setattr(engine, "_yaml_lines", yaml_lines)  # noqa: B010 (an instance attribute)
    return engine


def scan_all(
    engine: Any, texts: dict[str, str], order: Sequence[str]
) -> dict[str, list[SecretHit]]:
    return {path: engine.scan(path, texts[path]) for path in order}


@pytest.mark.parametrize("seed", range(6))
def test_caches_change_no_finding(seed: int) -> None:
    texts = corpus(seed, 160)
    paths = sorted(texts)
    with secrets_module._detect_secrets() as engine:
        plain = scan_all(plain_engine(), texts, paths)
        assert sum(map(len, plain.values())) > 10  # the corpus has findings
        # fresh caches, then warm ones, in another order each time
        engine._nothing.clear()
        engine._yaml.clear()
        for round_ in range(3):
            order = paths[:]
            random.Random(seed * 10 + round_).shuffle(order)
            assert scan_all(engine, texts, order) == plain
        assert engine._cacheable and engine._nothing and engine._yaml


def test_same_line_found_in_one_file_type_and_not_another() -> None:
    """`api_key: value` unquoted is a keyword finding in YAML only: a negative answer
    remembered for the line in a .py file must not hide it in a .yaml file."""
    line = f"api_key: {PASSWORD}\n"
    with secrets_module._detect_secrets() as engine:
        engine._nothing.clear()
        assert engine.scan("a.py", line) == []
        assert (line.strip(), engine._file_type("a.py")) in engine._nothing
        found = engine.scan("a.yaml", line)
        assert "Secret Keyword" in {h.type for h in found}


def test_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets_module, "_CACHED_LINES", 5)
    monkeypatch.setattr(secrets_module, "_CACHED_YAML_CHARS", 300)
    texts = corpus(99, 200)
    paths = sorted(texts)
    with secrets_module._detect_secrets() as engine:
        plain = scan_all(plain_engine(), texts, paths)
        engine._nothing.clear()
        engine._yaml.clear()
        engine._yaml_chars = 0
        for _ in range(2):
            assert scan_all(engine, texts, paths) == plain
            assert len(engine._nothing) <= 5
            assert sum(map(len, engine._yaml)) == engine._yaml_chars <= 300
    # long lines are not remembered
    with secrets_module._detect_secrets() as engine:
        engine._nothing.clear()
        long = "api_version = " + "x" * 400 + "\n"
        assert engine.scan("a.py", long) == [] and not engine._nothing


def test_cache_is_off_for_a_plugin_with_its_own_analyze_line() -> None:
    from detect_secrets.plugins.base import RegexBasedDetector

    class Stateful(RegexBasedDetector):
        secret_type = "stateful"
        denylist = (re.compile("x"),)

        def analyze_line(self, *args: Any, **kwargs: Any) -> Any:
            return super().analyze_line(*args, **kwargs)

    with secrets_module._detect_secrets() as engine:
        plugins = engine._plugins
        pure_lines, pure_strings = secrets_module._pure_analyzers()
        assert all(type(p).analyze_line in pure_lines for p in plugins)
        assert Stateful.analyze_line not in pure_lines
        assert Stateful.analyze_string in pure_strings  # inherited


# --- candidates --------------------------------------------------------------------

ALL_LITERALS = sorted(secrets_module._ALL_LITERALS)
ALL_PATTERNS = [re.compile(p) for _, pats in secrets_module._PLUGIN_NEEDS.values() for p in pats]


def plain_has_candidate(text: str) -> bool:
    low = text.lower()
    return any(lit in low for lit in ALL_LITERALS) or any(p.search(text) for p in ALL_PATTERNS)


FRAGMENTS = (
    *ALL_LITERALS,
    *(lit.upper() for lit in ALL_LITERALS),
    "Key",
    "PaSs",
    "İ",  # lower-casing makes two characters of it
    "K",  # the Kelvin sign: lower-cases to "k"
    "ke",
    "y",
    "ak",
    "ia",
    "http://",
    "user:pw@",
    "https://u:p@host",
    "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx",
    "Nzk5MjgxNjQ5NjQyMDM2MzY2.",
    "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",  # a Discord shape
    "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",  # a Telegram shape
    "AP6xxxxxxxxxx",  # Artifactory
    "abcDEF",
    ".XyZ123.",
    "12345678",
    "1234567890:",
    "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
    "AC",
    "SK",
    "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
    "SG.",
    "abcdefghij_klmnopqrstu",
    "APB",
    "AP1abcdefgh",
    "-us1",
    " ",
    "\n",
    "=",
    ":",
    '"',
    "xyz",
)


def texts_of(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 14)))


def test_has_candidate_equals_its_plain_definition() -> None:
    texts = list(texts_of(1, 20000))
    assert any(has_candidate(t) for t in texts) and not all(has_candidate(t) for t in texts)
    for text in texts:
        assert has_candidate(text) == plain_has_candidate(text), repr(text)


def test_candidate_lines_equal_line_by_line() -> None:
    rng = random.Random(2)
    pool = list(texts_of(3, 4000))
    for _ in range(2000):
        # lines may hold "\n" themselves (a transformed YAML value over several lines)
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 10))]
        expected = [n for n, line in enumerate(lines, 1) if plain_has_candidate(line)]
        assert candidate_lines(lines) == expected, lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("akiAKI yeKp:/@.\n_-0123456789SGxX"), max_size=40)))
def test_candidate_lines_on_generated_lines(lines: list[str]) -> None:
    expected = [n for n, line in enumerate(lines, 1) if plain_has_candidate(line)]
    assert candidate_lines(lines) == expected


def test_applicable_equals_its_plain_definition() -> None:
    with secrets_module._detect_secrets() as engine:
        plugins = engine._plugins
    for text in texts_of(4, 5000):
        line = text.replace("\n", " ")
        low = line.lower()
        names = secrets_module._without_values(low)
        expected = []
        for plugin in plugins:
            kind = type(plugin).__name__
            needs = secrets_module._PLUGIN_NEEDS.get(kind)
            if needs is None:
                expected.append(plugin)
                continue
            literals, patterns = needs
            seen = names if kind in secrets_module._NAMED_PLUGINS else low
            if any(lit in seen for lit in literals) or any(re.search(p, line) for p in patterns):
                expected.append(plugin)
        assert list(secrets_module._applicable(plugins, line)) == expected


def test_file_name_filter_equals_detect_secrets() -> None:
    names = [
        "package-lock.json",
        "web/yarn.lock",
        "Cargo.lock",
        "poetry.lock",
        "docs/swagger-ui.html",
        "api/swagger/v1.yaml",
        "img/logo.png",
        "fonts/a.woff2",
        "static/site.css",
        "src/main.py",
        "config.yaml",
        ".env",
        "Dockerfile",
        "README.md",
        "a.lock.json",
    ]
    with secrets_module._detect_secrets() as engine:
        assert engine._name_filters is not None
        scan = engine._scan
        for name in names:
            expected = scan._is_filtered_out(required_filter_parameters=["filename"], filename=name)
            assert engine._file_filtered(name) == bool(expected), name
        assert engine._file_filtered("img/logo.png") and not engine._file_filtered("src/main.py")


def plain_needs_header(content: str) -> bool:
    for line in content.split("\n"):
        value = line.strip()
        if value and not value.startswith(("#", ";")):
            return not value.startswith("[")
    return True


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("\n \t\x0b\x85#;[]a=\u2028"), max_size=30))
def test_ini_needs_header_equals_the_line_by_line_test(content: str) -> None:
    assert secrets_module.ini_needs_header(content) == plain_needs_header(content)


def test_transformer_tests_equal_should_parse_file() -> None:
    names = [*NAMES, "a.yaml.example", "x/.yml", "a.eyaml", "a.cfg", "a.YAML", "noext", ".a.yml"]
    with secrets_module._detect_secrets() as engine:
        assert all(test is not None for _, test in engine._transformer_tests)
        for transformer, test in engine._transformer_tests:
            assert test is not None
            for name in names:
                expected = transformer.should_parse_file(name)
                assert test(engine._file_type(name)) == expected, (transformer, name)


def test_file_type_per_extension_equals_detect_secrets() -> None:
    from detect_secrets.util.filetype import determine_file_type

    names = [*NAMES, "a.yaml.example", ".yml", "x/.env.yaml", "a.b/c", "a.", "a..py", "A.PY"]
    names += ["dir.yaml/file", "a.tf", "b.tf", "x/y/z.cnf", "Makefile", "a.m", "a.pyi"]
    with secrets_module._detect_secrets() as engine:
        for _ in range(2):  # computed, then remembered
            for name in names:
                assert engine._file_type(name) == determine_file_type(name), name
