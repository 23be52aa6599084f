# SeoSettings now lives in the core app (the ground floor every app may use). Its table
# keeps its rows and is renamed; its content type (and so its permissions) moves with it.

from django.db import migrations


def move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    moving = ContentType.objects.filter(app_label=source, model="seosettings").first()
    if moving is None:
        return
    there = ContentType.objects.filter(app_label=target, model="seosettings").first()
    if there is None:
        moving.app_label = target
        moving.save()
        return
    # An earlier migrate made the target's content type already: its permissions go to
    # whoever held the source's, and the source's go.
    for permission in Permission.objects.filter(content_type=moving):
        twin, _ = Permission.objects.get_or_create(
            content_type=there, codename=permission.codename, defaults={"name": permission.name}
        )
        twin.group_set.add(*permission.group_set.all())
        twin.user_set.add(*permission.user_set.all())
    moving.delete()


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "blog", "core")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "core", "blog")


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0005_articlepage_body_newsletter_signup"),
        ("auth", "0012_alter_user_first_name_max_length"),
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
