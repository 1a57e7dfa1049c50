from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('job_id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=60)),
                ('last_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status', fields.CharField(default='', max_length=12)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('runs', fields.IntField(default=0)),
            ],
            options={'table': 'job_runs', 'app': 'models', 'pk_attr': 'job_id', 'table_description': 'The last run of each scheduled job, whichever process ran it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notification_preference', on_delete=OnDelete.CASCADE)),
                ('disabled_kinds', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('lead_minutes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('quiet_start_minute', fields.SmallIntField(null=True)),
                ('quiet_end_minute', fields.SmallIntField(null=True)),
            ],
            options={'table': 'notification_preferences', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What a person wants to be told, how early, and when not to be disturbed.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Notification',
            name='ics',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Notification',
            name='item_key',
            field=fields.CharField(default='', db_index=True, max_length=80),
        ),
        ops.AddField(
            model_name='Notification',
            name='list_unsubscribe',
            field=fields.CharField(default='', max_length=300),
        ),
    ]
