"""Built-in checks: configuration (dev.local_env, config.template, config.per_environment).

Environments are recognised from a closed word list, mapped to canonical names so that
`prod` and `production` are one environment. `local` is not an environment (it is the
developer's machine), and neither are rollout strategies (`canary`, `blue-green`).
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, passed
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5

# ----- dev.local_env -------------------------------------------------------------------------

LOCAL_ENV_GLOBS = (
    "docker-compose*.yml",
    "docker-compose*.yaml",
    "compose*.yml",
    "compose*.yaml",
    "skaffold.yaml",
    "skaffold.yml",
    "tiltfile",
    "garden.yml",
    "garden.yaml",
    "project.garden.yml",
    "project.garden.yaml",
    "devspace.yaml",
    "devspace.yml",
    ".devcontainer.json",
)


def _devcontainers(facts: ServiceFacts) -> list[str]:
    """A file of a `.devcontainer/` folder at the top of the service or repository root."""
    out = []
    for base in dict.fromkeys([facts.root if facts.root not in ("", ".") else ".", "."]):
        prefix = "" if base == "." else base + "/"
        inside = [
            p
            for p in facts.repo_index.select(needles=(".devcontainer/",))
            if p.startswith(prefix) and p[len(prefix) :].lower().startswith(".devcontainer/")
        ]
        inside.sort(key=lambda p: (not p.lower().endswith("devcontainer.json"), p))
        out.extend(inside[:1])
    return out


@check("dev.local_env", "A one-step local environment (compose, skaffold, Tilt, devcontainer)")
def dev_local_env(facts: ServiceFacts) -> Finding:
    found = facts.top_level(*LOCAL_ENV_GLOBS) + _devcontainers(facts)
    if not found:
        return failed(
            "dev.local_env",
            "no docker-compose*.yml, compose*.yml, skaffold.yaml, Tiltfile, .devcontainer/,"
            " garden.yml or devspace.yaml at the top of the service or repository root",
        )
    ev = [Evidence(p, None, "local environment") for p in found[:MAX_EVIDENCE]]
    return passed("dev.local_env", "local environment definition found", *ev)


# ----- config.template -------------------------------------------------------------------------

CONFIG_EXTS = frozenset(
    {
        "yaml",
        "yml",
        "json",
        "toml",
        "ini",
        "env",
        "conf",
        "cfg",
        "properties",
        "xml",
        "tfvars",
        "hcl",
        "config",
    }
)
_TEMPLATE = re.compile(
    r"\.env\.(?:example|sample|template)|.+\.(?:example|sample|tmpl|tpl|j2|ctmpl)"
    r"|.+\.(?:example|sample)\.(?:" + "|".join(sorted(CONFIG_EXTS)) + ")"
)


def _chart_template_dirs(facts: ServiceFacts) -> list[str]:
    charts = facts.find("chart.yaml", "chart.yml", repo=True)
    return [posixpath.join(posixpath.dirname(c), "templates") + "/" for c in charts]


@check("config.template", "A configuration template or example (.env.example, *.tmpl, ...)")
def config_template(facts: ServiceFacts) -> Finding:
    charts = _chart_template_dirs(facts)
    found = [
        p
        for p in facts.file_index.select(rx=_TEMPLATE)
        if _TEMPLATE.fullmatch(posixpath.basename(p).lower())
        and not any(p.startswith(d) for d in charts)
    ]
    if not found:
        return failed(
            "config.template",
            "no configuration template (.env.example, *.example, *.sample, *.tmpl, *.tpl, *.j2,"
            " *.ctmpl) outside Helm chart templates",
        )
    ev = [Evidence(p, None, "configuration template") for p in found[:MAX_EVIDENCE]]
    return passed("config.template", "configuration template found", *ev)


# ----- config.per_environment ---------------------------------------------------------------

ENVIRONMENTS = {
    "dev": "dev",
    "develop": "dev",
    "development": "dev",
    "test": "test",
    "testing": "test",
    "qa": "qa",
    "uat": "uat",
    "stage": "staging",
    "staging": "staging",
    "preprod": "preprod",
    "preproduction": "preprod",
    "prod": "prod",
    "production": "prod",
    "live": "prod",
    "sandbox": "sandbox",
    "int": "integration",
    "integration": "integration",
}
# Folders whose children are per-environment configuration.
CONFIG_DIRS = frozenset(
    {
        "config",
        "configs",
        "conf",
        "configuration",
        "settings",
        "environments",
        "environment",
        "envs",
        "env",
        "overlays",
        "deploy",
        "deployment",
        "deployments",
        "k8s",
        "kubernetes",
        "kustomize",
        "helm",
        "values",
        "vars",
        "group_vars",
        "inventories",
        "inventory",
        "terraform",
        "infra",
        "infrastructure",
        "stages",
        "clusters",
        "profiles",
        "parameters",
        "params",
    }
)
# Name tokens that make `<word>-<env>.<ext>` a configuration file.
CONFIG_WORDS = frozenset(
    {
        "config",
        "configuration",
        "settings",
        "application",
        "appsettings",
        "bootstrap",
        "values",
        "env",
        "vars",
        "variables",
        "compose",
        "parameters",
        "params",
        "properties",
        "terraform",
        "serverless",
    }
)
CODE_EXTS = frozenset({"py", "rb", "js", "ts", "exs", "php"})
_TOKENS = re.compile(r"[-_.]+")


def _tokens(name: str) -> list[str]:
    low = re.sub(r"pre[-_]prod", "preprod", name.lower())
    return [t for t in _TOKENS.split(low) if t]


_DOTENV = re.compile(r"\.env\..*", re.S)


def _file_env(rel: str) -> str | None:
    folder, _, name = rel.lower().rpartition("/")
    return _named_env(name, folder.rpartition("/")[2])


@lru_cache(maxsize=1 << 16)
def _named_env(name: str, parent: str) -> str | None:
    """The environment of a lower-cased file name in a folder named `parent`."""
    in_config_dir = parent in CONFIG_DIRS
    if name.startswith(".env."):
        toks = ["env", *_tokens(name[5:])]
        ext = ""
    else:
        stem, _, ext = name.rpartition(".")
        if not stem or (ext not in CONFIG_EXTS and not (ext in CODE_EXTS and in_config_dir)):
            return None
        toks = _tokens(stem)
    envs = [ENVIRONMENTS[t] for t in toks if t in ENVIRONMENTS]
    if not envs:
        return None
    if len(toks) == 1:  # `config/prod.yaml`, `prod.tfvars`, `settings/production.py`
        return envs[0] if in_config_dir or ext in ("tfvars", "env") else None
    return envs[0] if any(t in CONFIG_WORDS for t in toks) or in_config_dir else None


@lru_cache(maxsize=1 << 16)
def _dir_envs(folder: str) -> tuple[tuple[str, str], ...]:
    """(environment, folder rel path) for env-named folders under a config-ish folder, along
    the folder (relative to the service root) of a file."""
    parts = folder.split("/") if folder else []
    out = []
    for i in range(1, len(parts)):
        env = ENVIRONMENTS.get(re.sub(r"pre[-_]prod", "preprod", parts[i].lower()))
        if env and parts[i - 1].lower() in CONFIG_DIRS:
            out.append((env, "/".join(parts[: i + 1])))
    return tuple(out)


def _environments(facts: ServiceFacts) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {}
    prefix = "" if facts.root in ("", ".") else facts.root + "/"
    index = facts.file_index
    # `_file_env` names a config file, a .env.* file or a file in a config-ish folder, and
    # `_dir_envs` folders in a config-ish folder: no other file names an environment
    named = index.select(CONFIG_EXTS, rx=_DOTENV)
    for p in index.ordered(named, index.in_folders(CONFIG_DIRS)):
        rel = facts.rel(p)
        env = _file_env(rel)
        if env and env not in found:
            found[env] = Evidence(p, None, f"{env} configuration")
        for env, folder in _dir_envs(rel.rpartition("/")[0]):
            found.setdefault(env, Evidence(prefix + folder, None, f"{env} configuration folder"))
    return found


@check("config.per_environment", "Environment-specific configuration for at least two environments")
def config_per_environment(facts: ServiceFacts) -> Finding:
    envs = _environments(facts)
    if len(envs) < 2:
        seen = ", ".join(envs) or "none"
        return failed(
            "config.per_environment",
            "need configuration for at least two environments (Kustomize overlays, Helm values"
            f" files, env-named config files or folders; `local` does not count); found: {seen}",
            *envs.values(),
        )
    ev = list(envs.values())[:MAX_EVIDENCE]
    return passed("config.per_environment", "environments: " + ", ".join(envs), *ev)


CHECKS: tuple[CheckSpec, ...] = (dev_local_env, config_template, config_per_environment)
