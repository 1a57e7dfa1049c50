from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Attendance(StrEnum):
    # opsuite.shifts.models.Attendance at this migration: migrations import no app code.
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class HoursSource(StrEnum):
    # opsuite.shifts.models.HoursSource at this migration: migrations import no app code.
    SHIFT = "shift"
    OFFSITE = "offsite"


class HoursStatus(StrEnum):
    # opsuite.shifts.models.HoursStatus at this migration: migrations import no app code.
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ShiftStatus(StrEnum):
    # opsuite.shifts.models.ShiftStatus at this migration: migrations import no app code.
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SignUpStatus(StrEnum):
    # opsuite.shifts.models.SignUpStatus at this migration: migrations import no app code.
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


class Migration(migrations.Migration):
    dependencies = [('models', '0005_meetings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Opportunity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', db_constraint=True, to_field='id', related_name='opportunities', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('location', fields.CharField(default='', max_length=200)),
                ('is_remote', fields.BooleanField(default=False)),
                ('required_skills', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('minimum_age', fields.SmallIntField(null=True)),
                ('training_note', fields.CharField(default='', max_length=500)),
                ('is_public', fields.BooleanField(default=False)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shift_opportunities', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A volunteer role within a program, such as Food bank sorter.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgramShiftPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('program', fields.OneToOneField('models.Program', source_field='program_id', db_constraint=True, to_field='id', related_name='shift_policy', on_delete=OnDelete.CASCADE)),
                ('auto_promote', fields.BooleanField(default=False)),
                ('offer_hours', fields.SmallIntField(default=12)),
            ],
            options={'table': 'programshiftpolicy', 'app': 'models', 'pk_attr': 'id', 'table_description': 'How a program fills places freed on a full shift.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShiftSeries',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name='series', on_delete=OnDelete.CASCADE)),
                ('rrule', fields.CharField(max_length=300)),
                ('timezone', fields.CharField(max_length=64)),
                ('first_date', fields.DateField()),
                ('start_minute', fields.SmallIntField()),
                ('duration_minutes', fields.IntField()),
                ('exdates', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shift_series', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Shifts repeating by an RFC 5545 rule, expanded at a wall-clock start in ``timezone``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Shift',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name='shifts', on_delete=OnDelete.CASCADE)),
                ('series', fields.ForeignKeyField('models.ShiftSeries', source_field='series_id', null=True, db_constraint=True, to_field='id', related_name='shifts', on_delete=OnDelete.SET_NULL)),
                ('occurrence_date', fields.DateField(null=True)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('timezone', fields.CharField(max_length=64)),
                ('capacity', fields.IntField()),
                ('location', fields.CharField(default='', max_length=200)),
                ('notes', fields.TextField(default='', unique=False)),
                ('lead', fields.ForeignKeyField('models.User', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name='shifts_led', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=ShiftStatus.SCHEDULED, description='SCHEDULED: scheduled\nCANCELLED: cancelled', enum_type=ShiftStatus, max_length=10)),
                ('is_detached', fields.BooleanField(default=False)),
                ('revision', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shifts', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SignUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shift', fields.ForeignKeyField('models.Shift', source_field='shift_id', db_constraint=True, to_field='id', related_name='signups', on_delete=OnDelete.CASCADE)),
                ('volunteer', fields.ForeignKeyField('models.User', source_field='volunteer_id', db_constraint=True, to_field='id', related_name='shift_signups', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='CONFIRMED: confirmed\nWAITLISTED: waitlisted\nOFFERED: offered\nCANCELLED: cancelled\nLAPSED: lapsed', enum_type=SignUpStatus, max_length=12)),
                ('queued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('offered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('offer_expires_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('swap_offered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('skills_overridden', fields.BooleanField(default=False)),
                ('attendance', fields.CharEnumField(null=True, description='ATTENDED: attended\nNO_SHOW: no_show', enum_type=Attendance, max_length=10)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_out_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shift_signups', 'app': 'models', 'unique_together': (('shift', 'volunteer'),), 'pk_attr': 'id', 'table_description': 'One volunteer on one shift: confirmed, waiting, offered a place, or gone.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HoursRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('volunteer', fields.ForeignKeyField('models.User', source_field='volunteer_id', db_constraint=True, to_field='id', related_name='volunteer_hours', on_delete=OnDelete.CASCADE)),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', db_constraint=True, to_field='id', related_name='volunteer_hours', on_delete=OnDelete.CASCADE)),
                ('signup', fields.OneToOneField('models.SignUp', source_field='signup_id', null=True, db_constraint=True, to_field='id', related_name='hours', on_delete=OnDelete.SET_NULL)),
                ('source', fields.CharEnumField(description='SHIFT: shift\nOFFSITE: offsite', enum_type=HoursSource, max_length=8)),
                ('work_date', fields.DateField(db_index=True)),
                ('minutes', fields.IntField()),
                ('description', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=HoursStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=HoursStatus, max_length=10)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='hours_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'volunteer_hours', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Time a volunteer gave: from a shift (check-in/out or attendance) or logged for off-site'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HoursCorrection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('record', fields.ForeignKeyField('models.HoursRecord', source_field='record_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.CASCADE)),
                ('changed_by', fields.ForeignKeyField('models.User', source_field='changed_by_id', null=True, db_constraint=True, to_field='id', related_name='hours_corrections', on_delete=OnDelete.SET_NULL)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('from_minutes', fields.IntField()),
                ('to_minutes', fields.IntField()),
                ('note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'volunteer_hours_corrections', 'app': 'models', 'pk_attr': 'id', 'table_description': "One change to a volunteer's hours: who, when, from what to what."},
            bases=['Model'],
        ),
    ]
