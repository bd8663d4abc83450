"""Live probes of running services. (Filled in by the collection work.)"""

from __future__ import annotations

from rung.catalog.entity import Service
from rung.collect.facts import LiveProbe


def probe_live(service: Service) -> dict[str, LiveProbe]:
    return {}
