"""Catalog upkeep for `make messages`: the English catalog is the source text itself, so every
entry is filled with its own msgid (complete, and a translator can see what is English).

    python -m opsuite.web.catalogs fill-en
    python -m opsuite.web.catalogs missing zh_Hans   # lists untranslated entries, exits 1 if any
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from opsuite.web.i18n import LOCALE_DIR


def _path(locale: str) -> str:
    return str(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po")


def fill_english() -> int:
    with open(_path("en"), "rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.string = message.id if not isinstance(message.id, tuple) else list(message.id)
        message.flags.discard("fuzzy")
    with open(_path("en"), "wb") as handle:
        write_po(handle, catalog, width=100, sort_by_file=True)
    return 0


def missing(locale: str) -> int:
    with open(_path(locale), "rb") as handle:
        catalog = read_po(handle, locale=locale)
    gaps = [
        m.id
        for m in catalog
        if m.id
        and (
            not m.string
            or (isinstance(m.string, tuple) and not all(m.string))
            or "fuzzy" in m.flags
        )
    ]
    for gap in gaps:
        print(f"untranslated: {gap!r}")
    return 1 if gaps else 0


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["fill-en"]:
        raise SystemExit(fill_english())
    if command == ["missing"] and len(sys.argv) == 3:
        raise SystemExit(missing(sys.argv[2]))
    raise SystemExit(__doc__)
