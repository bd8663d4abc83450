"""Secret scan through detect-secrets. (Filled in by the collection work.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rung.collect.facts import SecretHit


def scan_secrets(
    repo_path: str, texts: Mapping[str, str], files: Sequence[str]
) -> tuple[list[SecretHit], str | None]:
    return [], None
