from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class ArrangementKind(StrEnum):
    # opsuite.schedules.models.ArrangementKind at this migration: migrations import no app code.
    FIXED = "fixed"
    FLEXIBLE = "flexible"
    REMOTE = "remote"
    HYBRID = "hybrid"


class ArrangementStatus(StrEnum):
    # opsuite.schedules.models.ArrangementStatus at this migration: migrations import no app code.
    ACTIVE = "active"
    PROPOSED = "proposed"
    REJECTED = "rejected"


class ExceptionKind(StrEnum):
    # opsuite.schedules.models.ExceptionKind at this migration: migrations import no app code.
    DAY_OFF = "day_off"
    EXTRA = "extra"
    MOVE = "move"


class Location(StrEnum):
    # opsuite.schedules.models.Location at this migration: migrations import no app code.
    OFFICE = "office"
    HOME = "home"
    FIELD = "field"


class TimeOffKind(StrEnum):
    # opsuite.schedules.models.TimeOffKind at this migration: migrations import no app code.
    VACATION = "vacation"
    SICK = "sick"
    OTHER = "other"


class TimeOffStatus(StrEnum):
    # opsuite.schedules.models.TimeOffStatus at this migration: migrations import no app code.
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Migration(migrations.Migration):
    dependencies = [('models', '0002_notify_preferences_and_job_runs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Office',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('timezone', fields.CharField(max_length=64)),
                ('address', fields.CharField(default='', max_length=250)),
            ],
            options={'table': 'offices', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Arrangement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='arrangements', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='FIXED: fixed\nFLEXIBLE: flexible\nREMOTE: remote\nHYBRID: hybrid', enum_type=ArrangementKind, max_length=12)),
                ('valid_from', fields.DateField()),
                ('timezone', fields.CharField(max_length=64)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', null=True, db_constraint=True, to_field='id', related_name='arrangements', on_delete=OnDelete.SET_NULL)),
                ('core_start_minute', fields.SmallIntField(null=True)),
                ('core_end_minute', fields.SmallIntField(null=True)),
                ('window_start_minute', fields.SmallIntField(null=True)),
                ('window_end_minute', fields.SmallIntField(null=True)),
                ('weekly_hours_target', fields.DecimalField(null=True, max_digits=5, decimal_places=2)),
                ('status', fields.CharEnumField(default=ArrangementStatus.ACTIVE, description='ACTIVE: active\nPROPOSED: proposed\nREJECTED: rejected', enum_type=ArrangementStatus, max_length=10)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='arrangements_created', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='arrangements_decided', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'arrangements', 'app': 'models', 'pk_attr': 'id', 'table_description': 'How one person works from ``valid_from`` until the next arrangement starts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ArrangementBlock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('arrangement', fields.ForeignKeyField('models.Arrangement', source_field='arrangement_id', db_constraint=True, to_field='id', related_name='blocks', on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField()),
                ('start_minute', fields.SmallIntField()),
                ('end_minute', fields.SmallIntField()),
                ('location', fields.CharEnumField(default=Location.OFFICE, description='OFFICE: office\nHOME: home\nFIELD: field', enum_type=Location, max_length=8)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', null=True, db_constraint=True, to_field='id', related_name='blocks', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'arrangement_blocks', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One weekly block: weekday 0 (Monday) to 6, local start and end. An end at or before the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Holiday',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='id', related_name='holidays', on_delete=OnDelete.CASCADE)),
                ('date', fields.DateField()),
                ('name', fields.CharField(max_length=200)),
            ],
            options={'table': 'holidays', 'app': 'models', 'unique_together': (('office', 'date'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScheduleException',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='schedule_exceptions', on_delete=OnDelete.CASCADE)),
                ('date', fields.DateField()),
                ('kind', fields.CharEnumField(description='DAY_OFF: day_off\nEXTRA: extra\nMOVE: move', enum_type=ExceptionKind, max_length=8)),
                ('start_minute', fields.SmallIntField(null=True)),
                ('end_minute', fields.SmallIntField(null=True)),
                ('location', fields.CharEnumField(null=True, description='OFFICE: office\nHOME: home\nFIELD: field', enum_type=Location, max_length=8)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', null=True, db_constraint=True, to_field='id', related_name='exceptions', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='exceptions_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'schedule_exceptions', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TimeOff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='time_off', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='VACATION: vacation\nSICK: sick\nOTHER: other', enum_type=TimeOffKind, max_length=10)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('start_minute', fields.SmallIntField(null=True)),
                ('end_minute', fields.SmallIntField(null=True)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=TimeOffStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nCANCELLED: cancelled', enum_type=TimeOffStatus, max_length=10)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='time_off_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'time_off', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A leave request: whole days from start_date to end_date (inclusive), or part of one day'},
            bases=['Model'],
        ),
    ]
