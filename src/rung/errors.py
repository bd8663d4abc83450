"""One place for fatal errors and exit codes (see CONTRIBUTING.md)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    GATE_FAILED = 1  # below the required level / gate failed
    USAGE = 2  # bad configuration or usage
    INTERNAL = 3  # internal error


class RungError(Exception):
    """An error the user can act on; the CLI prints it without a traceback."""

    exit_code: ExitCode = ExitCode.USAGE


class ConfigError(RungError):
    """A model, catalog or workspace file is invalid."""


class UsageError(RungError):
    """The command line asks for something impossible."""


class StorageError(RungError):
    """The database cannot be used as asked."""
