"""Assessments kept on disk while a scan runs, so the scan's memory stays flat in the
number of services.

A scan assesses each service as its repository's results arrive, appends the
assessment (pickled: plain rung dataclasses, written and read by this process only) to
an anonymous temporary file, and keeps only its name and place in memory. The
`Spool` is a read-only `Sequence` sorted by service name: each read unpickles one
assessment, so storing the snapshot and writing the report walk the portfolio one
service at a time. The file is deleted when the spool is closed or collected.

Most area and expectation results are the same across services (same state, same
failing checks): the spool keeps each distinct one once, in memory, and the pickles
refer to it (pickle's persistent ids), so a service's record is small and quick to read.
"""

from __future__ import annotations

import io
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, overload

from rung.assess.levels import AreaResult, ExpectationResult
from rung.assess.service import ServiceAssessment


class Spool(Sequence[ServiceAssessment]):
    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="rung-spool-")  # noqa: SIM115
        self._end = 0
        self._index: list[tuple[str, int, int]] = []  # name, offset, length
        self._sorted = True
        self._shared: dict[AreaResult | ExpectationResult, int] = {}
        self._table: list[AreaResult | ExpectationResult] = []

    def _persistent_id(self, obj: object) -> int | None:
        if type(obj) is not AreaResult and type(obj) is not ExpectationResult:
            return None
        key = self._shared.get(obj)
        if key is None:
            key = self._shared[obj] = len(self._table)
            self._table.append(obj)
        return key

    def add(self, assessment: ServiceAssessment) -> None:
        buf = io.BytesIO()
        pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = self._persistent_id  # type: ignore[method-assign]
        pickler.dump(assessment)
        data = buf.getvalue()
        self._file.seek(self._end)
        self._file.write(data)
        if self._index and assessment.name < self._index[-1][0]:
            self._sorted = False
        self._index.append((assessment.name, self._end, len(data)))
        self._end += len(data)

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
        unpickler = pickle.Unpickler(io.BytesIO(self._file.read(length)))  # our own file
        unpickler.persistent_load = self._table.__getitem__  # type: ignore[method-assign]
        loaded: ServiceAssessment = unpickler.load()
        return loaded

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
