"""A report's narrative as HTML: plain text with a little Markdown (paragraphs at blank lines,
"- " lists, "# " headings, **bold**). Everything is escaped first, so nothing typed becomes
markup of its own: no links, images or raw HTML."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
_BULLET = re.compile(r"^\s*[-*]\s+")


def _inline(line: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", str(escape(line)))


def _block(lines: list[str]) -> str:
    if all(_BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_BULLET.sub('', line))}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    if len(lines) == 1 and lines[0].startswith("#"):
        return f"<h3>{_inline(lines[0].lstrip('#').strip())}</h3>"
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


def narrative_html(text: str) -> Markup:
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    # Every piece of text went through escape() in _inline.
    return Markup("".join(_block(b) for b in blocks if b))  # noqa: S704  # nosec B704
