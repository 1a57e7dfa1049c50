"""docs/reports.md's worked example of bulk data out stays true to the export: its table of
columns and its reporting schema's tables name each dataset's columns, in the files' order."""

from __future__ import annotations

import re
from pathlib import Path

from opsuite.reports.service.exports import DATASETS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text(encoding="utf-8")


def test_the_column_table_lists_every_column_of_every_file_in_order():
    for name, dataset in DATASETS.items():
        row = re.search(rf"^\| `{name}\.csv` \| (.+) \|$", DOC, re.MULTILINE)
        assert row is not None, f"no row for {name}.csv"
        assert re.findall(r"`(\w+)`(?: \(|,|$)", row[1] + ",") == dataset.keys, name


def test_the_reporting_tables_take_the_files_columns_in_order():
    tables = re.findall(r"CREATE TABLE reporting\.(\w+) \((.*?)\n\);", DOC, re.DOTALL)
    assert {name for name, _body in tables} == {"people", "shifts", "signups", "hours"}
    for name, body in tables:
        columns = [part.split()[0] for part in re.split(r",\s*", " ".join(body.split()))]
        assert columns == DATASETS[name].keys, name
        assert f"\\copy reporting.{name} FROM '{name}.csv'" in DOC
