"""Applicants' ID numbers, phones, e-mail and postal addresses encrypted at rest, with blind indexes for the
ID number and the phone. Existing rows are encrypted in batches (idempotent: an encrypted value is left
alone); reversing decrypts them."""

import gongkai.core.fields
from django.conf import settings
from django.db import migrations, models


def encrypt_rows(apps, schema_editor):
    from gongkai.core.reencrypt import application_columns, rewrite_table

    table, columns, blind = application_columns()
    rewrite_table(schema_editor.connection, table, columns, blind=blind, mode="encrypt")


def decrypt_rows(apps, schema_editor):
    from gongkai.core.reencrypt import application_columns, rewrite_table

    table, columns, blind = application_columns()
    rewrite_table(schema_editor.connection, table, columns, blind=blind, mode="decrypt")


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0007_attachment_check_state'),
        ('organs', '0002_slug_not_reserved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='application',
            name='application_id_numb_388b16_idx',
        ),
        migrations.AddField(
            model_name='application',
            name='id_number_bidx',
            field=gongkai.core.fields.BlindIndexField(purpose='id_number', source='id_number'),
        ),
        migrations.AddField(
            model_name='application',
            name='phone_bidx',
            field=gongkai.core.fields.BlindIndexField(purpose='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='application',
            name='address',
            field=gongkai.core.fields.EncryptedTextField(blank=True, verbose_name='postal address'),
        ),
        migrations.AlterField(
            model_name='application',
            name='email',
            field=gongkai.core.fields.EncryptedTextField(blank=True, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='application',
            name='id_number',
            field=gongkai.core.fields.EncryptedTextField(verbose_name='document number'),
        ),
        migrations.AlterField(
            model_name='application',
            name='phone',
            field=gongkai.core.fields.EncryptedTextField(blank=True, verbose_name='phone'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['id_number_bidx', 'organ'], name='app_applicant'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('phone_bidx', ''), _negated=True), fields=['phone_bidx'], name='app_phone_set'),
        ),
    ]
