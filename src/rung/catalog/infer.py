"""Services of a repository that has no Component descriptor, inferred from its layout.

The rule:

1. Signals, from tracked files (vendored trees, hidden folders and `IGNORED_DIRS` such as
   docs/, examples/, test/, tests/ left out):
   - a Dockerfile (`Dockerfile`, `Dockerfile.*`, `Dockerfile-*`, `*.Dockerfile`,
     `Containerfile`; checks.md `container.dockerfile`);
   - a dependency manifest (the manifest names of checks.md "Tech stack");
   - a Kubernetes workload: a tracked `.yaml`/`.yml` file of at most 256 KiB, read from
     the work tree without following symlinks, with `apiVersion:` and a top-level
     `kind: Deployment|StatefulSet|DaemonSet|CronJob|Rollout` line. A workload belongs
     to the folder above the first deployment-ish folder of its path (`DEPLOY_DIRS`:
     k8s/, deploy/, helm/, charts/, manifests/, overlays/, ...):
     `services/pay/k8s/deployment.yaml` is a signal of `services/pay`, while
     `deploy/k8s/all.yaml` belongs to the repository root.
   A signal's folder is the folder of its file (the root when it is at the top level).
2. If the root has a Dockerfile or a dependency manifest of its own (a build of the whole
   repository, e.g. a Maven or Gradle multi-module build or an npm workspace), only
   *deployable* modules are candidates: for each folder with a Dockerfile or a workload,
   the deepest folder with a manifest holding it (its module; `orders/` for
   `orders/src/main/docker/Dockerfile` beside `orders/pom.xml`), or the folder itself.
   Library modules with just a manifest are parts of the one service. Otherwise every
   folder with a signal is a candidate.
3. The shallowest candidates are kept (a candidate inside another is part of it).
4. Two or more kept folders: each is a service (a monorepo). Otherwise the repository
   is one service named after its folder, rooted at ".".

Service names are the folder's base name; names that collide are prefixed with the
parent folder's name (the repository's name for a top-level folder), and if they still
collide the whole path is used with `/` replaced by `-`.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from enum import Enum

from rung.catalog.yamldocs import read_bounded
from rung.collect.files import is_vendored

IGNORED_DIRS = frozenset(
    {
        "docs", "doc", "documentation", "examples", "example", "samples", "sample",
        "test", "tests", "testdata", "test-data", "fixtures", "e2e", "spec", "__tests__",
    }
)  # fmt: skip
DEPLOY_DIRS = frozenset(
    {
        "deploy", "deployment", "deployments", "k8s", "kube", "kubernetes", "manifests",
        "helm", "chart", "charts", "templates", "kustomize", "overlays", "base", "argocd",
        "gitops", "infra", "infrastructure", "ops",
    }
)  # fmt: skip
MANIFEST_NAMES = frozenset(
    {
        "pyproject.toml", "setup.cfg", "pipfile", "package.json", "go.mod", "gopkg.toml",
        "glide.yaml", "glide.yml", "pom.xml", "build.gradle", "build.gradle.kts", "gemfile",
        "cargo.toml", "composer.json", "mix.exs",
    }
)  # fmt: skip
MANIFEST_GLOBS = ("requirements*.txt", "*.csproj")
WORKLOAD_MAX_BYTES = 256 * 1024
WORKLOAD_MAX_FILES = 2000
_WORKLOAD_KIND = re.compile(
    r"^kind:[ \t]*[\"']?(Deployment|StatefulSet|DaemonSet|CronJob|Rollout)[\"']?[ \t]*(#.*)?$",
    re.MULTILINE,
)
_API_VERSION = re.compile(r"^apiVersion:", re.MULTILINE)


class Signal(Enum):
    DOCKERFILE = "dockerfile"
    MANIFEST = "manifest"
    WORKLOAD = "workload"
    WEB_PROJECT = "web project"  # a .NET Web or Worker SDK project: a deployable app
    MANY_WORKLOADS = "many workloads"  # workloads of two or more names in one folder


DEPLOYABLE = frozenset({Signal.DOCKERFILE, Signal.WORKLOAD, Signal.WEB_PROJECT})
_SHARED_DEPLOY = frozenset({Signal.WORKLOAD, Signal.MANY_WORKLOADS})
_WEB_SDK = re.compile(r"""\bSdk\s*=\s*["']Microsoft\.NET\.Sdk\.(?:Web|Worker)["']""", re.I)
_WORKLOAD_NAME = re.compile(
    r"^metadata:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+name:[ \t]*(.+)$", re.M
)
_DOC_SPLIT = re.compile(r"^---.*$", re.M)
# A service root named like a source folder is the source of its parent
# (`src/cartservice/src/Dockerfile` beside `src/cartservice/tests/`).
SOURCE_DIRS = frozenset({"src", "source"})


def is_dockerfile(name: str) -> bool:
    low = name.lower()
    return (
        low in ("dockerfile", "containerfile")
        or low.startswith(("dockerfile.", "dockerfile-"))
        or low.endswith(".dockerfile")
    )


def is_manifest(name: str) -> bool:
    low = name.lower()
    return low in MANIFEST_NAMES or any(fnmatch.fnmatchcase(low, g) for g in MANIFEST_GLOBS)


def _ignored(path: str) -> bool:
    dirs = path.split("/")[:-1]
    return is_vendored(path) or any(d.startswith(".") or d.lower() in IGNORED_DIRS for d in dirs)


def _read(repo: str, path: str) -> str | None:
    try:
        return read_bounded(
            os.path.join(repo, *path.split("/")), inside=repo, limit=WORKLOAD_MAX_BYTES
        )
    except OSError:
        return None


def workload_names(text: str) -> set[str] | None:
    """The `metadata.name`s of the workloads of a YAML text (None: no workload in it)."""
    if not (_WORKLOAD_KIND.search(text) and _API_VERSION.search(text)):
        return None
    names: set[str] = set()
    for doc in _DOC_SPLIT.split(text):
        if _WORKLOAD_KIND.search(doc):
            m = _WORKLOAD_NAME.search(doc)
            names.add(m.group(1).strip().strip("\"'") if m else "")
    return names


def _is_web_project(repo: str, path: str) -> bool:
    text = _read(repo, path) if path.lower().endswith(".csproj") else None
    return text is not None and _WEB_SDK.search(text) is not None


def _workload_folder(path: str) -> str:
    parts = path.split("/")[:-1]
    for i, part in enumerate(parts):
        if part.lower() in DEPLOY_DIRS:
            return "/".join(parts[:i])
    return "/".join(parts)


def signals(repo: str, files: Iterable[str]) -> dict[str, set[Signal]]:
    """Folder ("" for the root) -> the signals found in it."""
    found: dict[str, set[Signal]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    yaml_budget = WORKLOAD_MAX_FILES
    for path in files:
        if _ignored(path):
            continue
        name = posixpath.basename(path)
        folder = posixpath.dirname(path)
        if is_dockerfile(name):
            found[folder].add(Signal.DOCKERFILE)
        elif is_manifest(name):
            found[folder].add(Signal.MANIFEST)
            if _is_web_project(repo, path):
                found[folder].add(Signal.WEB_PROJECT)
        elif name.lower().endswith((".yaml", ".yml")) and yaml_budget > 0:
            owner = _workload_folder(path)
            if Signal.MANY_WORKLOADS in found.get(owner, ()):
                continue  # already known: no need to read another manifest
            yaml_budget -= 1
            text = _read(repo, path)
            workloads = workload_names(text) if text is not None else None
            if workloads is not None:
                found[owner].add(Signal.WORKLOAD)
                names[owner] |= workloads
                if len(names[owner]) >= 2:
                    found[owner].add(Signal.MANY_WORKLOADS)
    return dict(found)


def _shallowest(folders: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for folder in sorted(folders, key=lambda f: (f.count("/"), f)):
        if not any(folder.startswith(k + "/") for k in kept):
            kept.append(folder)
    return sorted(kept)


def _module_of(folder: str, modules: Sequence[str]) -> str:
    """The deepest module (manifest folder) holding `folder`, or `folder` itself."""
    holding = [m for m in modules if folder == m or folder.startswith(m + "/")]
    return max(holding, key=lambda m: m.count("/")) if holding else folder


def _source_parent(folder: str) -> str:
    head, base = posixpath.split(folder)
    return head if head and base.lower() in SOURCE_DIRS else folder


def service_roots(found: dict[str, set[Signal]]) -> list[str]:
    """The service folders of a monorepo, or ["."] for a single-service repository."""
    # a folder holding only the workloads of several services deploys them: no service
    folders = {f: kinds for f, kinds in found.items() if f and kinds != _SHARED_DEPLOY}
    if found.get("", set()) - _SHARED_DEPLOY:
        modules = [f for f, kinds in folders.items() if Signal.MANIFEST in kinds]
        candidates = {_module_of(f, modules) for f, kinds in folders.items() if kinds & DEPLOYABLE}
    else:
        candidates = set(folders)
    kept = _shallowest({_source_parent(f) for f in candidates})
    return kept if len(kept) >= 2 else ["."]


def service_names(roots: Sequence[str], repo_name: str) -> dict[str, str]:
    """Root -> a name unique in the repository."""
    if roots == ["."]:
        return {".": repo_name}

    def parent(root: str) -> str:
        head = posixpath.dirname(root)
        return posixpath.basename(head) if head else repo_name

    namers = (
        lambda r: f"{parent(r)}-{posixpath.basename(r)}",
        lambda r: r.replace("/", "-"),
    )
    names = {r: posixpath.basename(r) for r in roots}
    for namer in namers:
        counts: dict[str, int] = defaultdict(int)
        for name in names.values():
            counts[name] += 1
        names = {r: namer(r) if counts[n] > 1 else n for r, n in names.items()}
    return names


def infer_roots(repo: str, files: Sequence[str]) -> list[str]:
    """Service roots of a repository without descriptors ("." or monorepo folders)."""
    return service_roots(signals(repo, files))
