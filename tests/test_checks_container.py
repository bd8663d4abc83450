"""container.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import container


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- container.dockerfile ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["Dockerfile", "docker/dockerfile.prod", "Dockerfile-dev", "api.Dockerfile", "Containerfile"],
)
def test_dockerfile_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "FROM alpine\n"})
    f = container.container_dockerfile(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


def test_dockerfile_fail_vendored_and_other_service(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"node_modules/x/Dockerfile": "FROM a\n", "b/Dockerfile": "FROM a\n", "a/main.go": ""},
    )
    facts = facts_for(r, "a")
    assert container.container_dockerfile(facts).status is Status.FAIL
    assert container.container_dockerignore(facts).status is Status.NOT_APPLICABLE
    assert container.container_nonroot(facts).status is Status.NOT_APPLICABLE


# ----- container.dockerignore -------------------------------------------------------------


def test_dockerignore_beside_dockerfile(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"svc/Dockerfile": "FROM a\n", "svc/.DockerIgnore": "*.log\n"})
    f = container.container_dockerignore(facts_for(r, "svc"))
    assert f.status is Status.PASS and ev(f) == [("svc/.DockerIgnore", None)]


def test_dockerignore_per_dockerfile_buildkit(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"Dockerfile": "FROM a\n", "Dockerfile.dockerignore": "x\n"})
    f = container.container_dockerignore(facts_for(r))
    assert ev(f) == [("Dockerfile.dockerignore", None)]
    # the ignore file itself is not a Dockerfile
    assert ev(container.container_dockerfile(facts_for(r))) == [("Dockerfile", None)]


def test_dockerignore_in_compose_build_context(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  api:\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile: api/docker/Dockerfile\n"
        "  web:\n"
        "    build: ./web\n"
    )
    r = make_repo(
        tmp_path / "r",
        {
            "docker-compose.yml": compose,
            ".dockerignore": "x\n",
            "api/docker/Dockerfile": "FROM a\n",
            "web/Dockerfile": "FROM a\n",
            "web/.dockerignore": "x\n",
        },
    )
    f = container.container_dockerignore(facts_for(r, "api"))
    assert f.status is Status.PASS and ev(f) == [(".dockerignore", None)]
    assert ev(container.container_dockerignore(facts_for(r, "web"))) == [
        ("web/.dockerignore", None)
    ]


def test_dockerignore_fail(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"svc/docker/Dockerfile": "FROM a\n", "svc/.dockerignore": "x\n"})
    f = container.container_dockerignore(facts_for(r, "svc"))
    assert f.status is Status.FAIL and "svc/docker/Dockerfile" in f.message


# ----- container.nonroot ----------------------------------------------------------------------

MULTI = """# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
USER root
RUN go build \\
    -o /app .

FROM alpine:3.19
RUN adduser -D app
USER app
"""


def test_nonroot_multistage_final_user(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"Dockerfile": MULTI})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [("Dockerfile", 9)]


def test_nonroot_fail_no_user_in_final_stage(tmp_path: Path) -> None:
    text = "FROM alpine AS base\nUSER app\n\nFROM python:3.12\nCOPY . .\n"
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.FAIL and ev(f) == [("Dockerfile", 4)]


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root", "ROOT"])
def test_nonroot_fail_root_user(tmp_path: Path, user: str) -> None:
    text = f"FROM alpine\nUSER app\nRUN x\nUSER {user}\n"
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.FAIL and ev(f) == [("Dockerfile", 4)]


def test_nonroot_every_dockerfile(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"Dockerfile": "FROM a\nUSER 1000\n", "tools/Dockerfile.debug": "FROM a\nRUN x\n"},
    )
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.FAIL and ev(f) == [("tools/Dockerfile.debug", 1)]


def test_nonroot_distroless(tmp_path: Path) -> None:
    text = (
        "FROM golang AS b\nRUN x\n"
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=b /a /a\n"
    )
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [("Dockerfile", 3)]


def test_nonroot_inherits_from_earlier_stage(tmp_path: Path) -> None:
    text = (
        "FROM node:20 AS base\nUSER node\n\n"
        "FROM base AS test\nRUN npm test\n\n"
        'FROM --platform=$BUILDPLATFORM BASE\nCMD ["node"]\n'
    )
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [("Dockerfile", 2)]


def test_nonroot_inherits_root_from_distroless_alias_with_user_root(tmp_path: Path) -> None:
    text = "FROM gcr.io/distroless/base:nonroot AS run\nUSER root\nFROM run\n"
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.FAIL and ev(f) == [("Dockerfile", 2)]


def test_nonroot_arg_user(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "a/Dockerfile": "FROM alpine\nARG APP_USER\nUSER ${APP_USER}\n",
            "b/Dockerfile": "ARG APP_USER=root\nFROM alpine\nARG APP_USER\nUSER $APP_USER\n",
            "c/Dockerfile": "FROM alpine\nUSER ${UID:-0}:${GID:-0}\n",
            "d/Dockerfile": "FROM alpine\nENV APP_UID=10001\nUSER ${APP_UID}\n",
        },
    )
    assert container.container_nonroot(facts_for(r, "a")).status is Status.PASS
    assert container.container_nonroot(facts_for(r, "b")).status is Status.FAIL
    assert container.container_nonroot(facts_for(r, "c")).status is Status.FAIL
    d = container.container_nonroot(facts_for(r, "d"))
    assert d.status is Status.PASS and ev(d) == [("d/Dockerfile", 3)]


def test_nonroot_continuations_comments_and_escape_directive(tmp_path: Path) -> None:
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore\n"
        "RUN echo a `\n"
        "  # a comment inside\n"
        "  USER root\n"
        "USER ContainerUser\n"
    )
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [("Dockerfile", 6)]


def test_nonroot_heredoc_is_not_instructions(tmp_path: Path) -> None:
    text = "FROM alpine\nUSER app\nRUN <<EOF\nUSER root\nEOF\n"
    r = make_repo(tmp_path / "r", {"Dockerfile": text})
    assert container.container_nonroot(facts_for(r)).status is Status.PASS


def test_nonroot_unknown_without_from(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"Dockerfile": "# nothing yet\n"})
    f = container.container_nonroot(facts_for(r))
    assert f.status is Status.UNKNOWN and "no FROM" in f.message
