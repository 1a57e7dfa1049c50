"""A feed's gzip body, compressed again only where its blocks changed.

Compressing a whole 500 KB feed takes a millisecond, most of a rebuild after one change.
The body is therefore compressed in segments, as pigz does: each segment is a raw deflate
stream ended by a full flush (so what follows it need not know its compressor's state) that
was compressed with the 32 KB before it as its dictionary (so it may refer back to them, as
one continuous stream would); the gzip member is a header, the segments one after the other,
an empty final block, and the CRC and length of the whole. A rebuild compresses again only
the segments that hold a new block, and the one after each (its dictionary changed), and
reuses the others' bytes.

Segments end where the block's key says (``ends_segment``), not at a count of blocks: one
block added or removed changes its own segment only, and the same blocks always make the
same segments, so a rebuild and a build from nothing give the same bytes (and ETag). A
segment holds about 64 blocks (some 30 KB) and never more than 128 (a run of keys that
happen not to end one would otherwise make a segment of several hundred blocks, compressed
again whenever one of them changes); the body is about as small as in one stream.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from typing import Protocol

LEVEL = 1  # as nginx compresses dynamic answers: a feed is compressed after every change
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff"  # gzip, no name, mtime 0, fastest
_FINAL = b"\x03\x00"  # an empty final block (fixed codes)
_SEGMENT_EVERY = 64
_SEGMENT_MOST = 128
_MIX = 0x9E3779B1  # Knuth's multiplicative hash: the top bits depend on every bit of the CRC


class Block(Protocol):
    @property
    def chunk(self) -> bytes: ...

    @property
    def ends(self) -> bool: ...  # ``ends_segment`` of its key, worked out once per block


# A segment's compressed bytes, by the identity of its blocks and of the segment before it
# (its bytes are the dictionary). The cache keeps the blocks themselves, so their ids cannot
# be reused by other objects while an entry lives.
Key = tuple[object, tuple[int, ...]]
Segments = dict[Key, tuple[tuple[Block, ...], bytes]]
WINDOW = 32768


def ends_segment(key: str) -> bool:
    """Whether the block of ``key`` is the last of its segment (about one in 64). The CRC's
    low bits alone cluster on keys that differ in a digit or two (ours do), so they are mixed
    first."""
    return (zlib.crc32(key.encode()) * _MIX) & 0xFFFFFFFF < 0x100000000 // _SEGMENT_EVERY


def _deflate(data: bytes, before: bytes) -> bytes:
    """``data`` as raw deflate that may refer back into ``before`` (what the reader has just
    unpacked), ended by a full flush so what follows need not know it."""
    if before:
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15, zdict=before[-WINDOW:])
    else:
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def gzip_body(
    body: bytes, head: int, blocks: Sequence[Block], known: Segments | None = None
) -> tuple[bytes, Segments]:
    """The gzip member of ``body``: ``head`` bytes, then the blocks' chunks, then the rest;
    and the segments it was made of, to pass as ``known`` to the next call for the same
    feed."""
    made: Segments = {}
    out = [_HEADER, _deflate(body[:head], b"")]
    group: list[Block] = []
    # A segment may refer back into the one before it only (no further, even when that one is
    # shorter than the window), so its bytes depend on that segment and on its own blocks.
    before: object = body[:head]
    last = start = end = head

    def flush() -> None:
        nonlocal before, last, start
        key = (before, tuple(id(b) for b in group))
        found = known.get(key) if known else None
        if found is None or any(a is not b for a, b in zip(found[0], group, strict=True)):
            dictionary = body[max(last, start - WINDOW) : start]
            found = (tuple(group), _deflate(body[start:end], dictionary))
        made[key] = found
        out.append(found[1])
        before, last, start = key[1], start, end
        group.clear()

    for block in blocks:
        group.append(block)
        end += len(block.chunk)
        if block.ends or len(group) == _SEGMENT_MOST:
            flush()
    if group:
        flush()
    out.append(_deflate(body[end:], body[max(last, end - WINDOW) : end]))
    out.append(_FINAL)
    out.append(struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF))
    return b"".join(out), made
