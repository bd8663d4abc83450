"""`/metrics` in the Prometheus exposition format (prometheus-client), from the latest
snapshot; kept out of the OpenAPI document.

- rung_service_level{service,area,team}: achieved level per area
- rung_service_required_level{service,team}
- rung_gap_weight{service,team}: summed weight of the service's gaps (product.md §4)
- rung_expectations_unmet{area}: (service, expectation) pairs not met, whatever the level
- rung_last_scan_timestamp_seconds: when the latest snapshot's scan finished
- rung_scan_duration_seconds: how long it took
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from fastapi.responses import Response

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from rung.web.context import WebContext
    from rung.web.portfolio import Portfolio


def families(p: Portfolio) -> Iterator[Metric]:
    from prometheus_client.core import GaugeMetricFamily

    level = GaugeMetricFamily(
        "rung_service_level", "Achieved level per area", labels=["service", "area", "team"]
    )
    required = GaugeMetricFamily(
        "rung_service_required_level", "Required level", labels=["service", "team"]
    )
    weight = GaugeMetricFamily(
        "rung_gap_weight", "Summed gap weight of the service", labels=["service", "team"]
    )
    unmet: Counter[str] = Counter()
    for row in p.rows:
        a = p.by_name[row.name]
        for area_id, result in a.areas.items():
            level.add_metric([row.name, area_id, row.team], result.achieved)
            unmet[area_id] += len(result.unmet)
        required.add_metric([row.name, row.team], row.required)
        weight.add_metric([row.name, row.team], row.gap_weight)
    unmet_fam = GaugeMetricFamily(
        "rung_expectations_unmet", "Unmet (service, expectation) pairs", labels=["area"]
    )
    for _, area in p.areas():
        unmet_fam.add_metric([area.id], unmet[area.id])
    info = p.snapshot
    yield level
    yield required
    yield weight
    yield unmet_fam
    yield GaugeMetricFamily(
        "rung_last_scan_timestamp_seconds",
        "When the latest snapshot's scan finished (Unix time)",
        value=info.finished_at.timestamp(),
    )
    yield GaugeMetricFamily(
        "rung_scan_duration_seconds",
        "How long the latest snapshot's scan took",
        value=(info.finished_at - info.started_at).total_seconds(),
    )


class _Collector:
    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        from rung.web.context import NoSnapshot

        try:
            p = self.ctx.portfolio()
        except NoSnapshot:
            return
        yield from families(p)


def metrics_route(ctx: WebContext) -> Callable[[], Response]:
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(ctx))

    def metrics() -> Response:
        """The exposition of the latest snapshot, generated once per snapshot."""
        sid = ctx.latest_id()
        body = ctx.memo(("metrics", sid), lambda: generate_latest(registry))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
