"""A feed's gzip body compressed in segments (``opsuite.feeds.zipped``): every reader gets
the feed's bytes back, and a body made from kept segments is the body made from nothing."""

from __future__ import annotations

import gzip
import zlib

import httpx

from opsuite.feeds.incremental import piece, splice
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


def test_no_segment_holds_more_than_128_blocks_even_where_keys_never_end_one():
    # Keys that all happen not to end a segment (a run the hash may give by chance).
    blocks = [b._replace(ends=False) for b in _blocks(1000)]
    _zipped, segments = gzip_body(_body(blocks), len(HEAD), blocks)
    assert max(len(held) for held, _z in segments.values()) == 128
    # Sorted keys that differ in a digit or two still end a segment about one time in 64.
    ends = sum(b.ends for b in _blocks(6400))
    assert 60 < ends < 140


def test_a_block_fetched_again_unchanged_keeps_its_segment():
    blocks = _blocks(300)
    kept = sorted(blocks, key=lambda b: b.key)  # a part's blocks are in key order
    # The items of m5 and m200 fetched again (to be safe): m5 unchanged, m200 renamed.
    fresh = [_blocks(300)[5], _blocks(300, changed=200)[200]]
    spliced = splice(kept, fresh, {"m5@x", "m200@x"})
    assert [b.key for b in spliced] == [b.key for b in kept]
    by_key = {b.key: b for b in spliced}
    assert by_key["m5@x"] is blocks[5]  # the kept block itself: its segment is not compressed again
    assert by_key["m200@x"] is fresh[1]
    assert b"SUMMARY:changed" in by_key["m200@x"].chunk
