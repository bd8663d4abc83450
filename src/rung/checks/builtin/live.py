"""Built-in checks: live."""

from __future__ import annotations

from rung.checks.base import CheckSpec

CHECKS: tuple[CheckSpec, ...] = ()
