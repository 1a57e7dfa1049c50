from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class MeetingStatus(StrEnum):
    # opsuite.meetings.models.MeetingStatus at this migration: migrations import no app code.
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Mode(StrEnum):
    # opsuite.meetings.models.Mode at this migration: migrations import no app code.
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class PollStatus(StrEnum):
    # opsuite.meetings.models.PollStatus at this migration: migrations import no app code.
    OPEN = "open"
    DECIDED = "decided"
    CLOSED = "closed"


class Response(StrEnum):
    # opsuite.meetings.models.Response at this migration: migrations import no app code.
    NEEDS_ACTION = "needs_action"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class Vote(StrEnum):
    # opsuite.meetings.models.Vote at this migration: migrations import no app code.
    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


class Migration(migrations.Migration):
    dependencies = [('models', '0004_tasks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=255)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('organizer', fields.ForeignKeyField('models.User', source_field='organizer_id', db_constraint=True, to_field='id', related_name='organized_meetings', on_delete=OnDelete.CASCADE)),
                ('team', fields.ForeignKeyField('models.Team', source_field='team_id', null=True, db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.SET_NULL)),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', null=True, db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.SET_NULL)),
                ('timezone', fields.CharField(max_length=64)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('mode', fields.CharEnumField(default=Mode.IN_PERSON, description='IN_PERSON: in_person\nONLINE: online\nHYBRID: hybrid', enum_type=Mode, max_length=16)),
                ('location', fields.CharField(default='', max_length=300)),
                ('video_url', fields.CharField(default='', max_length=500)),
                ('agenda', fields.TextField(default='', unique=False)),
                ('minutes', fields.TextField(default='', unique=False)),
                ('rrule', fields.CharField(default='', max_length=500)),
                ('exdates', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=MeetingStatus.SCHEDULED, description='SCHEDULED: scheduled\nCANCELLED: cancelled', enum_type=MeetingStatus, max_length=16)),
                ('sequence', fields.IntField(default=0)),
                ('split_from', fields.ForeignKeyField('models.Meeting', source_field='split_from_id', null=True, db_constraint=True, to_field='id', related_name='continued_by', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meetings', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A meeting or a recurring series of meetings.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attendee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='attendees', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='meeting_attendances', on_delete=OnDelete.CASCADE)),
                ('required', fields.BooleanField(default=True)),
                ('response', fields.CharEnumField(default=Response.NEEDS_ACTION, description='NEEDS_ACTION: needs_action\nACCEPTED: accepted\nTENTATIVE: tentative\nDECLINED: declined', enum_type=Response, max_length=16)),
                ('responded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_attendees', 'app': 'models', 'unique_together': (('meeting', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OccurrenceChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='overrides', on_delete=OnDelete.CASCADE)),
                ('original_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('title', fields.CharField(default='', max_length=200)),
                ('location', fields.CharField(default='', max_length=300)),
                ('agenda', fields.TextField(default='', unique=False)),
                ('minutes', fields.TextField(default='', unique=False)),
                ('sequence', fields.IntField(default=0)),
            ],
            options={'table': 'meeting_occurrence_changes', 'app': 'models', 'unique_together': (('meeting', 'original_start'),), 'pk_attr': 'id', 'table_description': 'One occurrence of a series moved or edited (published with RECURRENCE-ID).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Poll',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organizer', fields.ForeignKeyField('models.User', source_field='organizer_id', db_constraint=True, to_field='id', related_name='meeting_polls', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('timezone', fields.CharField(max_length=64)),
                ('duration_minutes', fields.IntField()),
                ('mode', fields.CharEnumField(default=Mode.IN_PERSON, description='IN_PERSON: in_person\nONLINE: online\nHYBRID: hybrid', enum_type=Mode, max_length=16)),
                ('location', fields.CharField(default='', max_length=300)),
                ('video_url', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=PollStatus.OPEN, description='OPEN: open\nDECIDED: decided\nCLOSED: closed', enum_type=PollStatus, max_length=16)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', null=True, db_constraint=True, to_field='id', related_name='polls', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_polls', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Candidate times for a meeting that invitees vote on before it is booked.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollInvitee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll', fields.ForeignKeyField('models.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='invitees', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='meeting_poll_invitations', on_delete=OnDelete.CASCADE)),
                ('required', fields.BooleanField(default=True)),
            ],
            options={'table': 'meeting_poll_invitees', 'app': 'models', 'unique_together': (('poll', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollSlot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll', fields.ForeignKeyField('models.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_poll_slots', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slot', fields.ForeignKeyField('models.PollSlot', source_field='slot_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='meeting_poll_votes', on_delete=OnDelete.CASCADE)),
                ('answer', fields.CharEnumField(description='YES: yes\nIF_NEED_BE: if_need_be\nNO: no', enum_type=Vote, max_length=16)),
            ],
            options={'table': 'meeting_poll_votes', 'app': 'models', 'unique_together': (('slot', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
