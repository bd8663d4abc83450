"""A static, self-contained HTML portfolio report (every repository string escaped)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rung.scanner import ScanResult


def cell_class(achieved: int, required: int) -> str:
    if achieved > required:
        return "above"
    if achieved == required:
        return "meets"
    if achieved == required - 1:
        return "below1"
    return "below2"


def render_html_report(result: ScanResult) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("rung.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    model = result.model.model
    areas = [a for _, a in model.areas()]
    rows: list[dict[str, Any]] = []
    for a in result.assessments:
        rows.append(
            {
                "name": a.name,
                "owner": a.scan.service.owner or "",
                "critical": bool(a.scan.service.critical_path),
                "required": a.required,
                "achieved": a.achieved,
                "gaps": sum(len(r.gaps) for r in a.areas.values()),
                "cells": [
                    {
                        "level": a.areas[ar.id].achieved,
                        "cls": cell_class(a.areas[ar.id].achieved, a.areas[ar.id].required),
                        "title": f"{a.name} / {ar.name}: {a.areas[ar.id].achieved} of "
                        f"{a.areas[ar.id].required} required",
                    }
                    for ar in areas
                ],
            }
        )
    return env.get_template("report.html.j2").render(
        model=model, areas=areas, rows=rows, as_of=result.as_of.strftime("%Y-%m-%d")
    )


def write_html_report(result: ScanResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(result), encoding="utf-8")
    return path
