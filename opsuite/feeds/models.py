"""Calendar feed tokens and the built feeds kept for them.

A token is shown once and stored as its SHA-256 digest. Each token has at most one cached
build (the iCalendar bytes, gzipped once, with their ETag), rebuilt by the first poll after
something changed (and in the background), so a change shows at the next poll.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program, Team


class FeedKind(StrEnum):
    PERSON = "person"  # my shifts, meetings, work schedule and tasks
    TEAM = "team"  # a team's meetings and its members' time off (team managers)
    PROGRAM = "program"  # a program's meetings and shifts (program managers)
    PUBLIC = "public"  # a program's open public shifts, no personal data


class FeedToken(Model):
    """A private feed address. Revoked tokens are kept (with revoked_at) for the record."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    kind = fields.CharEnumField(FeedKind, max_length=10)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feed_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="feed_tokens", null=True, on_delete=fields.CASCADE
    )
    team_id: int | None
    program: fields.ForeignKeyNullableRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="feed_tokens", null=True, on_delete=fields.CASCADE
    )
    program_id: int | None
    include_shifts = fields.BooleanField(default=True)
    include_meetings = fields.BooleanField(default=True)
    include_schedule = fields.BooleanField(default=True)
    include_tasks = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "feed_tokens"
        indexes = (("user_id", "kind"),)


class FeedCache(Model):
    """The last build of one token's feed: gzipped bytes, ETag and build time.

    Only the gzipped bytes are kept: nearly every calendar app takes them, and the plain ones
    are unzipped for the rest."""

    id = fields.IntField(primary_key=True)
    token: fields.OneToOneRelation[FeedToken] = fields.OneToOneField(
        "models.FeedToken", related_name="cache", on_delete=fields.CASCADE
    )
    token_id: int
    gzip_body = fields.BinaryField()
    etag = fields.CharField(max_length=64)
    last_modified = fields.DatetimeField()
    built_at = fields.DatetimeField()
    days_ahead = fields.IntField()  # the window actually published (shrunk to stay small)
    stale = fields.BooleanField(default=False, db_index=True)
    # Each block's key, fingerprint, SEQUENCE, zone and length (``opsuite.feeds.incremental``):
    # what the next build builds on, and lets SEQUENCE rise when an item changes even where its
    # area keeps no version.
    state = fields.BinaryField(default=b"")
    # The newest activity and task event ids when the build started: a poll that finds newer
    # ones rebuilds the feed there and then (in the same query that reads the ETag).
    seen_activity = fields.BigIntField(default=0, db_default=0)
    seen_event = fields.BigIntField(default=0, db_default=0)
    # One build at a time per feed across workers: the poll that sets this builds, the others
    # answer the previous bytes with a short max-age until it is cleared or runs out.
    building_until = fields.DatetimeField(null=True)

    class Meta:
        table = "feed_caches"


class FeedWatermark(Model):
    """How far the change watcher has read each source (activity log, task events)."""

    source = fields.CharField(max_length=40, primary_key=True)
    last_id = fields.BigIntField(default=0)
    checked_at = fields.DatetimeField()

    class Meta:
        table = "feed_watermarks"
