"""Editors watch sends and see subscribers; Moderators, who publish (and publishing sends),
also send issues from the admin and pause, resume or cancel sends."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Editors": ["view_send", "view_subscriber"],
    "Moderators": ["view_send", "add_send", "change_send", "view_subscriber"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="newsletters", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for name, codenames in PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="newsletters", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("blog", "0002_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
