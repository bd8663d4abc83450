"""The built-in checks of checks.md, registered through the public plugin hook."""

from __future__ import annotations

from rung.checks.base import CheckSpec
from rung.checks.builtin import (
    api,
    catalog,
    change,
    ci,
    config,
    container,
    dependencies,
    deploy,
    docs,
    live,
    observability,
    quality,
    security,
    tests,
    workload,
)
from rung.checks.hookspecs import hookimpl

MODULES = (
    docs,
    container,
    config,
    deploy,
    ci,
    change,
    catalog,
    quality,
    dependencies,
    tests,
    observability,
    security,
    api,
    live,
    workload,
)


@hookimpl
def rung_checks() -> list[CheckSpec]:
    return [spec for module in MODULES for spec in module.CHECKS]
