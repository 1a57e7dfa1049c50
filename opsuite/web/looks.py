"""Small pieces of the visual language computed in Python rather than in templates: a
person's initials for their avatar and the tint nearest a label's colour. A board shows
hundreds of cards, and doing this in Jinja was most of the time it took to render one."""

from __future__ import annotations

from functools import lru_cache

TINTS = ("grey", "orange", "purple", "red", "teal", "green", "blue")


@lru_cache(maxsize=4096)
def initials(name: str | None) -> str:
    """One or two letters for a person: the first character of a CJK name (the surname comes
    first: 王芳 Wang Fang gives 王), otherwise the first letters of the first and last words
    (James O'Connor gives JO)."""
    text = (name or "?").strip() or "?"
    if text[0] >= "⺀":
        return text[0]
    words = text.split()
    return (words[0][:1] + (words[-1][:1] if len(words) > 1 else "")).upper()


@lru_cache(maxsize=1024)
def tint(color: str | None) -> str:
    """The site.css tint (.tint-<name>) nearest a "#rrggbb" colour: our CSP refuses style
    attributes. Greys, and anything that is not such a colour, are grey."""
    text = (color or "").strip()
    try:
        r, g, b = (int(text[i : i + 2], 16) for i in (1, 3, 5)) if len(text) == 7 else (-1,) * 3
    except ValueError:
        return "grey"
    if text[:1] != "#":
        return "grey"
    hi, lo = max(r, g, b), min(r, g, b)
    if lo < 0 or hi - lo < 40:
        return "grey"
    if hi == r:
        if g >= b and g > r * 0.55:
            return "orange"
        return "purple" if b > g and b > r * 0.55 else "red"
    if hi == g:
        return "teal" if b > r and b > g * 0.7 else "green"
    return "purple" if r > g and r > b * 0.45 else "blue"
