"""A few starting entries for the configurable word list (editable in the admin)."""

from django.db import migrations

WORDS = [
    ("内部资料", "内部资料不得公开"),
    ("注意保存", "涉密文件标注"),
    ("仅供领导参阅", "内部参阅材料"),
    ("征求意见稿", "过程稿，公开前核实"),
]


def seed(apps, schema_editor):
    SensitiveWord = apps.get_model("sensitive", "SensitiveWord")
    for word, note in WORDS:
        SensitiveWord.objects.get_or_create(word=word, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("sensitive", "0002_alter_finding_status")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
