"""Store pieces that need no database server: URLs, encodings, migrations, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from rung.catalog.entity import Link, Service, ServiceSource
from rung.collect import gitblob
from rung.collect.facts import GitFacts
from rung.errors import StorageError
from rung.store import codec
from rung.store.url import default_url, masked, normalise, sqlite_path
from storekit import build_portfolio, rung, scan_args, write_model


def test_urls() -> None:
    assert default_url(Path("/w")) == "sqlite:////w/.rung/rung.db"
    assert sqlite_path("sqlite:////w/.rung/rung.db") == Path("/w/.rung/rung.db")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql+psycopg://h/db") is None
    assert normalise("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert masked("postgresql+psycopg://ann:s3cr3t@db:5432/rung") == (
        "postgresql+psycopg://ann:***@db:5432/rung"
    )
    assert (
        masked("failed for postgresql://u:p%40ss@h/d here")
        == "failed for postgresql://u:***@h/d here"
    )
    assert masked("sqlite:////a/b.db") == "sqlite:////a/b.db"


def test_a_connection_error_never_shows_the_password() -> None:
    from rung.store.api import Store

    with pytest.raises(StorageError) as err:
        Store.open("postgresql+psycopg://ann:hunter2secret@127.0.0.1:1/rung")
    assert "hunter2secret" not in str(err.value)
    assert "ann:***@127.0.0.1:1/rung" in str(err.value)


def test_git_history_encoding_is_exact_and_compact() -> None:
    commits = tuple((1_700_000_000 - i * 3600, f"dev{i % 7}@example.com") for i in range(5000))
    git = GitFacts(available=True, head="a" * 40, commits=commits, tags=("v1", "v2"))
    blob = gitblob.git_to_blob(git)
    assert blob is not None and len(blob) < 5000 * 2
    assert gitblob.git_from_blob(blob) == git
    empty = GitFacts(available=False, reason="not a git repository")
    assert gitblob.git_from_blob(gitblob.git_to_blob(empty)) == empty
    assert gitblob.git_from_blob(gitblob.git_to_blob(None)) is None


def test_service_encoding_is_exact() -> None:
    svc = Service(
        name="carts",
        repo_path="/r/carts",
        repo_name="carts",
        root="svc/carts",
        repo_url="https://git.example.com/shop/carts.git",
        source=ServiceSource.CENTRAL,
        owner="team-checkout",
        critical_path=True,
        required_level_pin=3,
        required_level_reason="PCI scope",
        annotations={"rung.dev/critical-path": "true"},
        labels={"tier": "1"},
        tags=("java",),
        links=(Link("https://runbook", "Runbook", "runbook"),),
        depends_on=("component:orders",),
        descriptor={"kind": "Component", "metadata": {"name": "carts", "tags": ["java"]}},
    )
    assert codec.service_from_json(codec.service_to_json(svc)) == svc


def test_migration_scripts_match_the_known_revisions() -> None:
    from rung.store.migrate import REVISIONS, script_revisions

    assert tuple(script_revisions()) == REVISIONS


def test_the_schema_is_what_the_migrations_build(tmp_path: Path) -> None:
    """No model change without a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from rung.store.api import Store
    from rung.store.migrate import VERSION_TABLE
    from rung.store.schema import Base

    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store.open(url).close()
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_reading_commands_never_create_a_database(tmp_path: Path) -> None:
    code, _, err = rung("report", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no database at" in err
    assert not (tmp_path / "none.db").exists()


def test_scan_uses_the_workspace_database_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_portfolio(tmp_path)
    write_model(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RUNG_DATABASE_URL")
    args = scan_args(tmp_path, "unused")[:-2]  # without --db
    code, _, err = rung(*args)
    assert code == 0, err
    assert (tmp_path / ".rung" / "rung.db").exists()
    code, out, _ = rung("snapshots", "--format", "json")
    assert code == 0 and '"id": 1' in out
    code, _, _ = rung(*args, "--no-store")
    assert code == 0
    code, out, _ = rung("db", "status")
    assert "snapshots: 1" in out


def test_the_environment_names_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_portfolio(tmp_path)
    write_model(tmp_path)
    monkeypatch.setenv("RUNG_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    code, _, err = rung(*scan_args(tmp_path, "unused")[:-2])
    assert code == 0, err
    assert (tmp_path / "env.db").exists()


def test_credentials_in_catalog_urls_are_never_stored() -> None:
    from rung.store.url import strip_credentials

    assert strip_credentials("https://bob:tok3n@git.example.com/x.git") == (
        "https://bob:***@git.example.com/x.git"
    )
    assert strip_credentials("see https://ghp_abc123@github.com/o/r") == (
        "see https://***@github.com/o/r"
    )
    assert strip_credentials("git@github.com:o/r.git") == "git@github.com:o/r.git"
    assert strip_credentials("mail ann@example.com") == "mail ann@example.com"
    svc = Service(
        name="x",
        repo_path="/r/x",
        repo_name="x",
        annotations={"rung.dev/repository": "https://bob:tok3n@git.example.com/x.git"},
        descriptor={"metadata": {"links": [{"url": "https://ghp_abc123@github.com/o/r"}]}},
    )
    text = codec.service_to_json(svc)
    assert "tok3n" not in text and "ghp_abc123" not in text
