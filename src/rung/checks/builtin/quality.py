"""Built-in checks: quality."""

from __future__ import annotations

from rung.checks.base import CheckSpec

CHECKS: tuple[CheckSpec, ...] = ()
