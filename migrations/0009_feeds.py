from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class FeedKind(StrEnum):
    # opsuite.feeds.models.FeedKind at this migration: migrations import no app code.
    PERSON = "person"
    TEAM = "team"
    PROGRAM = "program"
    PUBLIC = "public"


class Migration(migrations.Migration):
    dependencies = [('models', '0008_help_contact_requests')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=12)),
                ('kind', fields.CharEnumField(description='PERSON: person\nTEAM: team\nPROGRAM: program\nPUBLIC: public', enum_type=FeedKind, max_length=10)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='feed_tokens', on_delete=OnDelete.CASCADE)),
                ('team', fields.ForeignKeyField('models.Team', source_field='team_id', null=True, db_constraint=True, to_field='id', related_name='feed_tokens', on_delete=OnDelete.CASCADE)),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', null=True, db_constraint=True, to_field='id', related_name='feed_tokens', on_delete=OnDelete.CASCADE)),
                ('include_shifts', fields.BooleanField(default=True)),
                ('include_meetings', fields.BooleanField(default=True)),
                ('include_schedule', fields.BooleanField(default=True)),
                ('include_tasks', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'feed_tokens', 'app': 'models', 'indexes': [Index(fields=['user_id', 'kind'])], 'pk_attr': 'id', 'table_description': 'A private feed address. Revoked tokens are kept (with revoked_at) for the record.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedCache',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.OneToOneField('models.FeedToken', source_field='token_id', db_constraint=True, to_field='id', related_name='cache', on_delete=OnDelete.CASCADE)),
                ('body', fields.BinaryField()),
                ('gzip_body', fields.BinaryField()),
                ('etag', fields.CharField(max_length=64)),
                ('last_modified', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('built_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('days_ahead', fields.IntField()),
                ('stale', fields.BooleanField(default=False, db_index=True)),
                ('items', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'feed_caches', 'app': 'models', 'pk_attr': 'id', 'table_description': "The last build of one token's feed: plain and gzipped bytes, ETag and build time."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedWatermark',
            fields=[
                ('source', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('last_id', fields.BigIntField(default=0)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'feed_watermarks', 'app': 'models', 'pk_attr': 'source', 'table_description': 'How far the change watcher has read each source (activity log, task events).'},
            bases=['Model'],
        ),
    ]
