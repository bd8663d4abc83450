"""Secret scan cost per file: detect-secrets used naively vs rung's candidate-line scan.

Usage: python benchmarks/secret_scan.py [FOLDER] [MAX_FILES]

Scans the text files (<= 1 MiB, UTF-8) of FOLDER (default: the detect_secrets package
itself, whose tests and plugins are full of secret-like strings) both ways, prints CPU
time per file, and lists every finding the naive run has that rung's does not (only
counts and types are printed, never values).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from rung.collect.secrets import scan_repository_secrets

HIGH_ENTROPY = {"Base64 High Entropy String", "Hex High Entropy String"}


def corpus(folder: Path, limit: int) -> dict[str, str]:
    texts: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in {".git", "__pycache__"})
        for name in sorted(filenames):
            full = Path(dirpath, name)
            if full.is_symlink() or full.stat().st_size > 1024 * 1024:
                continue
            try:
                texts[full.relative_to(folder).as_posix()] = full.read_text("utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if len(texts) >= limit:
                return texts
    return texts


def naive(folder: Path, paths: list[str]) -> set[tuple[str, int, str]]:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with default_settings():
            sc = SecretsCollection(root=str(folder))
            for p in paths:
                sc.scan_file(p)
            return {(f, s.line_number, s.type) for f, found in sc.data.items() for s in found}
    finally:
        os.chdir(cwd)


def main() -> None:
    import detect_secrets

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(detect_secrets.__file__).parent)
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    texts = corpus(folder.resolve(), limit)
    paths = sorted(texts)
    t0 = time.process_time()
    slow = naive(folder.resolve(), paths)
    t1 = time.process_time()
    hits, errors = scan_repository_secrets(texts, paths)
    t2 = time.process_time()
    fast = {(h.path, h.line, h.type) for found in hits.values() for h in found}
    n = max(len(paths), 1)
    print(f"{len(paths)} files, {sum(len(t) for t in texts.values()) / 1e6:.1f} MB")
    print(f"naive detect-secrets: {(t1 - t0) / n * 1000:.2f} ms CPU/file, {len(slow)} findings")
    print(f"rung candidate lines: {(t2 - t1) / n * 1000:.2f} ms CPU/file, {len(fast)} findings")
    print(f"speed-up: {(t1 - t0) / max(t2 - t1, 1e-9):.1f}x; errors: {len(errors)}")
    # Findings of the naive run that rung drops, by type. Expected: public IPs (not
    # secrets) and high-entropy strings on lines with no secret-like name.
    # The naive run keeps one line per identical (file, value, type); compare by
    # (file, type) for those duplicates, exactly for the rest.
    missing = [f for f in slow if f not in fast]
    by_file_type = {(p, t) for p, _, t in fast}
    lost = Counter(t for p, _, t in missing if (p, t) not in by_file_type)
    print("naive findings rung does not report, by type:", dict(lost) or "none")


if __name__ == "__main__":
    main()
