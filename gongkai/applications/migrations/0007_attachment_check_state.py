"""Quarantine state of uploaded files (virus scan and text extraction in a background job)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_letter_download_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicationattachment',
            name='check_note',
            field=models.CharField(blank=True, max_length=200, verbose_name='check result'),
        ),
        migrations.AddField(
            model_name='applicationattachment',
            name='check_state',
            field=models.CharField(choices=[('pending', 'Being checked'), ('clean', 'Checked'), ('infected', 'Refused: malware found')], default='clean', max_length=10, verbose_name='check'),
        ),
        # Files stored before checks existed count as checked; new ones wait for their check.
        migrations.AlterField(
            model_name='applicationattachment',
            name='check_state',
            field=models.CharField(choices=[('pending', 'Being checked'), ('clean', 'Checked'), ('infected', 'Refused: malware found')], default='pending', max_length=10, verbose_name='check'),
        ),
    ]
