from django.db import migrations


class Migration(migrations.Migration):
    """The OA clients' keys live in credentials.Credential now (moved there by credentials 0001, digests unchanged)."""

    dependencies = [
        ("api", "0002_alter_apiclient_created_by_alter_apiclient_key_hash"),
        ("credentials", "0001_credentials"),
    ]

    operations = [
        migrations.DeleteModel(name="ApiClient"),
    ]
