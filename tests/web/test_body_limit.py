"""One request-body limit for the whole app (server.max_body_bytes), enforced as the body
streams: a 20 MB upload is refused with 413 without being read."""

from __future__ import annotations

from collections.abc import AsyncIterator

from opsuite.auth.models import Role, User
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user

CHUNK = b"x" * 65_536
TWENTY_MB = 20 * 1_000_000
PART_HEAD = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\nemail,name\r\n"
)


class Upload:
    """A 20 MB body produced chunk by chunk, counting how much the server asked for."""

    def __init__(self, total: int = TWENTY_MB) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield PART_HEAD
        while self.sent < self.total:
            self.sent += len(CHUNK)
            yield CHUNK


async def admin_client(client):
    await make_user(Role.ADMIN, email="root@example.org")
    await log_in(client, "root@example.org")
    return await csrf_token(client, "/reports/imports")


async def test_a_20_mb_upload_with_its_length_declared_is_refused_unread(client, settings):
    token = await admin_client(client)
    upload = Upload()
    response = await client.post(
        "/reports/imports",
        content=upload,
        headers={
            "content-type": "multipart/form-data; boundary=xyz",
            "content-length": str(TWENTY_MB),
            "x-csrf-token": token,
        },
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.text
    assert "10 MB" in response.text
    assert upload.sent < 1_000_000  # refused before the body was read
    assert await User.all().count() == 1


async def test_a_chunked_20_mb_upload_is_cut_off_at_the_limit(client, settings):
    token = await admin_client(client)
    upload = Upload()
    response = await client.post(
        "/reports/imports",
        content=upload,
        headers={"content-type": "multipart/form-data; boundary=xyz", "x-csrf-token": token},
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.text
    # Read up to the limit and not further: the rest of the 20 MB was never taken in.
    assert upload.sent <= settings.server.max_body_bytes + len(CHUNK)
    assert upload.sent < TWENTY_MB


async def test_an_oversized_json_body_gets_a_json_413(client):
    response = await client.patch(
        "/api/v1/me",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(TWENTY_MB)},
    )
    assert response.status_code == 413
    assert "MB" in response.json()["error"]


async def test_a_body_within_the_limit_is_untouched(client):
    token = await admin_client(client)
    body = "email,name,role,team,program,timezone,locale,phone\n" + "a@b.org,A,,,,,,\n" * 10
    response = await client.post(
        "/reports/imports",
        data={"csrf_token": token, "kind": "people", "mode": "dry_run"},
        files={"file": ("people.csv", body.encode(), "text/csv")},
    )
    assert response.status_code == 200
