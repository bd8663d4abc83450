"""Secret scan: detect-secrets as a library on candidate lines; values never kept."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from rung.collect import secrets as secrets_module
from rung.collect.facts import SecretHit
from rung.collect.secrets import scan_repository_secrets, scan_secrets, secrets_under

# Fake credentials written for these tests (random characters, valid shapes).
AWS_KEY = "AKIAZ7QF4LM2XK9PWD3R"
GITHUB = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
PASSWORD = "Zx8Kq2vLz9Rt4mWp7YcB3nQhT6jV1sD5fG0aE2u"
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEpAIBAAKCAQEAv2abcXk9PqLm3ZrT5yW8uE1oN4jH7gF2dS6aQ0pR9tYvB3nC\n"
    "-----END RSA PRIVATE KEY-----\n"
)
VALUES = (
    AWS_KEY,
    GITHUB,
    PASSWORD,
    "MIIEpAIBAAKCAQEAv2abcXk9PqLm3ZrT5yW8uE1oN4jH7gF2dS6aQ0pR9tYvB3nC",
)

TEXTS = {
    "svc/config.env": f"# settings\nAWS_ACCESS_KEY_ID={AWS_KEY}\nREGION=eu-west-1\n",
    "svc/deploy/id_rsa": PRIVATE_KEY,
    "svc/app/client.py": f'import os\n\n\nTOKEN = "{GITHUB}"\n',
    "other/settings.py": f'DEBUG = True\npassword = "{PASSWORD}"\n',
    "other/clean.py": "def add(x: int, y: int) -> int:\n    return x + y\n",
}


def types_at(hits: dict[str, list[SecretHit]], path: str) -> set[tuple[int, str]]:
    return {(h.line, h.type) for h in hits.get(path, [])}


def test_finds_each_kind_with_path_line_and_type() -> None:
    hits, errors = scan_repository_secrets(TEXTS, sorted(TEXTS))
    assert errors == {}
    assert types_at(hits, "svc/config.env") == {(2, "AWS Access Key")}
    assert types_at(hits, "svc/deploy/id_rsa") == {(1, "Private Key")}
    # TOKEN is a secret-like name: the high-entropy plugin sees the line too
    assert types_at(hits, "svc/app/client.py") == {
        (4, "GitHub Token"),
        (4, "Base64 High Entropy String"),
    }
    assert types_at(hits, "other/settings.py") == {
        (2, "Secret Keyword"),
        (2, "Base64 High Entropy String"),
    }
    assert "other/clean.py" not in hits


def test_values_never_appear_in_results() -> None:
    hits, errors = scan_repository_secrets(TEXTS, sorted(TEXTS))
    flat = [h for found in hits.values() for h in found]
    dumped = repr(hits) + json.dumps([dataclasses.asdict(h) for h in flat]) + repr(errors)
    for value in VALUES:
        assert value not in dumped
        assert hashlib.sha1(value.encode()).hexdigest() not in dumped
    assert all(set(dataclasses.asdict(h)) == {"path", "line", "type"} for h in flat)


def test_per_service_filter_and_single_service_api() -> None:
    hits, errors = scan_repository_secrets(TEXTS, sorted(TEXTS))
    svc, err = secrets_under("svc", hits, errors)
    assert sorted({h.path for h in svc}) == [
        "svc/app/client.py",
        "svc/config.env",
        "svc/deploy/id_rsa",
    ]
    assert err is None
    found, err = scan_secrets("/nonexistent", TEXTS, ["other/settings.py", "other/clean.py"])
    assert {h.path for h in found} == {"other/settings.py"} and err is None


def test_only_files_given_and_with_text_are_scanned() -> None:
    hits, _ = scan_repository_secrets(TEXTS, ["other/clean.py", "missing.bin"])
    assert hits == {}


def test_skips_lock_files_minified_bundles_and_non_text_extensions() -> None:
    line = f'{{"password": "{PASSWORD}"}}\n'
    texts = {
        "package-lock.json": line,
        "poetry.lock": line,
        "static/app.min.js": line,
        "static/site.css": line,
        "config.json": line,
    }
    hits, _ = scan_repository_secrets(texts, sorted(texts))
    assert sorted(hits) == ["config.json"]


def test_yaml_unquoted_value_and_dotenv_are_found() -> None:
    texts = {
        "k8s/secret.yaml": f"kind: Secret\nstringData:\n  db_password: {PASSWORD}\n",
        ".env": f"DB_PASSWORD={PASSWORD}\n",
    }
    hits, _ = scan_repository_secrets(texts, sorted(texts))
    assert (3, "Secret Keyword") in types_at(hits, "k8s/secret.yaml")
    assert (1, "Secret Keyword") in types_at(hits, ".env")


def test_allowlist_pragma_is_respected() -> None:
    texts = {"a.py": f'password = "{PASSWORD}"  # pragma: allowlist secret\n'}
    assert scan_repository_secrets(texts, ["a.py"])[0] == {}


def test_public_ip_is_not_a_secret() -> None:
    texts = {"hosts.py": 'SERVER = "8.8.8.8"\n'}
    assert scan_repository_secrets(texts, ["hosts.py"])[0] == {}


def test_large_ordinary_file() -> None:
    body = "".join(
        f"def handler_{i}(request, key_{i}=None):\n    return api.get(request.path, {i})\n"
        for i in range(2500)
    )
    texts = {"big.py": body + f'\nsecret = "{PASSWORD}"\n'}
    hits, errors = scan_repository_secrets(texts, ["big.py"])
    assert errors == {}
    assert {h.line for h in hits["big.py"]} == {5002}


def test_a_failing_file_is_recorded_without_content_and_others_continue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = secrets_module._Engine.scan

    def scan(self: secrets_module._Engine, path: str, text: str) -> list[SecretHit]:
        if path == "other/settings.py":
            raise ValueError(f"cannot parse {text}")
        return original(self, path, text)

    monkeypatch.setattr(secrets_module._Engine, "scan", scan)
    hits, errors = scan_repository_secrets(TEXTS, sorted(TEXTS))
    assert errors == {"other/settings.py": "ValueError in detect-secrets"}
    assert "svc/config.env" in hits
    _, err = scan_secrets(".", TEXTS, sorted(TEXTS))
    assert err is not None and "other/settings.py" in err and PASSWORD not in err


def test_same_findings_as_plain_detect_secrets(tmp_path: Path) -> None:
    """On files of every kind, the candidate-line scan finds what detect-secrets finds
    (public IPs aside) at the same (path, type)."""
    texts = {
        **TEXTS,
        "web/.npmrc": "//registry.npmjs.org/:_authToken=npm_" + "a" * 36 + "\n",
        "web/slack.js": "const hook = 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/"
        "abcdefghijklmnopqrstuvwx';\n",
        "web/db.js": "const url = 'postgres://admin:s3cr3tPass@db.internal:5432/app';\n",
        "web/jwt.ts": "const t = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcDEF123';\n",
        "web/stripe.rb": "Stripe.api_key = 'sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc'\n",
        "web/twilio.py": "sid = 'AC" + "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'\n",
        "web/app.properties": f"db.password={PASSWORD}\n",
        "web/settings.ini": f"[db]\npassword = {PASSWORD}\n",
        "web/Main.java": f'String apiKey = "{PASSWORD}";\n',
        "web/main.go": f'apiKey := "{PASSWORD}"\n',
        "web/hosts.txt": "server 203.0.113.7\n",
    }
    for rel, text in texts.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with default_settings():
            sc = SecretsCollection(root=str(tmp_path))
            for rel in sorted(texts):
                sc.scan_file(rel)
            plain = {(f, s.type) for f, found in sc.data.items() for s in found}
    finally:
        os.chdir(cwd)
    hits, _ = scan_repository_secrets(texts, sorted(texts))
    ours = {(h.path, h.type) for found in hits.values() for h in found}
    # documented differences: public IPs are no secrets; a high-entropy string on a
    # line with no secret-like name (`sid = '...'`) is not a finding
    assert plain - ours == {("web/twilio.py", "Hex High Entropy String")}
    assert ours - plain == set()
    assert len(ours) >= 15


def test_collector_scans_each_file_once_and_splits_per_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from gitrepo import make_repo
    from rung.catalog.entity import Service
    from rung.collect.collector import collect_repository

    repo = make_repo(tmp_path / "mono", TEXTS)
    scanned: list[str] = []
    original = secrets_module._Engine.scan

    def counting(self: secrets_module._Engine, path: str, text: str) -> list[SecretHit]:
        scanned.append(path)
        return original(self, path, text)

    monkeypatch.setattr(secrets_module._Engine, "scan", counting)
    services = [
        Service(name=n, repo_path=str(repo.path), repo_name="mono", root=r)
        for n, r in (("whole", "."), ("svc", "svc"), ("other", "other"))
    ]
    whole, svc, other = collect_repository(
        str(repo.path), services, datetime(2026, 1, 1, tzinfo=UTC), live=False
    )
    assert sorted(scanned) == sorted(set(scanned))  # each file at most once
    assert {h.path for h in svc.secrets} == {
        "svc/app/client.py",
        "svc/config.env",
        "svc/deploy/id_rsa",
    }
    assert {h.path for h in other.secrets} == {"other/settings.py"}
    assert len(whole.secrets) == len(svc.secrets) + len(other.secrets)
    assert whole.secret_scan_error is None
    assert svc.sizes["svc/config.env"] == len(TEXTS["svc/config.env"])


# Texts on which the ini transformers' outcome is decided early or late: a bogus line
# first / last / indented (a continuation line), comments, a late `[section]`, CRLF,
# `%` interpolation, duplicate options, an empty file, YAML, code.
INI_CASES = {
    "code": f'import os\n\nTOKEN = "{GITHUB}"\nprint(TOKEN)\n',
    "bogus-last": f"password = {PASSWORD}\n}}\n",
    "bogus-indented": f"a = 1\n    }}\npassword = {PASSWORD}\n",
    "bogus-comment": f"# }}\n; {{\npassword = {PASSWORD}\n",
    "env": f"AWS_ACCESS_KEY_ID={AWS_KEY}\n\n# comment\nREGION: eu-west-1\n",
    "section": f"# head\n\n[db]\npassword = {PASSWORD}\n",
    "section-late": f"a = 1\n[db]\npassword = {PASSWORD}\n",
    "section-crlf": f"\r\n[db]\r\npassword = {PASSWORD}\r\n  more\r\n",
    "section-cr": f"[db]\rpassword = {PASSWORD}\r",
    "bracket": f"[\npassword = {PASSWORD}\n",
    "percent": f"[db]\npassword = {PASSWORD}%(x)s\n",
    "duplicate": f"[db]\npassword = {PASSWORD}\npassword = x\n",
    "empty": "",
    "comments-only": "# password\n; secret\n",
    "yaml": f"db:\n  password: {PASSWORD}\n  list:\n    - a\n",
    "ini-bogus": f"[db]\npassword = {PASSWORD}\nnot an option\n",
}


@pytest.mark.parametrize("case", sorted(INI_CASES))
@pytest.mark.parametrize("name", ["f.unknown", "f.yaml", "f.py", "f.ini"])
@pytest.mark.parametrize("eager", [False, True])
def test_transformers_skipped_only_when_they_would_fail(case: str, name: str, eager: bool) -> None:
    """The engine's transformer step gives what detect-secrets' get_transformed_file
    gives, and a transformer it skips is one that fails on the text."""
    import io

    from detect_secrets.transformers import get_transformed_file, get_transformers

    text = INI_CASES[case]
    handle = io.StringIO(text, newline=None)
    handle.name = name
    expected = get_transformed_file(handle, use_eager_transformers=eager)  # type: ignore[arg-type]
    with secrets_module._detect_secrets() as engine:
        assert engine._transformed(name, text, eager=eager) == expected
    content = io.StringIO(text, newline=None).read()
    transformers: list[Any] = list(get_transformers())
    for transformer in transformers:
        test = secrets_module._FAILS_FOR_CERTAIN.get(type(transformer).__name__)
        if test is not None and test(content):
            handle = io.StringIO(text, newline=None)
            handle.name = name
            with pytest.raises(ValueError):  # detect-secrets' ParsingError
                transformer.parse_file(handle)


def test_fail_tests_decide_the_expected_cases() -> None:
    content = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in INI_CASES.items()}
    cannot = {k for k, v in content.items() if secrets_module.ini_cannot_parse(v)}
    assert cannot == {"code", "bogus-last", "ini-bogus"}
    header = {k for k, v in content.items() if secrets_module.ini_needs_header(v)}
    starts_with_section = {"section", "section-crlf", "section-cr", "bracket", "percent"}
    starts_with_section |= {"duplicate", "ini-bogus"}
    assert header == set(INI_CASES) - starts_with_section


def test_engine_is_kept_and_set_up_again_when_settings_change() -> None:
    with secrets_module._detect_secrets() as first:
        pass
    with secrets_module._detect_secrets() as again:
        assert again is first  # set up once per process
    with default_settings():  # someone else in the process uses detect-secrets
        pass
    with secrets_module._detect_secrets() as engine:
        kinds = {type(p).__name__ for p in engine._plugins}
    assert "IPPublicDetector" not in kinds and "AWSKeyDetector" in kinds
    hits, errors = scan_repository_secrets(TEXTS, sorted(TEXTS))
    assert errors == {} and types_at(hits, "svc/config.env") == {(2, "AWS Access Key")}
