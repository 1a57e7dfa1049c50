"""The boundaries every paginated list must keep (?page=&per_page=, answering
{items, total, page, per_page}): empty, exactly one full page, one more than a page, a page past
the end, and nonsense in the query refused with a 400 that says what is wrong."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import httpx

from opsuite.web.api import MAX_PAGE, MAX_PAGE_SIZE

BAD_QUERIES = (
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    (f"page={MAX_PAGE + 1}", "page"),
    ("page=99999999999999999999999999", "page"),
    ("per_page=0", "per_page"),
    ("per_page=-5", "per_page"),
    (f"per_page={MAX_PAGE_SIZE + 1}", "per_page"),
    ("per_page=99999999999999999999", "per_page"),
    ("per_page=1.5", "per_page"),
    ("per_page=ten", "per_page"),
)


def _join(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


async def _page(
    client: httpx.AsyncClient, path: str, page: int, per_page: int, headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.get(_join(path, f"page={page}&per_page={per_page}"), headers=headers)
    assert response.status_code == 200, (path, page, response.text)
    body = response.json()
    assert (body["page"], body["per_page"]) == (page, per_page), body
    return body


def _keys(body: dict[str, Any], key: Callable[[dict[str, Any]], Hashable]) -> list[Hashable]:
    return [key(item) for item in body["items"]]


async def check_paging_boundaries(
    client: httpx.AsyncClient,
    path: str,
    *,
    add: Callable[[int], Awaitable[None]],
    headers: dict[str, str] | None = None,
    key: Callable[[dict[str, Any]], Hashable] = lambda item: item["id"],
    per_page: int = 2,
) -> None:
    """Walk ``path`` through its boundaries; ``add(n)`` makes n more items the caller sees."""
    headers = headers or {}
    empty = await _page(client, path, 1, per_page, headers)
    assert (empty["items"], empty["total"]) == ([], 0)
    assert (await _page(client, path, 3, per_page, headers))["items"] == []

    await add(per_page)
    full = await _page(client, path, 1, per_page, headers)
    assert (len(full["items"]), full["total"]) == (per_page, per_page)
    nothing_next = await _page(client, path, 2, per_page, headers)
    assert (nothing_next["items"], nothing_next["total"]) == ([], per_page)

    await add(1)
    first = await _page(client, path, 1, per_page, headers)
    second = await _page(client, path, 2, per_page, headers)
    assert first["total"] == second["total"] == per_page + 1
    assert (len(first["items"]), len(second["items"])) == (per_page, 1)
    seen = _keys(first, key) + _keys(second, key)
    assert len(set(seen)) == per_page + 1, f"pages overlap: {seen}"
    everything = await _page(client, path, 1, per_page + 1, headers)
    assert _keys(everything, key) == seen, "the pages are not one stable order"
    beyond = await _page(client, path, 9, per_page, headers)
    assert (beyond["items"], beyond["total"]) == ([], per_page + 1)

    for query, field in BAD_QUERIES:
        response = await client.get(_join(path, query), headers=headers)
        assert response.status_code == 400, (path, query, response.text)
        body = response.json()
        assert body["field"] == field, (path, query, body)
        assert body["error"], (path, query)


async def check_html_paging(
    client: httpx.AsyncClient,
    path: str,
    *,
    add: Callable[[int], Awaitable[None]],
    rows: Callable[[str], list[str]],
    per_page: int = 2,
    param: str = "page",
) -> None:
    """The same walk for an HTML list page drawn with templates/_pager.html: ``rows(html)``
    gives the ids of the rows the list shows, in order; ``param`` is the list's page parameter
    (a second list on a page has its own). No other list on the page may need a pager."""

    async def shown(page: int) -> tuple[list[str], str]:
        response = await client.get(_join(path, f"{param}={page}&per_page={per_page}"))
        assert response.status_code == 200, (path, page, response.text[:500])
        return rows(response.text), response.text

    empty, html = await shown(1)
    assert empty == [], path
    assert 'class="pager"' not in html, path

    await add(per_page)
    full, html = await shown(1)
    assert len(full) == per_page, (path, full)
    assert 'class="pager"' not in html, "one page needs no pager"

    await add(1)
    first, html = await shown(1)
    assert "Page 1 of 2" in html
    assert "Next page" in html
    assert "Previous page" not in html
    second, html = await shown(2)
    assert "Page 2 of 2" in html
    assert "Previous page" in html
    assert "Next page" not in html
    assert (len(first), len(second)) == (per_page, 1), (path, first, second)
    assert len(set(first + second)) == per_page + 1, f"pages overlap: {first} {second}"
    beyond, html = await shown(9)
    assert beyond == [], path
    assert "Page 9 of 2" in html
    previous = html.split("Previous page")[0].rsplit("href=", 1)[-1]
    assert 'page=2"' in previous, "past the end, Previous leads to the last page"

    for query, field in BAD_QUERIES:
        if field == "page":
            query = query.replace("page=", f"{param}=", 1)
        response = await client.get(_join(path, query))
        assert response.status_code == 400, (path, query)
