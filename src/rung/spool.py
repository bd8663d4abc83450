"""Assessments kept on disk while a scan runs, so the scan's memory stays flat in the
number of services.

A scan assesses each service as its repository's results arrive, appends the
assessment (pickled: plain rung dataclasses, written and read by this process only) to
an anonymous temporary file, and keeps only its name and place in memory. The
`Spool` is a read-only `Sequence` sorted by service name: each read unpickles one
assessment, so storing the snapshot and writing the report walk the portfolio one
service at a time. The file is deleted when the spool is closed or collected.

Most area results are the same across services (rung.assess.levels.AreaCache hands out
one object per distinct result): the spool keeps each once, in memory, and a service's
record names them by number, so it is small and quick to read. A scan that is in memory
anyway (a reused scan, made of the previous snapshot's scan that an incremental scan
holds: `add(..., scan_in_memory=True)`) is kept by reference as well: its record holds
only the assessment. Findings are spooled as the rows the store writes (`finding_rows`:
strings, encoded while the scan runs), so writing the snapshot copies them as they are.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any, NamedTuple, overload

from rung.assess.levels import AreaResult
from rung.assess.service import ServiceAssessment, ServiceScan
from rung.checks.base import Finding
from rung.store.codec import evidence_to_json, finding_from_row


class Brief(NamedTuple):
    """What a portfolio summary needs of one assessment (kept in memory: a few bytes)."""

    name: str
    achieved: int
    required: int
    reused: bool


class Spool(Sequence[ServiceAssessment]):
    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="rung-spool-")  # noqa: SIM115
        self._end = 0
        self._index: list[tuple[str, int, int]] = []  # name, offset, length
        self._briefs: list[Brief] = []
        self._sorted = True
        self._shared: dict[int, int] = {}  # id(AreaResult) -> place in _table
        self._table: list[AreaResult] = []  # kept alive: ids stay valid
        self._scans: list[ServiceScan] = []  # the scans added with scan_in_memory

    def _share(self, area: AreaResult) -> int:
        key = self._shared.get(id(area))
        if key is None:
            key = self._shared[id(area)] = len(self._table)
            self._table.append(area)
        return key

    def add(self, assessment: ServiceAssessment, *, scan_in_memory: bool = False) -> None:
        """Spool `assessment`; with `scan_in_memory` its scan is kept by reference (the
        caller holds it, or what it is made of, in memory anyway) instead of pickled."""
        a = assessment
        areas = [(area_id, self._share(r)) for area_id, r in a.areas.items()]
        scan = a.scan
        part: int | tuple[object, ...]
        if scan_in_memory:
            part = len(self._scans)
            self._scans.append(scan)
        else:
            findings = finding_rows(scan.findings)  # plain strings: quick to pickle and store
            fields = (scan.service, scan.head, scan.signals, scan.stack, scan.notes, scan.git)
            keys = (scan.cache_key, scan.reused, scan.stored)
            part = (fields, findings, keys)
        levels = (a.achieved, a.potential, a.pillars)
        record = (part, a.profile, a.risk, areas, levels)
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        if self._index and a.name < self._index[-1][0]:
            self._sorted = False
        self._index.append((a.name, self._end, len(data)))
        self._end += len(data)
        self._briefs.append(Brief(a.name, a.achieved, a.required, a.scan.reused))

    def briefs(self) -> list[Brief]:
        """Every assessment's brief, sorted by name, without reading the file."""
        return sorted(self._briefs)

    def names(self) -> list[str]:
        self._sort()
        return [name for name, _, _ in self._index]

    def close(self) -> None:
        self._file.close()

    def _sort(self) -> None:
        if not self._sorted:
            self._index.sort(key=lambda item: item[0])
            self._sorted = True

    def _load(self, offset: int, length: int) -> ServiceAssessment:
        self._file.seek(offset)
        record = pickle.loads(self._file.read(length))  # our own file
        part, profile, risk, areas, levels = record
        achieved, potential, pillars = levels
        table = self._table
        return ServiceAssessment(
            scan=self._scans[part] if isinstance(part, int) else _scan(*part),
            profile=profile,
            risk=risk,
            areas={area_id: table[k] for area_id, k in areas},
            achieved=achieved,
            potential=potential,
            pillars=pillars,
        )

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, i: int) -> ServiceAssessment: ...

    @overload
    def __getitem__(self, i: slice) -> list[ServiceAssessment]: ...

    def __getitem__(self, i: int | slice) -> ServiceAssessment | list[ServiceAssessment]:
        self._sort()
        if isinstance(i, slice):
            return [self._load(off, n) for _, off, n in self._index[i]]
        _, off, n = self._index[i]
        return self._load(off, n)

    def __iter__(self) -> Iterator[ServiceAssessment]:
        self._sort()
        for _, off, n in list(self._index):
            yield self._load(off, n)


def _scan(
    fields: tuple[Any, ...], findings: list[FindingRow], keys: tuple[Any, ...]
) -> ServiceScan:
    service, head, signals, stack, notes, git = fields
    return ServiceScan(
        service=service,
        head=head,
        findings=_Findings(findings),
        signals=signals,
        stack=stack,
        notes=notes,
        git=git,
        cache_key=keys[0],
        reused=keys[1],
        stored=keys[2],
    )


FindingRow = tuple[str, str, str, str]  # check id, status, message, evidence JSON


def finding_rows(findings: Mapping[str, Finding]) -> list[FindingRow]:
    """A scan's findings as the store writes them. A spooled scan keeps them in this form
    (encoded while the scan runs, not while the snapshot is written)."""
    if isinstance(findings, _Findings):
        return findings.rows
    return [
        (cid, str(f.status), f.message, evidence_to_json(f.evidence)) for cid, f in findings.items()
    ]


class _Findings(Mapping[str, Finding]):
    """A spooled service's findings: kept as rows (finding_rows), made into Finding
    objects on first use (storing a scan writes the rows as they are)."""

    __slots__ = ("_made", "rows")

    def __init__(self, rows: list[FindingRow]) -> None:
        self.rows = rows
        self._made: dict[str, Finding] | None = None

    def _findings(self) -> dict[str, Finding]:
        if self._made is None:
            self._made = {row[0]: finding_from_row(*row) for row in self.rows}
        return self._made

    def __getitem__(self, key: str) -> Finding:
        return self._findings()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._findings())

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        return dict(self._findings()) == other if isinstance(other, Mapping) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return dict, (self._findings(),)


def reused_count(assessments: Sequence[ServiceAssessment]) -> int:
    """How many assessments come from reused (incremental) scans (a Spool answers from
    its briefs, without reading its file)."""
    return sum(1 for b in briefs(assessments) if b.reused)


def briefs(assessments: Sequence[ServiceAssessment]) -> list[Brief]:
    if isinstance(assessments, Spool):
        return assessments.briefs()
    return sorted(Brief(a.name, a.achieved, a.required, a.scan.reused) for a in assessments)
