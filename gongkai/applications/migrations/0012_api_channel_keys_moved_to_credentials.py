import django.db.models.deletion
from django.db import migrations, models


def point_to_credentials(apps, schema_editor):
    """Each application filed through a channel points to the Credential the channel became (credentials 0001)."""
    Application = apps.get_model("applications", "Application")
    Credential = apps.get_model("credentials", "Credential")
    moved = {
        int(old.rsplit(":", 1)[1]): pk
        for pk, old in Credential.objects.filter(moved_from__startswith="applications.apichannel:").values_list("pk", "moved_from")
    }
    for old_pk, new_pk in moved.items():
        Application.objects.filter(api_channel_id=old_pk).update(api_credential_id=new_pk)


class Migration(migrations.Migration):
    """Intake channels' keys live in credentials.Credential now (same digests): applications point there."""

    dependencies = [
        ("applications", "0011_caseletter_number"),
        ("credentials", "0001_credentials"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="application", name="app_channel_set"),
        migrations.AddField(
            model_name="application",
            name="api_credential",
            field=models.ForeignKey(
                blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="credentials.credential", verbose_name="API channel",
            ),
        ),
        migrations.RunPython(point_to_credentials, migrations.RunPython.noop),
        migrations.RemoveField(model_name="application", name="api_channel"),
        migrations.RenameField(model_name="application", old_name="api_credential", new_name="api_channel"),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(condition=models.Q(("api_channel__isnull", False)), fields=["api_channel"], name="app_channel_set"),
        ),
        migrations.DeleteModel(name="ApiChannel"),
    ]
