from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_feed_fresh_on_poll')]

    initial = False

    # Certificates of service (issue #21): a volunteer's approved hours for a period, frozen as
    # JSON and signed, so /verify/<code> can confirm the record. A new table; nothing else moves.
    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('volunteer', fields.ForeignKeyField('models.User', source_field='volunteer_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('issued_by', fields.ForeignKeyField('models.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name='certificates_issued', on_delete=OnDelete.SET_NULL)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', null=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.SET_NULL)),
                ('locale', fields.CharField(max_length=16)),
                ('content', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('signature', fields.CharField(max_length=64)),
            ],
            options={'table': 'shift_certificates', 'app': 'models', 'pk_attr': 'id', 'table_description': "A certificate of service: a volunteer's approved hours over a period, signed."},
            bases=['Model'],
        ),
    ]
