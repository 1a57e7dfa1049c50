"""Reading schedule pages the way a person does: the message next to a field, a section's text."""

from __future__ import annotations

import html
import re

import httpx

TAG_RE = re.compile(r"<[^>]+>")


def field_error(response: httpx.Response, name: str) -> str:
    """The error shown next to field ``name`` ("" when there is none)."""
    match = re.search(rf'id="e-{re.escape(name)}"[^>]*>(.*?)</(?:p|div)>', response.text, re.S)
    return text_of(match.group(1)) if match else ""


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(TAG_RE.sub(" ", fragment)).split())


def section(response: httpx.Response, section_id: str) -> str:
    """The visible text of ``<section id=...>``."""
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', response.text, re.S)
    assert match, f"no section {section_id}"
    return text_of(match.group(1))


def table_rows(response: httpx.Response, table_class: str) -> list[str]:
    """The visible text of each body row of the first table with this class."""
    match = re.search(rf'<table class="[^"]*{table_class}[^"]*">(.*?)</table>', response.text, re.S)
    assert match, f"no table {table_class}"
    body = match.group(1).split("<tbody>", 1)[1]
    return [text_of(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def cells(row_html: str) -> list[str]:
    return [text_of(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)]


async def switch_to(client: httpx.AsyncClient, email: str) -> None:
    """Sign in as someone else in the same browser (forgetting the old session)."""
    from tests.conftest import log_in

    client.cookies.clear()
    await log_in(client, email)
