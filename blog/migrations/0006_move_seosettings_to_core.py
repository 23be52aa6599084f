# SeoSettings now lives in the core app (the ground floor every app may use). Its table
# keeps its rows and is renamed; its content type (and so its permissions) moves with it.

from django.db import migrations


def move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="seosettings").exists():
        ContentType.objects.filter(app_label=source, model="seosettings").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "blog", "core")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "core", "blog")


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0005_articlepage_body_newsletter_signup"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="seosettings", table="core_seosettings")],
            state_operations=[migrations.DeleteModel(name="seosettings")],
        ),
        migrations.RunPython(forwards, backwards),
    ]
