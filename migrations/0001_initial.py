from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Role(StrEnum):
    # opsuite.auth.models.Role at this migration: migrations import no app code.
    ADMIN = "admin"
    MANAGER = "manager"
    STAFF = "staff"
    VOLUNTEER = "volunteer"


class NotificationStatus(StrEnum):
    # opsuite.notify.models.NotificationStatus at this migration: migrations import no app code.
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ProgramAccess(StrEnum):
    # opsuite.people.models.ProgramAccess at this migration: migrations import no app code.
    MANAGE = "manage"
    READ = "read"


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=300)),
                ('failures', fields.IntField(default=0)),
                ('window_started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttles', 'app': 'models', 'pk_attr': 'key', 'table_description': 'Failed-login counters per key ("email:..." or "ip:..."), shared by every process.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Program',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('funder', fields.CharField(default='', max_length=120)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'programs', 'app': 'models', 'pk_attr': 'id', 'table_description': "One of the NGO's projects. Shifts, boards and meetings belong to one."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Team',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'teams', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('name', fields.CharField(max_length=120)),
                ('password_hash', fields.CharField(default='', max_length=255)),
                ('role', fields.CharEnumField(default=Role.VOLUNTEER, description='ADMIN: admin\nMANAGER: manager\nSTAFF: staff\nVOLUNTEER: volunteer', enum_type=Role, max_length=16)),
                ('timezone', fields.CharField(default='UTC', max_length=64)),
                ('locale', fields.CharField(default='en', max_length=8)),
                ('phone', fields.CharField(default='', max_length=40)),
                ('skills', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Activity',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(db_index=True, max_length=80)),
                ('target_type', fields.CharField(default='', max_length=40)),
                ('target_id', fields.CharField(default='', max_length=40)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activities', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One line of the activity log: who did what (a dotted code) to which thing, and when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=80)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_tokens', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient', fields.ForeignKeyField('models.User', source_field='recipient_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.SET_NULL)),
                ('to_address', fields.CharField(max_length=254)),
                ('kind', fields.CharField(max_length=60)),
                ('subject', fields.CharField(max_length=250)),
                ('body_text', fields.TextField(unique=False)),
                ('body_html', fields.TextField(default='', unique=False)),
                ('dedupe_key', fields.CharField(unique=True, max_length=200)),
                ('status', fields.CharEnumField(default=NotificationStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nCANCELLED: cancelled', enum_type=NotificationStatus, max_length=12)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('next_try_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claim_token', fields.CharField(default='', max_length=32)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('transport', fields.CharField(default='', max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OneTimeLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purpose', fields.CharField(max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='links_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_time_links', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Invitation and password-reset links. Single use, expiring, stored hashed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgramRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='program_roles', on_delete=OnDelete.CASCADE)),
                ('access', fields.CharEnumField(description='MANAGE: manage\nREAD: read', enum_type=ProgramAccess, max_length=8)),
            ],
            options={'table': 'program_roles', 'app': 'models', 'unique_together': (('program', 'user'),), 'pk_attr': 'id', 'table_description': 'A manager who runs a program, or anyone given read-only access (a board member, a funder).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('user_agent', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'sessions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A server-side session. The cookie holds a random key whose SHA-256 is the id.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('team', fields.ForeignKeyField('models.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='team_memberships', on_delete=OnDelete.CASCADE)),
                ('is_manager', fields.BooleanField(default=False)),
            ],
            options={'table': 'team_members', 'app': 'models', 'unique_together': (('team', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
