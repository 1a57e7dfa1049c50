"""opsuite installs as an app on a phone: a manifest a browser accepts (name, start page,
standalone display, 192 and 512 px icons that exist) and a service worker served at the root,
so it may answer for the shift pages it keeps (tests/browser/test_offline.py uses it)."""

from __future__ import annotations

import struct


async def test_the_manifest_names_the_app_and_its_icons_exist(client):
    answer = await client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["name"] == "opsuite"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    sizes = {}
    for icon in manifest["icons"]:
        image = await client.get(icon["src"])
        assert image.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", image.content[16:24])  # the PNG's IHDR
            assert icon["sizes"] == f"{width}x{height}"
            sizes[width] = icon["src"]
    assert {192, 512} <= set(sizes)


async def test_the_manifest_speaks_the_visitors_language(client):
    answer = await client.get("/manifest.webmanifest", headers={"accept-language": "zh-CN"})
    manifest = answer.json()
    assert manifest["lang"] == "zh-Hans"
    assert "任务" in manifest["description"]  # tasks, in Chinese


async def test_the_service_worker_is_served_from_the_root_and_never_from_a_cache(client):
    answer = await client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "no-cache"
    assert "opsuite-pages" in answer.text  # the cache forms.js clears when signed out
    forms = (await client.get("/static/forms.js")).text
    assert 'caches["delete"]("opsuite-pages")' in forms
