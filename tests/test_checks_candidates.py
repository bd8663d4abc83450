"""Checks that ask the path index (or one search over the texts) for their candidate files
answer exactly what testing every file of the service answered.

Each `_old_*` function below is the per-file loop a check used before; the property tests
compare it with the check's helper on generated services whose paths are awkward: mixed
case, nested service roots, dotfiles, vendored-looking folders, spaces, non-ASCII letters
that lower-case or fold oddly ("İ", "ſ", "K"), names ending with a newline.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rung.catalog.entity import Service
from rung.checks.base import Evidence
from rung.checks.builtin import (
    catalog,
    config,
    dep_files,
    dep_migrations,
    deploy,
    quality,
    security,
    tests,
)
from rung.collect.facts import ServiceFacts
from rung.collect.pathindex import PathIndex, holding

SEGMENTS = [
    "a", "Src", "src", "test", "Tests", "spec", "__tests__", "integration", "IntegrationTests",
    "e2e", "E2E-tests", "it", "IT", "acceptance", "functional", "git", ".github", "load",
    "LoadTests", "perf", "ſtress", "stress", "bench", "benchmarks", "config", "CONFIG",
    "deploy", "k8s", "env", "prod", "Production", "staging", "dev", "pre-prod", "pre_prod",
    "overlays", "settings", "node_modules", "vendor", "my dir", "İt", "Kit", "x.y", "svc",
    "migrations", "db", "versions", "Migrations", ".GitHub", "codeql", "docs", "ΑΣ", "σ",
]  # fmt: skip
NAMES = [
    "app.py", "test_app.py", "app_test.go", "OrderTest.java", "OrderIT.java", "ITOrder.java",
    "ITCase.kt", "latest.java", "Contest.php", "user.spec.ts", "a_spec.rb", "lib.rs",
    "main.RS", ".keep", ".gitkeep", "README.md", "locustfile.py", "LocustFile_x.PY",
    "plan.jmx", "Plan.JMX", "sim.scala", "k6.js", "run.sh", "wrk.lua", "load.yml",
    "values-prod.yaml", "application-staging.yml", "prod.tfvars", ".env.prod", ".ENV.Dev",
    "settings.py", "prod.json", "config.prod.toml", "odd\n", "x.py\n", "noext", "a.",
    "integration_test.py", "e2e.test.ts", "functional.spec.js", "ünïcode Test.kt",
    "0001_init.up.sql", "V1__init.SQL", "migrate.go", "db.go", "main.GO", "0001_init.py",
    "pyproject.toml", "requirements-dev.txt", ".bandit", "codeql-config.yml", "sql.go\n",
    "CODEOWNERS", "codeowners", "CodeOwners", "Σ", "xΣ.md", "Program.cs", "main.go",
    "openapi.yaml", "api.JSON", "x.proto", "schema.graphql", "package.json", "tox.ini",
    "jest.config.js", "Makefile",
]  # fmt: skip
TEXTS = [
    None, "", "import locust\n", "from locust import HttpUser\n", "import k6\n",
    "import http from 'k6/http';\n", "class S extends Simulation // io.gatling\n",
    "config:\n  target: x\nscenarios:\n  - flow: []\n", "#[cfg(test)]\nmod tests {}\n",
    "fn main() {}\n#[test]\nfn t() {}\n", "vegeta attack -rate 10\n", "wrk.method = 'POST'\n",
    "hey -n 10 http://x\n", "nothing here\n", "locust\0k6\n", "-- +goose Up\nCREATE x;\n",
    "goose.AddMigration(up, down)\n", "goose\n", '@app.get("/metrics")\n',
    'app.MapMetrics();\n', 'r.HandleFunc("/metrics", h)\n', "getMetrics()\n",
    "openapi: 3.0.0\n", '{"swagger": "2.0"}', "asyncapi\n", "[tool.coverage.run]\n",
    '{"nyc": {}}', "pytest --cov=app\n",
]  # fmt: skip
ROOTS = [".", "svc", "a/svc", "Src", "test", "config", "load", "it"]


@st.composite
def services(draw: st.DrawFn) -> ServiceFacts:
    root = draw(st.sampled_from(ROOTS))
    rows = draw(
        st.lists(
            st.tuples(
                st.lists(st.sampled_from(SEGMENTS), max_size=4),
                st.sampled_from(NAMES),
                st.sampled_from(TEXTS),
                st.booleans(),
            ),
            max_size=40,
        )
    )
    repo_files: list[str] = []
    texts: dict[str, str] = {}
    for folders, name, text, in_root in rows:
        head = [] if root == "." or not in_root else [root]
        path = "/".join([*head, *folders, name])
        if path in texts or path in repo_files:
            continue
        repo_files.append(path)
        if text is not None:
            texts[path] = text
    files = [p for p in repo_files if root == "." or p.startswith(root + "/")]
    svc = Service(name="svc", repo_path="/r", repo_name="r", root=root)
    return ServiceFacts(
        service=svc,
        files=tuple(files),
        repo_files=tuple(repo_files),
        texts=texts,
        single_service_repo=root == ".",
    )


# ----- the per-file loops the checks used before ----------------------------------------------


def _old_test_files(facts: ServiceFacts) -> list[Evidence]:
    out: list[Evidence] = []
    for p, rel in zip(facts.files, facts.rel_paths, strict=True):
        name = p.rpartition("/")[2]
        if name.lower() in tests.PLACEHOLDERS:
            continue
        if tests.is_test_name(name):
            out.append(Evidence(p, None, "test file"))
        elif tests._test_folder(rel.rpartition("/")[0]):
            out.append(Evidence(p, None, "file in a test folder"))
        elif p.endswith(".rs"):
            text = facts.texts.get(p, "")
            line = tests.first_line(text, tests._RUST_TEST) if "#[" in text else None
            if line is not None:
                out.append(Evidence(p, line, "in-file Rust tests #[cfg(test)] or #[test]"))
    return out


def _old_integration(facts: ServiceFacts) -> list[Evidence]:
    ev: list[Evidence] = []
    for p, rel in zip(facts.files, facts.rel_paths, strict=True):
        if tests.is_placeholder(p):
            continue
        folder, _, name = rel.rpartition("/")
        test_name = tests.is_test_name(name)
        d, in_tree = tests._integration_folder(folder, test_name)
        if d is not None:
            ev.append(Evidence(p, None, f"integration test folder {d}/"))
        elif tests._integration_file(name, in_tree or test_name):
            ev.append(Evidence(p, None, "integration test file"))
    return ev


def _old_load(facts: ServiceFacts) -> list[Evidence]:
    out: list[Evidence] = []
    exts = facts.file_index.exts
    for p, rel, ext in zip(facts.files, facts.rel_paths, exts, strict=True):
        text = facts.texts.get(p)
        detect = tests._DETECTOR_BY_EXT.get(ext)
        ev = detect(p, text) if detect is not None else None
        if ev is None and text is not None and tests._load_folder(rel.rpartition("/")[0]):
            ev = tests._load_script(facts, p, text)
        if ev is not None:
            out.append(ev)
    return out


_FILE_ENV_EXTS = config.CONFIG_EXTS | config.CODE_EXTS


def _old_environments(facts: ServiceFacts) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {}
    prefix = "" if facts.root in ("", ".") else facts.root + "/"
    named = set(facts.file_index.select(_FILE_ENV_EXTS, rx=config._DOTENV))
    for p, rel in zip(facts.files, facts.rel_paths, strict=True):
        env = config._file_env(rel) if p in named else None
        if env and env not in found:
            found[env] = Evidence(p, None, f"{env} configuration")
        for env, folder in config._dir_envs(rel.rpartition("/")[0]):
            found.setdefault(env, Evidence(prefix + folder, None, f"{env} configuration folder"))
    return found


def _old_migration_files(facts: ServiceFacts) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[str] = set()
    candidates = facts.file_index.select(
        frozenset({"sql", "go"}), needles=dep_migrations._CANDIDATE_NEEDLES
    )
    for p in candidates:
        low = p.lower()
        named = dep_migrations._PATH_PREFILTER.search(low) is not None
        for tool, pattern in dep_migrations.MIGRATION_PATHS if named else ():
            if tool not in seen and pattern.search(low):
                seen.add(tool)
                out.append(Evidence(p, None, f"{tool} migration"))
        for tool, path_pattern, content, literal in dep_migrations.MIGRATION_CONTENT:
            text = facts.texts.get(p) if tool not in seen and path_pattern.search(low) else None
            m = content.search(text) if text and literal in text else None
            if text and m:
                seen.add(tool)
                out.append(Evidence(p, text.count("\n", 0, m.start()) + 1, f"{tool} migration"))
    return out


def _old_own_configs(facts: ServiceFacts) -> list[str]:
    wanted = security._config_candidates(facts)
    top = tuple(p for p in facts.repo_files if "/" not in p or p.lower().startswith(".github/"))
    own = [p for p in facts.files if p in wanted]
    return list(dict.fromkeys([*own, *(p for p in top if p in wanted)]))


def _old_coverage_content(facts: ServiceFacts) -> list[Evidence]:
    out = []
    for glob, pattern in dep_files.COVERAGE_CONTENT:
        for p in dep_files._select(facts, (glob,)):
            line = tests.first_line(facts.texts.get(p, ""), pattern)
            if line is not None:
                out.append(Evidence(p, line, "coverage configuration"))
    return out


# ----- equal answers --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(services())
def test_test_checks_equal_per_file_loops(facts: ServiceFacts) -> None:
    assert tests._test_file_evidence(facts) == _old_test_files(facts)
    found = tests.tests_integration(facts)
    old = _old_integration(facts)
    assert list(found.evidence) == old[: tests.MAX_EVIDENCE]
    if old:
        assert found.message == f"{len(old)} integration test item(s)"
    assert [e for e in tests._load_evidence(facts)] == _old_load(facts)


@settings(max_examples=300, deadline=None)
@given(services())
def test_migrations_and_security_configs_equal_per_file_loops(facts: ServiceFacts) -> None:
    assert list(dep_migrations._migration_files(facts)) == _old_migration_files(facts)
    content = [e for e in dep_files._coverage_evidence(facts) if e.line is not None]
    old = _old_coverage_content(facts)
    assert content[: len(old)] == old
    wanted = security._config_candidates(facts)
    assert wanted == frozenset(
        [
            *facts.repo_index.with_base([*security.SAST_CONFIGS, *security._BUILD_FILES]),
            *(
                p
                for p in facts.repo_index.find(security._REQUIREMENTS_GLOBS)
                if security._REQUIREMENTS.fullmatch(security._base(p))
            ),
            *(p for p in facts.repo_files if p.lower().startswith(".github/")),
        ]
    )
    own = facts.file_index.among(wanted)
    top = [p for p in security._top_level_repo(facts) if p in wanted]
    assert list(dict.fromkeys([*own, *top])) == _old_own_configs(facts)


@settings(max_examples=300, deadline=None)
@given(services())
def test_environments_equal_per_file_loop(facts: ServiceFacts) -> None:
    assert list(config._environments(facts).items()) == list(_old_environments(facts).items())


def test_awkward_paths_by_hand() -> None:
    """The cases that made the candidates exact, spelled out."""
    files = (
        "ſtress/run.sh",  # `_LOAD_DIR` ignores case: the long s is an "s"
        "LOAD/x.sh",
        "a/Config/Prod/x.txt",  # an env folder in a config folder, any case
        "my dir/env/pre-prod/x.txt",
        "İt/Order.java",  # "İ" lower-cases to "i" and a combining dot
        "src/IT/OrderIT.java",
        "node_modules/Tests/x.js",
        ".github/workflows/ci.yml",
    )
    texts = {"ſtress/run.sh": "hey -n 1 http://x\n", "LOAD/x.sh": "wrk -t1 http://x\n"}
    svc = Service(name="s", repo_path="/r", repo_name="r", root=".")
    facts = ServiceFacts(service=svc, files=files, repo_files=files, texts=texts)
    assert [e.path for e in tests._load_evidence(facts)] == ["ſtress/run.sh", "LOAD/x.sh"]
    assert _old_load(facts) == list(tests._load_evidence(facts))
    assert (
        list(config._environments(facts))
        == list(_old_environments(facts))
        == [
            "prod",
            "preprod",
        ]
    )
    assert tests._test_file_evidence(facts) == _old_test_files(facts)
    assert [e.path for e in _old_integration(facts)] == [
        e.path for e in tests.tests_integration(facts).evidence
    ]


@settings(max_examples=500, deadline=None)
@given(st.from_regex(dep_files.COVERAGE_FLAG))
def test_coverage_flag_literals_are_in_every_match(text: str) -> None:
    """`_coverage_evidence` skips texts holding none of the literals: each match holds one."""
    m = dep_files.COVERAGE_FLAG.search(text)
    assert m is not None
    assert any(s in m.group(0) for s in dep_files._COVERAGE_FLAG_LITERALS)


# ----- the index query and the text search ---------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(services(), st.sets(st.sampled_from([s.lower() for s in SEGMENTS]), max_size=4))
def test_in_folders_equals_scan(facts: ServiceFacts, names: set[str]) -> None:
    index = PathIndex(facts.repo_files)
    want = tuple(
        p for p in facts.repo_files if not set(names).isdisjoint(p.lower().split("/")[:-1])
    )
    assert index.in_folders(frozenset(names)) == want


@settings(max_examples=300, deadline=None)
@given(services(), st.lists(st.sampled_from(["a", "svc/x", "zz", "Src/app.py"]), max_size=3))
def test_among_keeps_the_index_order(facts: ServiceFacts, extra: list[str]) -> None:
    index = PathIndex(facts.files)
    asked = [*facts.repo_files[::2], *extra]
    want = tuple(dict.fromkeys(p for p in facts.files if p in set(asked)))
    assert index.among(asked) == want


@settings(max_examples=300, deadline=None)
@given(
    services(),
    st.lists(st.sampled_from(["locust", "k6", "config:", "\n", "#[", "zzz", "k"]), max_size=3),
)
def test_holding_equals_a_test_per_file(facts: ServiceFacts, literals: list[str]) -> None:
    texts = facts.texts
    want = [p for p in facts.files if p in texts and any(x in texts[p] for x in literals)]
    assert holding(facts.texts, facts.files, literals) == want


def test_holding_keeps_hits_in_their_text() -> None:
    """A literal spanning two texts (joined by the search) is no hit; a NUL in a text is
    harmless; several hits in one text and texts with none are handled."""
    texts = {"a": "xx lo", "b": "cust k6 k6", "c": "", "d": "lo\0cust", "e": "locust"}
    svc = Service(name="s", repo_path="/r", repo_name="r", root=".")
    facts = ServiceFacts(service=svc, files=tuple(texts), repo_files=tuple(texts), texts=texts)
    assert holding(facts.texts, ["a", "b", "c", "d", "e", "missing"], ["locust", "k6"]) == [
        "b",
        "e",
    ]
    assert holding(facts.texts, [], ["x"]) == []


@settings(max_examples=300, deadline=None)
@given(services())
def test_by_lower_equals_a_lower_cased_map(facts: ServiceFacts) -> None:
    index = PathIndex(facts.repo_files)
    lowered = {p.lower(): p for p in facts.repo_files}
    for low in [*lowered, "nothing", "a/", "", *(p.upper() for p in facts.repo_files[:3])]:
        assert index.by_lower(low) == lowered.get(low)
    old = next((lowered[c] for c in catalog.CODEOWNERS_LOCATIONS if c in lowered), None)
    assert catalog.codeowners_file(facts) == old


@settings(max_examples=300, deadline=None)
@given(
    services(),
    st.lists(st.sampled_from(["a//b.yml", "/x/Chart.yaml", "svc/", "a/", "//"]), max_size=2),
    st.lists(st.sampled_from(["a", "svc", "Src", "a/", "", "/x", "svc/test", "a/b"]), max_size=3),
)
def test_under_equals_a_prefix_test(
    facts: ServiceFacts, odd: list[str], folders: list[str]
) -> None:
    """Also with paths that have an empty segment (their folder is not their head)."""
    for paths in (facts.repo_files, (*facts.repo_files, *odd)):
        prefixes = tuple(f + "/" for f in folders)
        want = tuple(p for p in paths if p.startswith(prefixes))
        assert PathIndex(paths).under(folders) == want


def _old_probe_files(facts: ServiceFacts) -> list[str]:
    found = deploy.chart_files(facts) + facts.find("kustomization.y*ml", "kustomization")
    roots = [p.rpartition("/")[0] if "/" in p else "" for p in found]
    if not roots:
        return []
    everything = any(r in ("", ".") for r in roots)
    prefixes = tuple(r + "/" for r in roots)
    return [p for p in facts.repo_files if everything or p.startswith(prefixes)]


def _old_scope(facts: ServiceFacts, *patterns: str) -> list[str]:
    out = facts.find(*patterns)
    root = "" if facts.root in ("", ".") else facts.root
    above: set[str] = set()
    while root:
        root = root.rpartition("/")[0]
        above.add(root)
    if not above:
        return out
    own = set(facts.files)
    repo = facts.find(*patterns, repo=True)
    return out + [p for p in repo if p not in own and p.rpartition("/")[0] in above]


@settings(max_examples=300, deadline=None)
@given(services(), st.sampled_from(["Chart.yaml", "kustomization.yaml", "x.yml", ".flake8"]))
def test_probe_files_and_linter_scope_equal_path_loops(facts: ServiceFacts, name: str) -> None:
    extra = tuple(f"{d}/{name}" for d in ("svc", "a/svc", "Src", "a"))
    mine = tuple(p for p in extra if facts.root == "." or p.startswith(facts.root + "/"))
    facts = ServiceFacts(
        service=facts.service,
        files=(*facts.files, *mine),
        repo_files=(*facts.repo_files, *extra),
        texts=facts.texts,
    )
    assert list(deploy._probe_files(facts)) == _old_probe_files(facts)
    assert quality._scope(facts, *quality._NAMES) == _old_scope(facts, *quality._NAMES)
