"""Notifications' recipient addresses (e-mail or phone) encrypted at rest; existing rows encrypted in
batches (idempotent), decrypted when reversed."""

import gongkai.core.fields
from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from gongkai.core.reencrypt import notification_columns, rewrite_table

    table, columns, blind = notification_columns()
    rewrite_table(schema_editor.connection, table, columns, blind=blind, mode="encrypt")


def decrypt_rows(apps, schema_editor):
    from gongkai.core.reencrypt import notification_columns, rewrite_table

    table, columns, blind = notification_columns()
    rewrite_table(schema_editor.connection, table, columns, blind=blind, mode="decrypt")


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0003_notification_attachment_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='address',
            field=gongkai.core.fields.EncryptedTextField(blank=True, help_text='E-mail address or phone number used.', verbose_name='address'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
