"""Bar charts as SVG text, drawn on the server for the printed pack (R-MTG-2): WeasyPrint runs no JavaScript, so
the PDF cannot use the page's ECharts. Pure: no ORM, no Django.

`bar_chart_svg` draws grouped vertical bars — one group per label (a window), one bar per series — with a value
axis from zero, a few grid lines, the value over each bar, the labels under the groups and a legend. Text is
escaped; Chinese labels are drawn in the font family the document names (the PDF's CJK font).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6db5", "#e08a2e", "#3d9a5b", "#b8453d", "#7b5ea7")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no value (drawn as no bar)


def nice_max(value: float) -> float:
    """A round upper bound of the axis at or above `value` (1, 2, 2.5, 5 × a power of ten); 1 for nothing."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def bar_chart_svg(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 680,
    height: int = 260,
    unit: str = "",
    maximum: float | None = None,
    font_family: str = "sans-serif",
) -> str:
    """The chart as a standalone `<svg>` element (its text is real text, so a PDF keeps it searchable)."""
    left, right, top, bottom = 44, 12, 34, 54
    plot_w = max(1, width - left - right)
    plot_h = max(1, height - top - bottom)
    values = [v for s in series for v in s.values if v is not None]
    top_value = maximum if maximum is not None else nice_max(max(values, default=0.0))
    font = escape(font_family, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{font}" font-size="11" role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    # Grid lines and the value axis.
    ticks = 4
    for i in range(ticks + 1):
        value = top_value * i / ticks
        y = top + plot_h - plot_h * i / ticks
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_number(value)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>'
    )
    groups = max(1, len(labels))
    group_w = plot_w / groups
    bar_w = max(2.0, min(28.0, group_w * 0.8 / max(1, len(series))))
    for g, label in enumerate(labels):
        x0 = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for s_index, one in enumerate(series):
            raw = one.values[g] if g < len(one.values) else None
            if raw is None:
                continue
            value = float(raw)
            h = plot_h * min(max(value, 0.0), top_value) / top_value
            x = x0 + s_index * bar_w
            y = top + plot_h - h
            colour = PALETTE[s_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" font-size="9">'
                f"{_number(value)}{escape(unit)}</text>"
            )
        cx = left + g * group_w + group_w / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{escape(label[:12])}</text>'
        )
    # The legend, under the labels.
    x = left
    for s_index, one in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        y = height - 14
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}">{escape(one.name)}</text>')
        x += 24 + 12 * len(one.name)
    parts.append("</svg>")
    return "".join(parts)
