"""data.migrations: versioned database migrations, when the service uses a database.

Migration files are recognised by their place and name (Alembic, Django, Flyway,
Liquibase, Rails, golang-migrate, Prisma, Ecto, Doctrine/Laravel/Phinx, Diesel, numbered
SQL folders) or, where the name alone is ambiguous, by their content (goose annotations,
Knex/Sequelize/TypeORM/migrate-mongo modules, EF Core `: Migration` classes).
Migrations are themselves evidence of a database: a service with migrations passes even
when no database dependency is detected.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

from rung.checks.base import Evidence, Finding, check, failed, not_applicable, passed
from rung.checks.builtin.depmatch import first, matching, names
from rung.collect.facts import ServiceFacts
from rung.collect.pathindex import holding

# (tool, pattern over the lower-cased repo-relative path)
MIGRATION_PATHS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (tool, re.compile(pattern))
    for tool, pattern in (
        ("Alembic", r"(?:^|/)alembic\.ini$"),
        ("Alembic", r"(?:^|/)(?:alembic|migrations)/versions/[^/]+\.py$"),
        ("Django", r"(?:^|/)migrations/\d{4}_[^/]+\.py$"),
        ("Flyway", r"(?:^|/)db/migration/(?:[^/]+/)*(?:v\d[\w.]*|r)__[^/]+\.(?:sql|java|kt)$"),
        ("Flyway", r"(?:^|/)flyway\.(?:conf|toml)$"),
        (
            "Liquibase",
            r"(?:^|/)(?:db\.changelog[^/]*|changelog-master[^/]*)\.(?:xml|ya?ml|json|sql)$",
        ),
        ("Liquibase", r"(?:^|/)db/changelog/(?:[^/]+/)*[^/]+\.(?:xml|ya?ml|json|sql)$"),
        ("Rails", r"(?:^|/)db/migrate/\d+_[^/]+\.rb$"),
        ("golang-migrate", r"(?:^|/)[^/]+\.(?:up|down)\.sql$"),
        ("Prisma", r"(?:^|/)migrations/[^/]+/migration\.sql$"),
        ("Ecto", r"(?:^|/)priv/repo/migrations/[^/]+\.exs$"),
        ("Doctrine", r"(?:^|/)(?:doctrinemigrations|migrations)/version\w*\.php$"),
        ("Laravel", r"(?:^|/)database/migrations/[^/]+\.php$"),
        ("Phinx", r"(?:^|/)db/migrations/\d+_[^/]+\.php$"),
        ("Diesel", r"(?:^|/)migrations/[^/]+/up\.sql$"),
        ("SQL migrations", r"(?:^|/)(?:db/)?migrations?/(?:[^/]+/)*v?\d+[_.-][^/]*\.sql$"),
    )
)
# (tool, path pattern, content pattern): names that need their content to tell.
_JS_MIGRATION = re.compile(
    r"queryInterface|MigrationInterface|knex\.schema|exports\.up\b|async up\s*\("
    r"|\bup\s*:\s*(?:async\s*)?(?:function|\()"
)
# The last item is a literal any match of the content pattern holds.
MIGRATION_CONTENT: tuple[tuple[str, re.Pattern[str], re.Pattern[str], str], ...] = (
    (
        "goose",
        re.compile(r"\.(?:sql|go)$"),
        re.compile(r"\+goose Up|goose\.AddMigration"),
        "goose",
    ),
    (
        "Knex/Sequelize/TypeORM",
        re.compile(r"(?:^|/)migrations?/(?:[^/]+/)*[^/]+\.(?:[cm]?js|[cm]?ts)$"),
        _JS_MIGRATION,
        "",
    ),
    (
        "EF Core",
        re.compile(r"(?:^|/)migrations/[^/]+\.cs$"),
        re.compile(r":\s*Migration\b"),
        "Migration",
    ),
)

# Fallback until rung.collect.stack offers has_database_dependency: SQL and document
# databases and the ORMs/migration tools that imply one. Caches (Redis, Memcached),
# brokers and search engines are not databases that take versioned migrations.
_JVM = "maven|gradle"
DATABASE_LIBS = names(
    "pypi psycopg2(?:-binary)?|psycopg(?:-binary)?|asyncpg|sqlalchemy|flask-sqlalchemy|sqlmodel"
    "|django|alembic|peewee|tortoise-orm|pony|databases|aiomysql|aiopg|aiosqlite|pymysql"
    "|mysqlclient|mysql-connector-python|cx-oracle|oracledb|pyodbc|pymssql|pymongo|motor"
    "|mongoengine|beanie|odmantic|cassandra-driver",
    "npm pg|pg-promise|postgres|mysql2?|sqlite3|better-sqlite3|mssql|tedious|oracledb|mongodb"
    "|mongoose|sequelize|typeorm|prisma|@prisma/client|knex|objection|@mikro-orm/.+"
    "|drizzle-orm|kysely",
    r"go github\.com/lib/pq|github\.com/jackc/pgx(?:/v\d+)?|github\.com/go-sql-driver/mysql"
    r"|gorm\.io/.+|github\.com/jinzhu/gorm|github\.com/jmoiron/sqlx|go\.mongodb\.org/mongo-driver"
    r"|github\.com/mattn/go-sqlite3|modernc\.org/sqlite|entgo\.io/ent"
    r"|github\.com/golang-migrate/migrate(?:/v\d+)?|github\.com/pressly/goose(?:/v\d+)?"
    r"|github\.com/uptrace/bun|github\.com/gocql/gocql"
    r"|github\.com/(?:denisenkom|microsoft)/go-mssqldb"
    r"|gopkg\.in/mgo\.v2|github\.com/globalsign/mgo",
    rf"{_JVM} org\.springframework\.boot:spring-boot-starter-"
    r"(?:data-(?:jpa|jdbc|mongodb|cassandra|r2dbc|neo4j)|jdbc)"
    r"|org\.hibernate.*:hibernate-core|org\.postgresql:.+|mysql:mysql-connector-java"
    r"|com\.mysql:mysql-connector-j|org\.mariadb\.jdbc:.+|com\.h2database:h2|org\.flywaydb:.+"
    r"|org\.liquibase:.+|org\.mongodb:.+|com\.oracle\.database\.jdbc:.+|com\.microsoft\.sqlserver:.+"
    r"|org\.jooq:.+|org\.mybatis.*:.+|org\.xerial:sqlite-jdbc|io\.r2dbc:.+|com\.datastax\.oss:.+"
    r"|(?:jakarta|javax)\.persistence:.+|org\.hsqldb:.+",
    r"nuget microsoft\.entityframeworkcore.*|npgsql.*|dapper|mysql\.data|mysqlconnector"
    r"|pomelo\.entityframeworkcore\..+|(?:microsoft|system)\.data\.sqlclient|mongodb\.driver"
    r"|microsoft\.data\.sqlite|oracle\.manageddataaccess.*|fluentmigrator.*|dbup.*",
    "rubygems pg|mysql2|sqlite3|activerecord|rails|sequel|mongoid|rom-sql",
    "composer doctrine/(?:orm|dbal|doctrine-bundle|migrations|doctrine-migrations-bundle)"
    "|illuminate/database|laravel/framework|robmorgan/phinx|mongodb/mongodb",
    "cargo diesel|sqlx|sea-orm|tokio-postgres|postgres|mysql|mysql_async|rusqlite|mongodb"
    "|refinery|tiberius",
    "hex ecto|ecto_sql|postgrex|myxql|mongodb_driver|exqlite|ecto_sqlite3",
)


def _fallback_has_database_dependency(facts: ServiceFacts) -> bool:
    return bool(matching(facts, DATABASE_LIBS))


def has_database(facts: ServiceFacts) -> bool:
    try:
        stack = importlib.import_module("rung.collect.stack")
    except ImportError:
        return _fallback_has_database_dependency(facts)
    func = getattr(stack, "has_database_dependency", None)
    if func is None:
        return _fallback_has_database_dependency(facts)
    return bool(func(facts))


_PATH_PREFILTER = re.compile(r"migrat|changelog|alembic|flyway|\.sql$")
# Paths a migration pattern may match: the literals of `_PATH_PREFILTER`, and outside a
# migrations folder SQL files and the Go files whose text holds goose's literal.
_CANDIDATE_NEEDLES = ("migrat", "changelog", "alembic", "flyway")
_SQL = frozenset({"sql"})
_GO = frozenset({"go"})


def _migration_files(facts: ServiceFacts) -> Iterator[Evidence]:
    seen: set[str] = set()  # one evidence per tool
    index = facts.file_index
    goose = holding(facts.texts, index.select(_GO), ("goose",))
    for p in index.ordered(index.select(_SQL, needles=_CANDIDATE_NEEDLES), goose):
        low = p.lower()
        named = _PATH_PREFILTER.search(low) is not None
        for tool, pattern in MIGRATION_PATHS if named else ():
            if tool not in seen and pattern.search(low):
                seen.add(tool)
                yield Evidence(p, None, f"{tool} migration")
        for tool, path_pattern, content, literal in MIGRATION_CONTENT:
            text = facts.texts.get(p) if tool not in seen and path_pattern.search(low) else None
            m = content.search(text) if text and literal in text else None
            if text and m:
                seen.add(tool)
                yield Evidence(p, text.count("\n", 0, m.start()) + 1, f"{tool} migration")


@check("data.migrations", "Database schema changes are versioned migrations")
def migrations(facts: ServiceFacts) -> Finding:
    ev = first(_migration_files(facts))
    if ev:
        return passed("data.migrations", "versioned migrations", *ev)
    if not has_database(facts):
        return not_applicable("data.migrations", "no database dependency")
    return failed("data.migrations", "uses a database but has no versioned migrations")


MIGRATIONS = migrations
