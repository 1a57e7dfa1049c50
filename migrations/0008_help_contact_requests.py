from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_form_drafts_and_submissions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ContactRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sender', fields.ForeignKeyField('models.User', source_field='sender_id', null=True, db_constraint=True, to_field='id', related_name='contact_requests', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=120)),
                ('email', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=200)),
                ('message', fields.TextField(unique=False)),
                ('page', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('handled_by', fields.ForeignKeyField('models.User', source_field='handled_by_id', null=True, db_constraint=True, to_field='id', related_name='contact_requests_handled', on_delete=OnDelete.SET_NULL)),
                ('handled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact_requests', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A question sent to the administrators from the help pages.'},
            bases=['Model'],
        ),
    ]
