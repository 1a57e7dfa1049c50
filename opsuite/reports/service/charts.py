"""Bar charts as SVG built on the server with plain Python: readable without JavaScript, with a
<title> and <desc> for screen readers, printable with the page."""

from __future__ import annotations

from markupsafe import Markup, escape

from opsuite.reports.service.model import Report
from opsuite.web.i18n import gettext as _

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 240
BAR_WIDTH = 420
VALUE_WIDTH = 90
COLORS = ("#2a6f97", "#e9a23b")
MAX_BARS = 40


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def bar_chart(report: Report, *, key: str = "chart") -> Markup:
    """A horizontal bar per row (the first MAX_BARS), the chart's value columns stacked.
    ``key`` starts the ids of its title and description (two charts on a page: two keys)."""
    rows = report.rows[:MAX_BARS]
    columns = {c.key: c.label for c in report.columns}
    series = [columns[key] for key in report.chart_values]
    totals = [sum(float(row[key] or 0) for key in report.chart_values) for row in rows]
    peak = max(totals, default=0.0) or 1.0
    height = len(rows) * (BAR_HEIGHT + GAP) + 40
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    title = _("%(report)s: %(series)s", report=report.title, series=", ".join(series))
    desc = "; ".join(
        f"{row[report.chart_label]}: "
        + ", ".join(f"{columns[k]} {_number(float(row[k] or 0))}" for k in report.chart_values)
        for row in rows
    ) or _("No data in this range.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(desc)}</desc>',
    ]
    for index, name in enumerate(series):
        left = LABEL_WIDTH + index * 160
        parts.append(
            f'<rect x="{left}" y="4" width="12" height="12" fill="{COLORS[index % 2]}"/>'
            f'<text x="{left + 16}" y="15" font-size="12">{escape(name)}</text>'
        )
    for index, (row, total) in enumerate(zip(rows, totals, strict=True)):
        y = 30 + index * (BAR_HEIGHT + GAP)
        label = str(row[report.chart_label])
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(short)}</text>"
        )
        x = float(LABEL_WIDTH)
        for position, key in enumerate(report.chart_values):
            value = float(row[key] or 0)
            length = BAR_WIDTH * value / peak
            if length > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{COLORS[position % 2]}"/>'
                )
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12">{_number(total)}</text>')
    parts.append("</svg>")
    # Every piece of text in it went through escape() above.
    return Markup("".join(parts))  # noqa: S704  # all text escaped  # nosec B704
