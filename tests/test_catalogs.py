"""Every user-facing string is in both catalogs, and Chinese has a translation for each one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "opsuite" / "locale"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def catalog(locale: str):
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def source_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(  # noqa: S603 - our own venv's pybabel on our own tree
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "L",
            "-k",
            "_",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_catalogs_hold_every_string_in_the_source(tmp_path):
    wanted = source_ids(tmp_path)
    for locale in ("zh_Hans", "en"):
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale) if m.id}
        assert not sorted(wanted - have), (
            f"run `make messages`: {locale} lacks {sorted(wanted - have)[:10]}"
        )


def test_every_chinese_entry_is_translated_with_the_same_placeholders():
    for message in catalog("zh_Hans"):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else " ".join(message.id)
        chinese = message.string if isinstance(message.string, str) else " ".join(message.string)
        assert chinese, f"untranslated: {english!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {english!r}"
        assert set(PLACEHOLDER.findall(chinese)) == set(PLACEHOLDER.findall(english)), english
