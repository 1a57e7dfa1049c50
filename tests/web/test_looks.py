"""Avatars' initials and label tints, as a person sees them on cards and lists."""

from __future__ import annotations

import pytest

from opsuite.web.looks import initials, tint


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("王芳 Wang Fang", "王"),  # a Chinese name: its surname, first
        ("James O'Connor", "JO"),
        ("  emily  ", "E"),
        ("Ana María de la Cruz", "AC"),
        ("", "?"),
        (None, "?"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("#d32f2f", "red"),
        ("#ffa000", "orange"),
        ("#7b1fa2", "purple"),
        ("#388e3c", "green"),
        ("#00897b", "teal"),
        ("#1976d2", "blue"),
        ("#808080", "grey"),
        ("#zzzzzz", "grey"),
        ("red", "grey"),
        ("", "grey"),
        (None, "grey"),
    ],
)
def test_a_label_colour_picks_the_nearest_tint(color, expected):
    assert tint(color) == expected
