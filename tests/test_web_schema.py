"""Schemathesis over the dashboard's OpenAPI document (issue 6).

Run programmatically (hypothesis `given` over each operation's strategy), so its pytest
plugin is never loaded (pyproject's addopts has `-p no:schemathesis`, which saves every
other pytest start about a second; its `from_fixture` also breaks on pytest 9).
Examples per operation are few: the point is that no generated request makes the server
fail (5xx) or answer outside its documented schema, not a long fuzzing run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from rung.web.app import create_app
from webkit import portfolio_copy

schemathesis = pytest.importorskip("schemathesis")
EXAMPLES = 8
AUTH = {"Authorization": "Bearer schema-secret"}


def _check(operation: Any, headers: dict[str, str]) -> None:
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    # A write may refuse well-formed data about things that do not exist (an unknown
    # service or expectation, an expiry in the past): 400 is right there, so the
    # "schema-valid data must be accepted" check only applies to the reads.
    excluded = [positive_data_acceptance] if operation.method.upper() != "GET" else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()


def test_api_conforms_to_its_schema(tmp_path: Path) -> None:
    url = portfolio_copy(tmp_path)
    app = create_app(url, token="ci:schema-secret", warm_up=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for op in operations:
        try:
            _check(op, AUTH)
        except BaseException as exc:  # report every operation's failure, not the first only
            failures.append(f"{op.label}: {exc}")
    app.state.ctx.store.close()
    assert failures == []
