from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Priority(StrEnum):
    # opsuite.tasks.models.Priority at this migration: migrations import no app code.
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Visibility(StrEnum):
    # opsuite.tasks.models.Visibility at this migration: migrations import no app code.
    MEMBERS = "members"
    STAFF = "staff"


class Migration(migrations.Migration):
    dependencies = [('models', '0003_schedules')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Board',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('team', fields.ForeignKeyField('models.Team', source_field='team_id', null=True, db_constraint=True, to_field='id', related_name='boards', on_delete=OnDelete.SET_NULL)),
                ('program', fields.ForeignKeyField('models.Program', source_field='program_id', null=True, db_constraint=True, to_field='id', related_name='boards', on_delete=OnDelete.SET_NULL)),
                ('visibility', fields.CharEnumField(default=Visibility.MEMBERS, description='MEMBERS: members\nSTAFF: staff', enum_type=Visibility, max_length=10)),
                ('is_archived', fields.BooleanField(default=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='boards_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_boards', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A board for one team or program (or neither), with its own members and labels.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoardMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('models.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='board_memberships', on_delete=OnDelete.CASCADE)),
                ('is_manager', fields.BooleanField(default=False)),
            ],
            options={'table': 'task_board_members', 'app': 'models', 'unique_together': (('board', 'user'),), 'pk_attr': 'id', 'table_description': 'Someone who works on a board. Board managers may change its columns and members.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Column',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('models.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='columns', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=60)),
                ('position', fields.IntField(default=0)),
                ('wip_limit', fields.IntField(null=True)),
                ('is_done', fields.BooleanField(default=False)),
            ],
            options={'table': 'task_columns', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Label',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('models.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='labels', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=40)),
                ('color', fields.CharField(default='#888888', max_length=7)),
            ],
            options={'table': 'task_labels', 'app': 'models', 'unique_together': (('board', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Task',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('models.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.CASCADE)),
                ('column', fields.ForeignKeyField('models.Column', source_field='column_id', db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField(default=0)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('priority', fields.CharEnumField(default=Priority.NORMAL, description='LOW: low\nNORMAL: normal\nHIGH: high\nURGENT: urgent', enum_type=Priority, max_length=8)),
                ('due_date', fields.DateField(null=True)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='tasks_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'tasks', 'app': 'models', 'indexes': [Index(fields=['board_id', 'column_id', 'position'])], 'pk_attr': 'id', 'table_description': 'One piece of work. ``version`` grows with every edit so a stale form is detected.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=1000)),
                ('title', fields.CharField(default='', max_length=200)),
                ('added_by', fields.ForeignKeyField('models.User', source_field='added_by_id', null=True, db_constraint=True, to_field='id', related_name='task_attachments', on_delete=OnDelete.SET_NULL)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_attachments', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A link to a document kept elsewhere (http or https only).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChecklistItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='checklist', on_delete=OnDelete.CASCADE)),
                ('text', fields.CharField(max_length=200)),
                ('position', fields.IntField(default=0)),
                ('is_done', fields.BooleanField(default=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_checklist_items', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='task_comments', on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_comments', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskAssignee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='assignees', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='task_assignments', on_delete=OnDelete.CASCADE)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_assignees', 'app': 'models', 'unique_together': (('task', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('models.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='task_events', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(max_length=40)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_events', 'app': 'models', 'pk_attr': 'id', 'table_description': "One line of a board's activity log: who changed what, when. Never edited or deleted"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskLabel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='task_labels', on_delete=OnDelete.CASCADE)),
                ('label', fields.ForeignKeyField('models.Label', source_field='label_id', db_constraint=True, to_field='id', related_name='task_labels', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'task_label_links', 'app': 'models', 'unique_together': (('task', 'label'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
