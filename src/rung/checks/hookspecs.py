"""The plugin hook: built-in checks and third-party plugins register the same way.

A plugin is a module (or object) with a `rung_checks` hook implementation, published under
the `rung` entry-point group:

    [project.entry-points.rung]
    mycompany = "mycompany_rung.checks"
"""

from __future__ import annotations

import pluggy

from rung.checks.base import CheckSpec

PROJECT = "rung"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class RungSpec:
    @hookspec
    def rung_checks(self) -> list[CheckSpec]:  # type: ignore[empty-body]
        """Return the checks this plugin provides."""
