"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.browser.fuzz_hooks): besides what the schema
allows, every string may carry NUL or another control character and every integer may be one
no database column holds (2**63 and friends), in path, query and body alike (issue #14). The
API must answer those with a 4xx too."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st

HUGE = st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30])
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x1f", "\x7f", "\r\n", "\t"])


def spoiled(value: Any) -> st.SearchStrategy[Any]:
    """``value`` as drawn, or with a hostile integer or control character somewhere in it."""
    if isinstance(value, bool) or value is None:
        return st.just(value)
    if isinstance(value, int):
        return st.one_of(st.just(value), HUGE)
    if isinstance(value, str):
        return st.one_of(
            st.just(value),
            CONTROL.map(lambda c: value + c),
            st.tuples(CONTROL, st.integers(0, len(value))).map(
                lambda cut: value[: cut[1]] + cut[0] + value[cut[1] :]
            ),
        )
    if isinstance(value, dict):
        return st.fixed_dictionaries({key: spoiled(inner) for key, inner in value.items()})
    if isinstance(value, list):
        return st.tuples(*(spoiled(inner) for inner in value)).map(list)
    return st.just(value)


@schemathesis.hook
def flatmap_path_parameters(context: Any, value: Any) -> st.SearchStrategy[Any]:
    return spoiled(value)


@schemathesis.hook
def flatmap_query(context: Any, value: Any) -> st.SearchStrategy[Any]:
    return spoiled(value)


@schemathesis.hook
def flatmap_body(context: Any, value: Any) -> st.SearchStrategy[Any]:
    return spoiled(value)
