"""Server-side SVG charts: no JavaScript, offline by construction, testable as text.

Every text that reaches the SVG (series names, labels, titles) is escaped here; the
templates insert the result with `|safe`, so this module is the one place that must
never emit a raw string.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
LEVEL_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Frame:
    """Plot area geometry: x over `n` points, y over 0..ymax."""

    width: int
    height: int
    n: int
    ymax: float
    pad_left: int = 44
    pad: int = 28

    def x(self, i: int) -> float:
        span = self.width - self.pad_left - self.pad
        return self.pad_left + (span / 2 if self.n <= 1 else i * span / (self.n - 1))

    def y(self, v: float) -> float:
        span = self.height - 2 * self.pad
        return self.height - self.pad - (v / self.ymax if self.ymax else 0) * span


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" '
        f'role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>'
    )


def _y_grid(f: Frame, ticks: Sequence[float], unit: str) -> list[str]:
    return [
        f'<line x1="{f.pad_left}" x2="{f.width - f.pad}" y1="{_num(f.y(v))}" '
        f'y2="{_num(f.y(v))}" stroke="#ddd"/>'
        f'<text x="{f.pad_left - 6}" y="{_num(f.y(v) + 4)}" text-anchor="end">'
        f"{_e(short(v))}{_e(unit)}</text>"
        for v in ticks
    ]


def _x_labels(f: Frame, labels: Sequence[str], every: int) -> list[str]:
    return [
        f'<text x="{_num(f.x(i))}" y="{f.height - f.pad + 16}" text-anchor="middle">'
        f"{_e(lab)}</text>"
        for i, lab in enumerate(labels)
        if i % every == 0 or i == len(labels) - 1
    ]


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    ymax: float,
    ticks: Sequence[float] | None = None,
    unit: str = "",
    width: int = 640,
    height: int = 220,
    title: str = "chart",
) -> str:
    """One polyline per series over `labels` (x), fixed y range 0..ymax, with a legend.
    A single point is drawn as a dot."""
    if ticks is None:
        ticks = _ticks(ymax)
        ymax = max(ymax, ticks[-1])
    f = Frame(width, height, len(labels), ymax)
    out = [_open(width, height, title)]
    out += _y_grid(f, ticks, unit)
    out += _x_labels(f, labels, max(1, len(labels) // 8))
    for k, (name, ys) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        pts = " ".join(f"{_num(f.x(i))},{_num(f.y(v))}" for i, v in enumerate(ys))
        out.append(
            f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{pts}"><title>{_e(name)}</title></polyline>'
        )
        out += [
            f'<circle cx="{_num(f.x(i))}" cy="{_num(f.y(v))}" r="3" fill="{colour}">'
            f"<title>{_e(name)} {_e(labels[i])}: {_e(_num(v))}{_e(unit)}</title></circle>"
            for i, v in enumerate(ys)
        ]
        lx = f.pad_left + 8 + k * 130
        out.append(
            f'<rect x="{lx}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="13">{_e(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _ticks(ymax: float) -> list[float]:
    """0 .. a round number at or above ymax, in 2 to 6 round steps (1, 2 or 5 x 10^k)."""
    if ymax <= 6:
        return [float(v) for v in range(math.ceil(ymax) + 1)]
    power = 10 ** math.floor(math.log10(ymax / 4))
    step = next(m * power for m in (1, 2, 5, 10) if ymax / (m * power) <= 5)
    return [float(step * i) for i in range(math.ceil(ymax / step) + 1)]


def short(v: float) -> str:
    """A compact axis label: 950, 1.5k, 224k, 3.1M."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= size:
            text = f"{v / size:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return _num(v)


def level_bars(
    counts: Mapping[Any, int], *, width: int = 320, height: int = 120, title: str = "levels"
) -> str:
    """Services per level as horizontal bars (level 0 at the top); keys are levels as
    int or str."""
    top = max(counts.values(), default=0) or 1
    bar_h = max(8, (height - 8) // max(1, len(counts)) - 4)
    out = [_open(width, height, title)]
    for i, (level, n) in enumerate(sorted((int(k), v) for k, v in counts.items())):
        y = 4 + i * (bar_h + 4)
        w = (width - 90) * n / top
        colour = LEVEL_COLOURS[min(level, len(LEVEL_COLOURS) - 1)]
        out.append(
            f'<text x="4" y="{y + bar_h - 2}">level {_e(level)}</text>'
            f'<rect class="bar" x="56" y="{y}" width="{_num(w)}" height="{bar_h}" '
            f'fill="{colour}"><title>level {_e(level)}: {_e(n)}</title></rect>'
            f'<text x="{_num(60 + w)}" y="{y + bar_h - 2}">{_e(n)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
