"""Built-in checks: observability."""

from __future__ import annotations

from rung.checks.base import CheckSpec

CHECKS: tuple[CheckSpec, ...] = ()
