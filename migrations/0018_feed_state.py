from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0017_chat_channels")]

    initial = False

    # A feed's cache row keeps only its gzipped bytes (the plain ones are unzipped for the rare
    # client that does not take gzip) and a compact state of its blocks in place of the JSON
    # item list. Rows built before keep answering polls; each one's next build starts from
    # nothing, as its old item list cannot be read.
    operations = [
        ops.AlterModelOptions(
            name="FeedCache",
            options={
                "table": "feed_caches",
                "app": "models",
                "pk_attr": "id",
                "table_description": "The last build of one token's feed: gzipped bytes, ETag "
                "and build time.",
            },
        ),
        ops.RemoveField(model_name="FeedCache", name="body"),
        ops.RemoveField(model_name="FeedCache", name="items"),
        ops.AddField(
            model_name="FeedCache",
            name="state",
            field=fields.BinaryField(default=b""),
        ),
    ]
