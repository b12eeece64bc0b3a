"""The audit trail becomes a hash chain: every existing event gets its place
(in id order) and its hash; on PostgreSQL a trigger refuses to delete events.
Idempotent: chaining again touches only rows without a place."""

import django.utils.timezone
from django.db import migrations, models


def chain_history(apps, schema_editor):
    from gongkai.core import chain

    models_ = (apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditChainHead"))
    chain.rechain(using=schema_editor.connection.alias, models=models_)


NO_DELETE_PG = """
CREATE OR REPLACE FUNCTION core_auditevent_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are never deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_no_delete();
"""
NO_DELETE_PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_no_delete();
"""


def refuse_deletes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_DELETE_PG)


def allow_deletes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_DELETE_PG_REVERSE)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': 'audit chain head',
                'verbose_name_plural': 'audit chain head',
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash_alg',
            field=models.CharField(blank=True, editable=False, max_length=8, verbose_name='hash algorithm'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='hash of the previous event'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='position in the chain'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.RunPython(chain_history, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(refuse_deletes, allow_deletes),
    ]
