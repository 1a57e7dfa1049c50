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

    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def table(self) -> list[list[Cell]]:
        """Rows as lists in column order (what the CSV holds)."""
        return [[row[column.key] for column in self.columns] for row in self.rows]

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
