"""`opsuite import`, `export`, `backup` and `restore`, run as an operator would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import Cli, make_cli


@pytest.fixture
def site(tmp_path: Path) -> Cli:
    cli = make_cli(tmp_path / "site")
    assert cli.run("migrate").returncode == 0
    made = cli.run(
        "createuser",
        "--role=admin",
        "--email=root@example.org",
        "--name=Root",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert made.returncode == 0, made.stderr
    return cli


def test_import_people_checks_then_imports_and_exports_them(site: Cli):
    data = site.folder / "people.csv"
    data.write_text("email,name\nli@example.org,李雷\nbad,Bad\n", encoding="gbk")
    refused = site.run("import", "people", str(data))
    assert refused.returncode == 1
    assert "line 3, column email" in refused.stderr
    assert "0 imported" in refused.stdout
    dry = site.run("import", "people", str(data), "--dry-run")
    assert "1 valid, 1 errors, 0 imported" in dry.stdout
    partly = site.run("import", "people", str(data), "--only-valid")
    assert partly.returncode == 0, partly.stderr
    assert "1 imported" in partly.stdout

    exported = site.run("export")
    assert exported.returncode == 0, exported.stderr
    people = json.loads(exported.stdout)["people"]
    assert sorted(p["name"] for p in people) == ["Root", "李雷"]
    folder = site.folder / "csv"
    assert site.run("export", "--csv-dir", str(folder), "--bom").returncode == 0
    assert (folder / "people.csv").read_text(encoding="utf-8").startswith("\ufeffid,email")


def test_backup_and_restore_refuse_a_full_database_unless_forced(site: Cli):
    backup = site.folder / "backup.jsonl"
    made = site.run("backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert "Backed up" in made.stdout
    refused = site.run("restore", str(backup))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    forced = site.run("restore", str(backup), "--force")
    assert forced.returncode == 0, forced.stderr
    assert site.row_counts()["users"] == 1
