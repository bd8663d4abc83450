"""Tech stack facts of a service (checks.md "Tech stack"): pure functions of its facts.

- languages: bytes of tracked source files of the service by extension (vendored trees
  are already out of the index; minified bundles and generated protobuf code are left
  out too);
- frameworks: from direct dependencies (and an ASP.NET Core project SDK);
- datastores: from direct dependencies (client libraries) and from the service's config:
  container images in YAML files (compose, Kubernetes, CI service containers) and
  Dockerfiles, and Helm chart dependencies;
- infrastructure: where it runs, from manifests in the service's tree (and Kubernetes
  manifests elsewhere in the repository named after the service).
Rules are tables: (ecosystems, regex fully matching the lower-cased dependency name).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import yaml

from rung.collect.facts import Dependency, ServiceFacts

LANGUAGES: dict[str, str] = {
    ".py": "Python", ".pyi": "Python", ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin",
    ".scala": "Scala", ".sc": "Scala", ".groovy": "Groovy", ".clj": "Clojure",
    ".cljs": "Clojure", ".cljc": "Clojure", ".go": "Go", ".js": "JavaScript",
    ".mjs": "JavaScript", ".cjs": "JavaScript", ".jsx": "JavaScript", ".ts": "TypeScript",
    ".tsx": "TypeScript", ".mts": "TypeScript", ".cts": "TypeScript", ".rb": "Ruby",
    ".rake": "Ruby", ".php": "PHP", ".cs": "C#", ".fs": "F#", ".fsx": "F#",
    ".vb": "Visual Basic .NET", ".rs": "Rust", ".ex": "Elixir", ".exs": "Elixir",
    ".erl": "Erlang", ".hrl": "Erlang", ".swift": "Swift", ".m": "Objective-C",
    ".mm": "Objective-C++", ".c": "C", ".h": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++",
    ".hpp": "C++", ".hh": "C++", ".dart": "Dart", ".lua": "Lua", ".pl": "Perl", ".pm": "Perl",
    ".r": "R", ".jl": "Julia", ".hs": "Haskell", ".ml": "OCaml", ".mli": "OCaml",
    ".sh": "Shell", ".bash": "Shell", ".zsh": "Shell", ".ps1": "PowerShell", ".html": "HTML",
    ".htm": "HTML", ".css": "CSS", ".scss": "SCSS", ".sass": "Sass", ".less": "Less",
    ".vue": "Vue", ".svelte": "Svelte", ".elm": "Elm", ".zig": "Zig", ".cr": "Crystal",
}  # fmt: skip
GENERATED = re.compile(r"\.min\.[a-z]+$|_pb2(?:_grpc)?\.py$|\.pb(?:\.gw)?\.go$")

_JVM = "maven gradle"
_V = r"(?:/v\d+)?"  # Go major-version suffix
# (item, ecosystems, name regex)
FRAMEWORKS: tuple[tuple[str, str, str], ...] = (
    ("Django", "pypi", r"django"),
    ("Flask", "pypi", r"flask"),
    ("FastAPI", "pypi", r"fastapi"),
    ("Tornado", "pypi", r"tornado"),
    ("Pyramid", "pypi", r"pyramid"),
    ("Sanic", "pypi", r"sanic"),
    ("Spring Boot", _JVM, r"org\.springframework\.boot:.+"),
    ("Micronaut", _JVM, r"io\.micronaut[.\w]*:.+"),
    ("Quarkus", _JVM, r"io\.quarkus[.\w]*:.+"),
    ("Ktor", _JVM, r"io\.ktor:.+"),
    ("Dropwizard", _JVM, r"io\.dropwizard:.+"),
    ("Vert.x", _JVM, r"io\.vertx:vertx-web.*"),
    ("Helidon", _JVM, r"io\.helidon[.\w]*:.+"),
    ("Express", "npm", r"express"),
    ("NestJS", "npm", r"@nestjs/core"),
    ("Next.js", "npm", r"next"),
    ("React", "npm", r"react"),
    ("Angular", "npm", r"@angular/core"),
    ("Vue", "npm", r"vue"),
    ("Nuxt", "npm", r"nuxt"),
    ("Svelte", "npm", r"svelte"),
    ("Koa", "npm", r"koa"),
    ("Hapi", "npm", r"@hapi/hapi|hapi"),
    ("Fastify", "npm", r"fastify"),
    ("Rails", "rubygems", r"rails|railties"),
    ("Sinatra", "rubygems", r"sinatra"),
    ("Hanami", "rubygems", r"hanami"),
    ("Gin", "go", r"github\.com/gin-gonic/gin"),
    ("Echo", "go", rf"github\.com/labstack/echo{_V}"),
    ("Fiber", "go", rf"github\.com/gofiber/fiber{_V}"),
    ("Chi", "go", rf"github\.com/go-chi/chi{_V}"),
    ("Gorilla", "go", r"github\.com/gorilla/mux"),
    ("go-kit", "go", r"github\.com/go-kit/kit"),
    ("Laravel", "composer", r"laravel/framework|laravel/lumen-framework"),
    ("Symfony", "composer", r"symfony/framework-bundle|symfony/symfony"),
    ("Slim", "composer", r"slim/slim"),
    ("ASP.NET Core", "nuget", r"microsoft\.aspnetcore\..+"),
    ("Phoenix", "hex", r"phoenix"),
    ("Actix", "cargo", r"actix-web"),
    ("Axum", "cargo", r"axum"),
    ("Rocket", "cargo", r"rocket"),
    ("Warp", "cargo", r"warp"),
)

_SD = r"org\.springframework\.boot:spring-boot-starter-data-"
DATASTORES: tuple[tuple[str, str, str], ...] = (
    ("PostgreSQL", "pypi", r"psycopg2(?:-binary)?|psycopg(?:-binary)?|asyncpg|pg8000|aiopg"),
    ("PostgreSQL", "npm", r"pg|pg-promise|postgres"),
    ("PostgreSQL", "go", rf"github\.com/lib/pq|github\.com/jackc/pgx{_V}|gorm\.io/driver/postgres"),
    ("PostgreSQL", _JVM, r"org\.postgresql:.+|io\.r2dbc:r2dbc-postgresql"),
    ("PostgreSQL", "rubygems cargo hex", r"pg|tokio-postgres|postgres|postgrex"),
    ("PostgreSQL", "nuget", r"npgsql.*"),
    ("MySQL", "pypi", r"mysqlclient|mysql-connector(?:-python)?|pymysql|aiomysql"),
    ("MySQL", "npm rubygems cargo hex", r"mysql2?|mysql_async|myxql"),
    ("MySQL", "go", r"github\.com/go-sql-driver/mysql|gorm\.io/driver/mysql"),
    ("MySQL", _JVM, r"mysql:mysql-connector-java|com\.mysql:mysql-connector-j"),
    ("MySQL", "nuget", r"mysql\.data|mysqlconnector|pomelo\.entityframeworkcore\.mysql"),
    ("MariaDB", _JVM + " npm", r"org\.mariadb\.jdbc:.+|mariadb"),
    ("MongoDB", "pypi", r"pymongo|motor|mongoengine|beanie"),
    ("MongoDB", "npm", r"mongodb|mongoose"),
    ("MongoDB", "go", r"go\.mongodb\.org/mongo-driver|gopkg\.in/mgo\.v2"),
    ("MongoDB", _JVM, rf"org\.mongodb:.+|{_SD}mongodb(?:-reactive)?"),
    ("MongoDB", "rubygems cargo nuget hex", r"mongoid|mongo|mongodb(?:\.driver|_driver)?"),
    ("Redis", "pypi npm rubygems cargo", r"redis|aioredis|ioredis|redis-py-cluster"),
    ("Redis", "go", rf"github\.com/(?:go-)?redis/(?:go-)?redis{_V}|github\.com/gomodule/redigo"),
    ("Redis", _JVM, rf"redis\.clients:jedis|io\.lettuce:.+|org\.redisson:.+|{_SD}redis.*"),
    ("Redis", "nuget hex", r"stackexchange\.redis|redix"),
    ("Memcached", "pypi", r"pymemcache|python-memcached|pylibmc"),
    ("Memcached", "npm go rubygems", r"memcached|github\.com/bradfitz/gomemcache|dalli"),
    ("Memcached", _JVM, r"net\.spy:spymemcached"),
    ("Cassandra", "pypi npm rubygems", r"cassandra-driver"),
    ("Cassandra", "go", r"github\.com/gocql/gocql"),
    ("Cassandra", _JVM, rf"com\.datastax\.(?:oss|cassandra):.+|{_SD}cassandra.*"),
    ("Elasticsearch", "pypi rubygems", r"elasticsearch(?:-dsl)?"),
    ("Elasticsearch", "npm", r"@elastic/elasticsearch|elasticsearch"),
    (
        "Elasticsearch",
        "go",
        rf"github\.com/elastic/go-elasticsearch{_V}|"
        rf"github\.com/olivere/elastic{_V}",
    ),
    (
        "Elasticsearch",
        _JVM,
        rf"org\.elasticsearch\.client:.+|co\.elastic\.clients:.+|"
        rf"{_SD}elasticsearch",
    ),
    ("Elasticsearch", "nuget", r"nest|elastic\.clients\.elasticsearch"),
    ("OpenSearch", "pypi npm", r"opensearch-py|@opensearch-project/opensearch"),
    ("OpenSearch", _JVM, r"org\.opensearch\.client:.+"),
    ("DynamoDB", "pypi npm", r"pynamodb|@aws-sdk/(?:client|lib)-dynamodb|dynamoose"),
    ("DynamoDB", "go", r"github\.com/aws/aws-sdk-go-v2/service/dynamodb"),
    ("DynamoDB", _JVM, r"software\.amazon\.awssdk:dynamodb.*|com\.amazonaws:aws-java-sdk-dynamodb"),
    ("DynamoDB", "nuget cargo", r"awssdk\.dynamodbv2|aws-sdk-dynamodb"),
    ("Kafka", "pypi", r"kafka-python|confluent-kafka|aiokafka"),
    ("Kafka", "npm", r"kafkajs|node-rdkafka"),
    (
        "Kafka",
        "go",
        rf"github\.com/segmentio/kafka-go|"
        rf"github\.com/confluentinc/confluent-kafka-go{_V}|"
        rf"github\.com/(?:shopify|ibm)/sarama",
    ),
    ("Kafka", _JVM, r"org\.apache\.kafka:.+|org\.springframework\.kafka:.+"),
    (
        "Kafka",
        "rubygems cargo nuget hex",
        r"ruby-kafka|rdkafka|karafka|confluent\.kafka|brod|kafka_ex",
    ),
    ("RabbitMQ", "pypi npm", r"pika|aio-pika|amqplib|amqp-connection-manager"),
    ("RabbitMQ", "go", r"github\.com/streadway/amqp|github\.com/rabbitmq/amqp091-go"),
    (
        "RabbitMQ",
        _JVM,
        r"com\.rabbitmq:amqp-client|"
        r"org\.springframework\.boot:spring-boot-starter-amqp|"
        r"org\.springframework\.amqp:.+",
    ),
    ("RabbitMQ", "rubygems nuget cargo hex", r"bunny|rabbitmq\.client|lapin|amqp"),
    ("NATS", "pypi npm go", r"nats-py|nats|github\.com/nats-io/nats\.go"),
    ("SQLite", "pypi npm", r"aiosqlite|sqlite3|better-sqlite3"),
    ("SQLite", "go", r"github\.com/mattn/go-sqlite3|modernc\.org/sqlite"),
    ("SQLite", _JVM, r"org\.xerial:sqlite-jdbc"),
    (
        "SQLite",
        "rubygems cargo nuget hex",
        r"sqlite3|rusqlite|microsoft\.data\.sqlite|"
        r"microsoft\.entityframeworkcore\.sqlite|exqlite|ecto_sqlite3",
    ),
    ("Neo4j", "pypi npm", r"neo4j|neo4j-driver"),
    ("Neo4j", "go", rf"github\.com/neo4j/neo4j-go-driver{_V}"),
    ("Neo4j", _JVM, rf"org\.neo4j\.driver:.+|{_SD}neo4j"),
    ("SQL Server", "pypi npm", r"pymssql|mssql|tedious"),
    ("SQL Server", "go", r"github\.com/(?:denisenkom|microsoft)/go-mssqldb"),
    ("SQL Server", _JVM, r"com\.microsoft\.sqlserver:.+"),
    (
        "SQL Server",
        "nuget",
        r"(?:microsoft|system)\.data\.sqlclient|"
        r"microsoft\.entityframeworkcore\.sqlserver",
    ),
    ("Oracle", "pypi npm", r"cx-oracle|oracledb"),
    ("Oracle", _JVM, r"com\.oracle\.database\.jdbc:.+"),
    ("H2", _JVM, r"com\.h2database:h2"),
    (
        "ClickHouse",
        "pypi npm go",
        r"clickhouse-driver|clickhouse-connect|@clickhouse/client|"
        rf"github\.com/clickhouse/clickhouse-go{_V}",
    ),
)  # fmt: skip

# Datastore kinds: only databases take versioned schema migrations.
KINDS: dict[str, str] = {
    "Redis": "cache",
    "Memcached": "cache",
    "Kafka": "broker",
    "RabbitMQ": "broker",
    "NATS": "broker",
    "Elasticsearch": "search",
    "OpenSearch": "search",
}  # fmt: skip  (every other datastore is a database)

# ORMs, SQL toolkits and migration tools: a database dependency without naming the store.
DATABASE_LIBRARIES: tuple[tuple[str, str, str], ...] = (
    (
        "",
        "pypi",
        r"sqlalchemy|flask-sqlalchemy|sqlmodel|django|alembic|peewee|"
        r"tortoise-orm|pony|databases|pyodbc|yoyo-migrations",
    ),
    (
        "",
        "npm",
        r"sequelize|typeorm|prisma|@prisma/client|knex|objection|@mikro-orm/.+|"
        r"drizzle-orm|kysely|db-migrate|node-pg-migrate",
    ),
    (
        "",
        "go",
        rf"gorm\.io/gorm|github\.com/jinzhu/gorm|github\.com/jmoiron/sqlx|"
        rf"entgo\.io/ent|github\.com/golang-migrate/migrate{_V}|"
        rf"github\.com/pressly/goose{_V}|github\.com/uptrace/bun",
    ),
    (
        "",
        _JVM,
        r"org\.springframework\.boot:spring-boot-starter-(?:data-(?:jpa|jdbc|"
        r"r2dbc)|jdbc)|org\.hibernate.*:hibernate-core|org\.flywaydb:.+|"
        r"org\.liquibase:.+|org\.jooq:.+|org\.mybatis.*:.+|(?:jakarta|"
        r"javax)\.persistence:.+|org\.jetbrains\.exposed:.+",
    ),
    ("", "nuget", r"microsoft\.entityframeworkcore.*|dapper|fluentmigrator.*|dbup.*"),
    ("", "rubygems", r"activerecord|rails|sequel|rom-sql"),
    (
        "",
        "composer",
        r"doctrine/(?:orm|dbal|doctrine-bundle|migrations|"
        r"doctrine-migrations-bundle)|illuminate/database|laravel/framework|"
        r"robmorgan/phinx",
    ),
    ("", "cargo", r"diesel|sqlx|sea-orm|refinery"),
    ("", "hex", r"ecto_sql|ecto"),
)  # fmt: skip

# Container image (last path segment, no tag) -> datastore.
IMAGES: tuple[tuple[str, str], ...] = (
    ("PostgreSQL", r"postgres(?:ql)?|postgis|timescaledb(?:-ha)?|cockroach"),
    ("MySQL", r"mysql(?:-server)?|percona(?:-server)?"),
    ("MariaDB", r"mariadb"),
    ("MongoDB", r"mongo(?:db)?(?:-community-server)?"),
    ("Redis", r"redis(?:-stack)?|valkey"),
    ("Memcached", r"memcached"),
    ("Cassandra", r"cassandra|scylla"),
    ("Elasticsearch", r"elasticsearch"),
    ("OpenSearch", r"opensearch"),
    ("DynamoDB", r"dynamodb-local"),
    ("Kafka", r"kafka|cp-kafka|cp-server|redpanda"),
    ("RabbitMQ", r"rabbitmq"),
    ("NATS", r"nats(?:-streaming)?"),
    ("Neo4j", r"neo4j"),
    ("SQL Server", r"mssql(?:-server)?|mssql/server"),
    ("ClickHouse", r"clickhouse(?:-server)?"),
)

INFRASTRUCTURE: tuple[tuple[str, str], ...] = (  # (item, regex on the lower-cased path)
    ("Kubernetes", r"(?:^|/)(?:chart\.ya?ml|kustomization\.ya?ml)$"),
    ("Lambda/serverless", r"(?:^|/)(?:serverless\.(?:ya?ml|ts|js|json)|samconfig\.toml)$"),
    ("VM/Ansible", r"(?:^|/)(?:ansible\.cfg|playbooks?/[^/]+\.ya?ml|[^/]+\.pkr\.hcl)$"),
    ("Nomad", r"\.nomad(?:\.hcl)?$"),
    ("Terraform", r"\.tf$"),
)
# (item, path regex, content regex): manifests recognised by what they hold
INFRA_CONTENT: tuple[tuple[str, str, str], ...] = (
    (
        "Kubernetes",
        r"\.ya?ml$",
        r"(?m)^kind:\s*[\"']?(?:Deployment|StatefulSet|DaemonSet|CronJob|Job|"
        r"Rollout|Pod)\b",
    ),
    ("ECS", r"\.json$", r"\"containerDefinitions\"\s*:"),
    (
        "ECS",
        r"\.(?:ya?ml|json|tf)$",
        r"AWS::ECS::(?:TaskDefinition|Service)|"
        r"resource\s+\"aws_ecs_(?:task_definition|service)\"",
    ),
    (
        "Lambda/serverless",
        r"\.(?:ya?ml|json|tf)$",
        r"AWS::Serverless|AWS::Lambda::Function|"
        r"resource\s+\"aws_lambda_function\"",
    ),
    ("VM/Ansible", r"\.ya?ml$", r"(?m)^-\s+hosts:\s*\S(?:.*\n)+?\s+(?:tasks|roles):"),
)  # fmt: skip
K8S_NAME_SUFFIXES = ("", "-deployment", "-statefulset", "-rollout", "-service", "-deploy", "-dep")

_Rules = dict[str, list[tuple[re.Pattern[str], str]]]


def _compile(table: Iterable[tuple[str, str, str]]) -> _Rules:
    out: _Rules = {}
    for item, ecosystems, pattern in table:
        for eco in ecosystems.split():
            out.setdefault(eco, []).append((re.compile(pattern), item))
    return out


_FRAMEWORKS = _compile(FRAMEWORKS)
_DATASTORES = _compile(DATASTORES)
_DB_LIBRARIES = _compile(DATABASE_LIBRARIES)
_IMAGES = [(re.compile(p), item) for item, p in IMAGES]
_INFRA = [(item, re.compile(p)) for item, p in INFRASTRUCTURE]
# literals one of which every match of a content pattern holds
_INFRA_LITERALS = {
    c: lits
    for c, lits in zip(
        (c for _, _, c in INFRA_CONTENT),
        (
            ("kind:",),
            ('"containerDefinitions"',),
            ("AWS::ECS::", "aws_ecs_"),
            ("AWS::Serverless", "AWS::Lambda::Function", "aws_lambda_function"),
            ("hosts:",),
        ),
        strict=True,
    )
}
_INFRA_CONTENT = [
    (item, re.compile(p), re.compile(c), _INFRA_LITERALS[c]) for item, p, c in INFRA_CONTENT
]
_IMAGE_LINE = re.compile(r"(?m)^\s*-?\s*image:\s*[\"']?([^\s\"'#]+)")
_FROM_LINE = re.compile(r"(?im)^\s*FROM\s+(?:--platform=\S+\s+)?([^\s#]+)")
_ASPNET_SDK = re.compile(r"Sdk\s*=\s*\"Microsoft\.NET\.Sdk\.Web\"", re.IGNORECASE)


def matches(deps: Iterable[Dependency], rules: _Rules) -> set[str]:
    return {
        item
        for d in deps
        for pattern, item in rules.get(d.ecosystem, ())
        if pattern.fullmatch(d.name.lower())
    }


_TABLES: dict[str, _Rules] = {
    "frameworks": _FRAMEWORKS,
    "datastores": _DATASTORES,
    "db_libraries": _DB_LIBRARIES,
}


@lru_cache(maxsize=1 << 14)
def _items_of(table: str, ecosystem: str, name: str) -> tuple[str, ...]:
    low = name.lower()
    return tuple(
        item for pattern, item in _TABLES[table].get(ecosystem, ()) if pattern.fullmatch(low)
    )


def _matched(deps: Iterable[Dependency], table: str) -> set[str]:
    """`matches(deps, _TABLES[table])`, each (ecosystem, name) judged once."""
    return {item for d in deps for item in _items_of(table, d.ecosystem, d.name)}


# base-name extensions (without the dot) of the language table: candidates of `languages`
_LANGUAGE_EXTS = frozenset(ext[1:] for ext in LANGUAGES)


@lru_cache(maxsize=1 << 16)
def _language(base: str) -> str | None:
    """The language of a lower-cased base name (None for generated code)."""
    lang = LANGUAGES.get(posixpath.splitext(base)[1])
    return None if lang is None or GENERATED.search(base) else lang


def languages(facts: ServiceFacts) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in facts.file_index.select(_LANGUAGE_EXTS):
        lang = _language(path.rpartition("/")[2].lower())
        if lang is None:
            continue
        size = facts.sizes.get(path)
        if size is None:
            text = facts.texts.get(path)
            size = len(text.encode("utf-8", "replace")) if text is not None else 0
        sizes[lang] = sizes.get(lang, 0) + size
    return dict(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))


def frameworks(facts: ServiceFacts) -> list[str]:
    found = _matched(facts.dependencies, "frameworks")
    if any(_ASPNET_SDK.search(t) for _, t in facts.iter_texts("*.csproj", "*.fsproj")):
        found.add("ASP.NET Core")
    return sorted(found)


def _image_store(ref: str) -> str | None:
    """The datastore of an image reference, by its last path segment (tag and digest
    dropped) or its last two (mcr.microsoft.com/mssql/server)."""
    head, _, last = ref.split("@", 1)[0].lower().rpartition("/")
    segments = [*head.split("/"), last.split(":", 1)[0]]
    for key in (segments[-1], "/".join(segments[-2:])):
        item = next((item for pattern, item in _IMAGES if pattern.fullmatch(key)), None)
        if item:
            return item
    return None


# files `_config_images` reads: YAML, Dockerfiles and Containerfiles
_IMAGE_EXTS = frozenset({"yml", "yaml", "dockerfile"})
_DOCKERFILE = re.compile(r"dockerfile.*", re.S)


def _config_images(facts: ServiceFacts) -> Iterator[str]:
    index = facts.file_index
    for path in index.select(_IMAGE_EXTS, frozenset({"containerfile"}), _DOCKERFILE):
        low = path.lower()
        text = facts.texts.get(path)
        if text is None:
            continue
        base = posixpath.basename(low)
        if low.endswith((".yml", ".yaml")):
            yield from _IMAGE_LINE.findall(text) if "image:" in text else ()
            if base in ("chart.yaml", "chart.yml"):
                yield from _chart_dependencies(text)
        elif (
            base == "containerfile" or base.startswith("dockerfile") or base.endswith(".dockerfile")
        ):
            yield from _FROM_LINE.findall(text)


def _chart_dependencies(text: str) -> list[str]:
    try:
        doc: Any = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    deps = doc.get("dependencies") if isinstance(doc, dict) else None
    if not isinstance(deps, list):
        return []
    return [str(d["name"]) for d in deps if isinstance(d, dict) and d.get("name")]


def datastores(facts: ServiceFacts) -> list[str]:
    """Datastores from dependencies and images; found once per service (the stack facts
    and the data.migrations check both ask)."""
    key = ("stack.datastores", facts.root, facts.dependencies)
    return list(facts.file_index.memo(key, lambda: _datastores(facts)))


def _datastores(facts: ServiceFacts) -> tuple[str, ...]:
    found = _matched(facts.dependencies, "datastores")
    found.update(s for s in map(_image_store, _config_images(facts)) if s)
    return tuple(sorted(found))


_K8S_EXTS = frozenset({"yml", "yaml"})


def _k8s_named(facts: ServiceFacts, path: str) -> bool:
    base = posixpath.basename(path).lower()
    stem = base.rsplit(".", 1)[0]
    name = facts.service.name.lower()
    return base.endswith((".yml", ".yaml")) and stem in {name + s for s in K8S_NAME_SUFFIXES}


# paths an infrastructure pattern may match
_INFRA_EXTS = frozenset({"yml", "yaml", "json", "tf", "hcl", "nomad"})
_INFRA_NAMES = frozenset({"serverless.ts", "serverless.js", "samconfig.toml", "ansible.cfg"})


def infrastructure(facts: ServiceFacts) -> list[str]:
    found: set[str] = set()
    own = set(facts.files) if facts.files is not facts.repo_files else None
    extra = [
        p
        for p in facts.repo_index.select(_K8S_EXTS)
        if own is not None and p not in own and _k8s_named(facts, p)
    ]
    for path in [*facts.file_index.select(_INFRA_EXTS, _INFRA_NAMES), *extra]:
        low = path.lower()
        found.update(item for item, pattern in _INFRA if pattern.search(low))
        text = facts.texts.get(path)
        if text is None:
            continue
        for item, path_pattern, content, literals in _INFRA_CONTENT:
            if (
                item not in found
                and path_pattern.search(low)
                and any(s in text for s in literals)
                and content.search(text)
            ):
                found.add(item)
    return sorted(found)


def stack_facts(facts: ServiceFacts) -> dict[str, Any]:
    return {
        "languages": languages(facts),
        "frameworks": frameworks(facts),
        "datastores": datastores(facts),
        "infrastructure": infrastructure(facts),
    }


def has_database_dependency(facts: ServiceFacts) -> bool:
    """A database (not a cache, broker or search engine) from dependencies or config, or
    an ORM / SQL toolkit / migration tool in the dependencies."""
    if any(KINDS.get(store, "database") == "database" for store in datastores(facts)):
        return True
    return bool(_matched(facts.dependencies, "db_libraries"))
