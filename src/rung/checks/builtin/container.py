"""Built-in checks: container."""

from __future__ import annotations

from rung.checks.base import CheckSpec

CHECKS: tuple[CheckSpec, ...] = ()
