"""What every report produces: columns and rows (the one source for the table, chart, CSV and
JSON) plus which columns the bar chart draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opsuite.reports.service.filters import ReportFilter

Cell = str | int | float


@dataclass(frozen=True)
class ReportColumn:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Report:
    name: str  # hours, fill, coverage, throughput
    title: str
    filter: ReportFilter
    columns: tuple[ReportColumn, ...]
    rows: list[dict[str, Cell]]
    chart_label: str  # column key naming each bar
    chart_values: tuple[str, ...]  # column keys stacked in each bar
    totals: dict[str, Cell] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # Set (to "Total" in the viewer's language) when the totals are a row of the table and of
    # the CSV, as in the programs x months cross-tab; other reports keep their totals in JSON.
    totals_label: str = ""

    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def table(self) -> list[list[Cell]]:
        """Rows as lists in column order (what the CSV holds), then the totals row if any."""
        rows = [[row[column.key] for column in self.columns] for row in self.rows]
        if self.totals_label:
            rows.append(self.totals_row())
        return rows

    def totals_row(self) -> list[Cell]:
        first = self.columns[0].key
        return [
            self.totals_label if c.key == first else self.totals.get(c.key, "")
            for c in self.columns
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "filter": self.filter.query(),
            "columns": [
                {"key": c.key, "label": c.label, "numeric": c.numeric} for c in self.columns
            ],
            "rows": self.rows,
            "totals": self.totals,
        }


def hours(minutes: int | float) -> float:
    return round(minutes / 60, 2)


def percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
