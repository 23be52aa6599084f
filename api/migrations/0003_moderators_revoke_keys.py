"""Moderators see the API keys in the admin and revoke them; editors do not."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_apikey", "revoke_apikey"]


def permissions(apps):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.filter(content_type__app_label="api", codename__in=CODENAMES)


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_revoked_at"),
        ("blog", "0002_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
