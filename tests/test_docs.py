"""Documentation that cannot drift: every setting and every command is in the README."""

from __future__ import annotations

import argparse
from pathlib import Path

from opsuite.cli import REFERENCE_END, REFERENCE_START, build_parser, settings_reference
from opsuite.settings import SPEC

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def subcommands() -> list[str]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    raise AssertionError("the opsuite parser has no subcommands")


async def test_every_setting_is_in_the_readme_by_its_environment_variable():
    missing = [option.env for option in SPEC if f"`{option.env}`" not in README]
    assert not missing, f"run `make docs`; missing from README.md: {missing}"


async def test_readme_configuration_table_matches_the_settings_spec():
    start = README.index(REFERENCE_START) + len(REFERENCE_START)
    table = README[start : README.index(REFERENCE_END)]
    assert table == settings_reference(), "README.md is out of date: run `make docs`"


async def test_every_cli_subcommand_is_in_the_readme():
    commands = subcommands()
    assert {"serve", "migrate", "createuser", "demo", "check", "sendtestmail", "worker"} <= set(
        commands
    )
    missing = [name for name in commands if f"`opsuite {name}" not in README]
    assert not missing, f"undocumented commands: {missing}"


async def test_every_make_target_in_the_readme_exists():
    for target in ("run", "test", "test-pg", "lint", "messages", "migrations", "docs", "bench"):
        assert f"\n{target}:" in MAKEFILE, target
        assert f"make {target}" in README, target
