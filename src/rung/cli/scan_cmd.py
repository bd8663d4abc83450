"""`rung scan`: discover services, collect evidence, compute levels, print the report."""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

import click

from rung.cli.db_options import db_option, open_store, pause_hook
from rung.cli.options import AS_OF, console
from rung.cli.workspace_opts import config_option

if TYPE_CHECKING:
    from rung.assess.explain import ReportContext
    from rung.assess.service import ServiceAssessment
    from rung.model.workspace import Workspace
    from rung.scanner import Prior, ScanResult
    from rung.store.api import Store


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(), required=True)
@click.option("--catalog", type=click.Path(dir_okay=False), help="Central catalog file.")
@click.option(
    "--model",
    "model_ref",
    help="Built-in model id or a model YAML file [default: the workspace's, else microservices].",
)
@click.option("--profile", help="Business profile for services that declare none.")
@click.option("--as-of", "as_of", type=AS_OF, help="Fix 'now' (ISO date) for reproducible signals.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "summary"]),
    default="table",
    show_default=True,
    help="summary: a few lines (services, reused, levels below required): for scheduled "
    "scans of big portfolios; `rung report` renders the stored snapshot in full.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("--service", "service_name", help="Show one service's detail.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel workers (default: CPUs).")
@click.option(
    "--executor",
    metavar="local|dask://HOST:PORT",
    help="Where repository scans run: the local process pool (default) or an existing "
    "Dask scheduler (dask://HOST:PORT or tcp://HOST:PORT; pip install 'rung[dask]').",
)
@click.option(
    "--task-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="A repository scan running longer is abandoned: its services are unknown.",
)
@click.option("--no-live", is_flag=True, help="Skip live endpoint probes.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--full", is_flag=True, help="Ignore the incremental cache: rescan every service.")
@click.option("--no-store", is_flag=True, help="Do not store a snapshot (no database).")
@config_option
@db_option
def scan(
    paths: tuple[str, ...],
    catalog: str | None,
    model_ref: str,
    profile: str | None,
    as_of: datetime | None,
    fmt: str,
    out: str | None,
    service_name: str | None,
    jobs: int | None,
    executor: str | None,
    task_timeout: float | None,
    no_live: bool,
    quiet: bool,
    full: bool,
    no_store: bool,
    config: str | None,
    db_url: str | None,
) -> int:
    """Scan the repositories under PATHS (one repository, or folders holding many) and
    store a snapshot. Services whose HEAD, root, catalog entry, model and check suite are
    unchanged since the last snapshot reuse its results (live checks always re-run).

    The workspace file (rung.yaml, or --config) sets the risk policy, stability, default
    model and profile; attestations and waivers in force at the as-of time count."""
    from datetime import UTC

    from rung.assess.portfolio import effective_policy
    from rung.catalog.cache import DiscoveryCache, default_path
    from rung.cli.workspace_opts import load_ws
    from rung.model.loader import load_model

    cache = default_path(paths)  # the discovery cache; the model's is kept next to it
    with long_lived():  # what the scan starts from lives until it ends
        ws = load_ws(config)
        ref = model_ref or ws.model or "microservices"
        model = load_model(ref, cache=os.path.dirname(cache))
    policy = effective_policy(model.model, ws)
    profile = profile or ws.profile
    now = datetime.now(UTC).replace(microsecond=0)
    as_of = as_of or now
    start = None
    if not no_store:
        report = fmt != "summary" or service_name is not None
        start = _StoreStart(db_url, None if full else model.hash, as_of, now, ws, report=report)
    try:
        result = execute_scan(
            list(paths),
            model,
            discovery_cache=DiscoveryCache(cache, refresh=full),
            catalog=catalog,
            as_of=as_of,
            profile=profile,
            jobs=jobs,
            executor=executor,
            task_timeout=task_timeout,
            live=not no_live,
            quiet=quiet,
            prior=start,
            policy=policy,
            stability=ws.stability,
        )
        snapshot_id = None
        if start is not None and start.store is not None:
            snapshot_id = start.store.save(result, profile=profile, full=full, pause=pause_hook())
    finally:
        if start is not None and start.store is not None:
            start.store.close()
    rc = emit(
        result,
        fmt=fmt,
        out=out,
        service_name=service_name,
        snapshot_id=snapshot_id,
        context=None if start is None else start.context,
    )
    if snapshot_id is not None and fmt == "table":
        from rung.spool import reused_count

        reused = reused_count(result.assessments)
        console(err=True).print(
            f"snapshot {snapshot_id} stored ({len(result.assessments)} services, {reused} reused)"
        )
    return rc


class _StoreStart:
    """The store's part of a scan's start, a function the scanner runs in a thread while
    discovery runs (rung.scanner.Prior): open the database (a bad one fails the scan
    before any repository is collected), read what the scan starts from (the last
    snapshot's scans for an incremental scan, its stability states, the attestations and
    waivers in force) and, when a report follows, the report context. The open store
    stays here (`store`) for the snapshot write."""

    def __init__(
        self,
        db_url: str | None,
        model_hash: str | None,  # None: a full scan, no previous scans to reuse
        as_of: datetime,
        now: datetime,
        ws: Workspace,
        *,
        report: bool,
    ) -> None:
        self.db_url, self.model_hash, self.as_of, self.now = db_url, model_hash, as_of, now
        self.ws, self.report = ws, report
        self.store: Store | None = None
        self.context: ReportContext | None = None

    def __call__(self) -> Prior:
        from rung.scanner import Prior

        store = self.store = open_store(self.db_url)
        with long_lived():  # what the scan starts from lives until it ends
            previous = None if self.model_hash is None else store.previous_scans(self.model_hash)
            prior = Prior(
                previous=previous,
                states=store.previous_states(),
                overrides=store.overrides_in_force(self.as_of),
            )
            if self.report:  # what a report says beyond the levels
                self.context = store.report_context(
                    None, as_of=self.as_of, recorded_by=self.now, stability=self.ws.stability
                )
        return prior


@contextmanager
def long_lived() -> Iterator[None]:
    """For objects made inside that live as long as the process (the model, the previous
    snapshot's scans: tens of thousands of objects, none of them cyclic garbage): the
    cyclic garbage collector is paused while they are made, then they are frozen
    (gc.freeze) so that no later collection walks them again. Saves a fifth of a
    no-change rescan's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def execute_scan(paths: list[str], model, *, quiet: bool = False, **kw) -> ScanResult:  # type: ignore[no-untyped-def]
    from rung.scanner import run_scan

    if quiet:
        return run_scan(paths, model, **kw)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("repos · {task.fields[services]} services"),
        TimeRemainingColumn(),
        console=console(err=True),
        transient=True,
    ) as bar:
        task = bar.add_task("scan", total=None, services=0)

        def on_progress(p) -> None:  # type: ignore[no-untyped-def]
            bar.update(task, total=p.repos_total, completed=p.repos_done, services=p.services_done)

        return run_scan(paths, model, progress=on_progress, **kw)


def emit(
    result: ScanResult,
    *,
    fmt: str,
    out: str | None,
    service_name: str | None,
    snapshot_id: int | None = None,
    context: ReportContext | None = None,
) -> int:
    if fmt == "summary" and service_name is None:
        return _summary(result, out, snapshot_id)
    from rung.assess.explain import ReportContext

    context = context or ReportContext()

    assessments: Sequence[ServiceAssessment] = result.assessments  # read one at a time
    if service_name is not None:
        assessments = [a for a in assessments if a.name == service_name]
        if not assessments:
            from rung.errors import UsageError

            names = ", ".join(a.name for a in result.assessments[:20])
            raise UsageError(f"no service named {service_name!r}; services: {names}")
    if fmt == "json":
        from rung.report.jsondoc import iso, portfolio_json

        doc = portfolio_json(
            result.model,
            [],
            snapshot={
                "id": snapshot_id,
                "as_of": iso(result.as_of),
                "started_at": iso(result.started_at),
                "finished_at": iso(result.finished_at),
            },
            warnings=result.warnings,
            context=context,
        )
        doc["services"] = _Services(assessments, context)
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                write_json(doc, fh.write)
        else:
            write_json(doc, lambda text: click.echo(text, nl=False))
        return 0
    from rung.report.explain_text import print_portfolio_notes, print_service_detail
    from rung.report.text import print_portfolio, print_service

    assessments = list(assessments)  # the terminal report reads the portfolio several times
    con = console() if not out else None
    if out:
        from rich.console import Console

        fh = open(out, "w", encoding="utf-8")  # noqa: SIM115
        con = Console(file=fh, width=100, highlight=False, no_color=True)
    assert con is not None
    model = result.model.model
    if service_name is not None:
        print_service(con, model, assessments[0])
        print_service_detail(con, assessments[0], context)
    else:
        title = (
            f"rung · {model.name} v{model.version} · {len(assessments)} services · "
            f"as of {result.as_of:%Y-%m-%d}"
        )
        print_portfolio(con, model, assessments, title)
        print_portfolio_notes(con, assessments, context)
    for w in result.warnings[:20]:
        console(err=True).print("[yellow]warning:[/]", _esc(w))
    if out:
        con.file.close()
    return 0


def _summary(result: ScanResult, out: str | None, snapshot_id: int | None) -> int:
    """A few lines from the assessments' briefs (the spool is not read)."""
    from rich.console import Console

    from rung.report.text import print_summary
    from rung.spool import briefs

    brief = briefs(result.assessments)
    model = result.model.model
    stored = f" · snapshot {snapshot_id}" if snapshot_id is not None else ""
    reused = sum(1 for b in brief if b.reused)
    title = (
        f"rung · {model.name} v{model.version} · {len(brief)} services ({reused} reused) · "
        f"as of {result.as_of:%Y-%m-%d}{stored}"
    )
    fh = open(out, "w", encoding="utf-8") if out else None  # noqa: SIM115
    con = Console(file=fh, width=100, highlight=False, no_color=True) if fh else console()
    try:
        con.print(_esc(title), highlight=False)
        print_summary(con, brief)
        if result.warnings:
            con.print(f"{len(result.warnings)} warning(s); the first: {_esc(result.warnings[0])}")
    finally:
        if fh is not None:
            fh.close()
    return 0


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


# ----- the JSON report, streamed ------------------------------------------------------
#
# Exactly the text of json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n",
# written one service at a time: the whole document is never held as one string, and the
# encoder is about twice as fast as the standard library's pure-Python indenting one.


class _Services:
    """The report's "services" list, rendered as it is written."""

    def __init__(self, assessments: Sequence[ServiceAssessment], context: ReportContext) -> None:
        self.assessments, self.context = assessments, context

    def items(self) -> Any:
        from rung.report.jsondoc import service_json

        for a in self.assessments:
            doc = service_json(a, self.context.explain(a))
            # area results are shared objects (AreaCache) and most findings repeat across
            # services: their text is encoded once (see _Memo)
            doc["areas"] = {
                area_id: _Memo(("area", id(r)), r, value)
                for (area_id, value), r in zip(doc["areas"].items(), a.areas.values(), strict=True)
            }
            doc["checks"] = {
                cid: _Memo(("check", f), f, value)
                for (cid, value), f in zip(
                    doc["checks"].items(), (a.scan.findings[c] for c in doc["checks"]), strict=True
                )
            }
            yield doc


class _Memo:
    """A value whose encoded text is kept by key while one document is written; `owner`
    (the object the key names) stays alive with the text, so an `id()` key stays valid."""

    __slots__ = ("key", "owner", "value")

    def __init__(self, key: object, owner: object, value: Any) -> None:
        self.key, self.owner, self.value = key, owner, value


_MEMO_LIMIT = 50_000  # encoded texts kept at once (memory stays bounded)


def write_json(doc: Any, write: Callable[[str], object]) -> None:
    out: list[str] = []
    _TEXTS.clear()
    try:
        _encode(doc, 0, out, write)
    finally:
        _TEXTS.clear()
    out.append("\n")
    write("".join(out))


_TEXTS: dict[tuple[object, int], tuple[object, str]] = {}  # (_Memo key, level) -> owner, text


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if math.isinf(o):
        return "Infinity" if o > 0 else "-Infinity"
    return float.__repr__(o)


_KEYWORDS: dict[object, str] = {True: "true", False: "false", None: "null"}


def _key(k: object) -> str:
    if isinstance(k, str):
        return k
    if k is None or isinstance(k, bool):
        return _KEYWORDS[k]
    if isinstance(k, float):
        return _float(k)
    if isinstance(k, int):
        return int.__repr__(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _scalar(o: object) -> str | None:
    if isinstance(o, str):
        return encode_basestring(o)
    if o is None or isinstance(o, bool):
        return _KEYWORDS[o]
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    return None


def _encode(o: Any, level: int, out: list[str], write: Callable[[str], object] | None) -> None:
    text = _scalar(o)
    if text is not None:
        out.append(text)
    elif isinstance(o, dict):
        items = [(encode_basestring(_key(k)) + ": ", v) for k, v in o.items()]
        _container("{}", items, level, out, write)
    elif isinstance(o, list | tuple):
        _container("[]", [("", v) for v in o], level, out, write)
    elif isinstance(o, _Services):
        _stream(o, level, out, write)
    elif isinstance(o, _Memo):
        known = _TEXTS.get((o.key, level))
        if known is None:
            part: list[str] = []
            _encode(o.value, level, part, None)
            if len(_TEXTS) >= _MEMO_LIMIT:
                _TEXTS.clear()
            known = _TEXTS[(o.key, level)] = (o.owner, "".join(part))
        out.append(known[1])
    else:
        out.append(encode_basestring(str(o)))


def _container(
    brackets: str,
    items: list[tuple[str, Any]],
    level: int,
    out: list[str],
    write: Callable[[str], object] | None,
) -> None:
    if not items:
        out.append(brackets)
        return
    inner = "\n" + "  " * (level + 1)
    sep = brackets[0] + inner
    for prefix, value in items:
        out.append(sep + prefix)
        _encode(value, level + 1, out, write)
        sep = "," + inner
    out.append("\n" + "  " * level + brackets[1])


def _stream(
    services: _Services, level: int, out: list[str], write: Callable[[str], object] | None
) -> None:
    inner = "\n" + "  " * (level + 1)
    sep = "[" + inner
    empty = True
    for item in services.items():
        out.append(sep)
        _encode(item, level + 1, out, None)
        sep = "," + inner
        empty = False
        if write is not None:
            write("".join(out))
            out.clear()
    out.append("[]" if empty else "\n" + "  " * level + "]")
