"""A feed's gzip body compressed in segments (``opsuite.feeds.zipped``): every reader gets
the feed's bytes back, and a body made from kept segments is the body made from nothing."""

from __future__ import annotations

import gzip
import zlib

import httpx

from opsuite.feeds.incremental import piece
from opsuite.feeds.zipped import gzip_body

HEAD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
TAIL = b"END:VCALENDAR\r\n"


def _blocks(n: int, changed: int = -1):
    out = []
    for i in range(n):
        title = "changed" if i == changed else f"会议 meeting {i}"
        chunk = (
            f"BEGIN:VEVENT\r\nUID:m{i}@x\r\nDTSTART;TZID=Europe/London:2027{i % 12 + 1:02}"
            f"{i % 28 + 1:02}T{i % 24:02}0000\r\nSUMMARY:{title}\r\nDESCRIPTION:Agenda: 讨论 "
            f"item {i * 7919 % 1000}\\nRoom {i % 17}\\nOrganiser: person {i * 31 % 97}\r\n"
            f"LOCATION:Floor {i % 5}\r\nSEQUENCE:{i % 3}\r\nEND:VEVENT\r\n"
        ).encode()
        out.append(piece(f"m{i}@x", f"m{i}@x", "f", 0, "", chunk))
    return out


def _body(blocks) -> bytes:
    return HEAD + b"".join(b.chunk for b in blocks) + TAIL


def test_readers_get_the_feed_back_and_kept_segments_give_the_same_bytes():
    blocks = _blocks(1000)
    body = _body(blocks)
    zipped, segments = gzip_body(body, len(HEAD), blocks)
    assert 1 < len(segments) < 100  # segments, not one per block nor one in all
    assert gzip.decompress(zipped) == body
    assert zlib.decompressobj(31).decompress(zipped) == body  # a streaming reader
    answer = httpx.Response(200, content=zipped, headers={"content-encoding": "gzip"})
    assert answer.read() == body
    assert len(zipped) < len(gzip.compress(body, 1)) * 1.15  # the cut costs little

    # Block 500 changes: kept blocks are the same objects, the new one is not.
    again = [*blocks[:500], _blocks(1000, changed=500)[500], *blocks[501:]]
    rebuilt, reused = gzip_body(_body(again), len(HEAD), again, segments)
    fresh, _ = gzip_body(_body(again), len(HEAD), _blocks(1000, changed=500))
    assert rebuilt == fresh
    assert gzip.decompress(rebuilt) == _body(again)
    kept = [zipped_bytes for _blocks_, zipped_bytes in segments.values()]
    # Its segment and the next (whose dictionary it is) are compressed again, no other.
    assert sum(z in kept for _b, z in reused.values()) == len(reused) - 2

    # A block removed and one added: the bytes are still those of a build from nothing.
    fewer = [*blocks[:10], *blocks[11:], _blocks(1001)[1000]]
    assert (
        gzip_body(_body(fewer), len(HEAD), fewer, segments)[0]
        == gzip_body(
            _body(fewer), len(HEAD), [piece(b.key, b.uid, "f", 0, "", b.chunk) for b in fewer]
        )[0]
    )
