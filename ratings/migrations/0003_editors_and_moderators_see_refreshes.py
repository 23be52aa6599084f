"""Editors and Moderators see how each ratings refresh went (the admin home's panel and the
Ratings refreshes listing); nobody edits a refresh."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Moderators"]
CODENAME = "view_refreshrun"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("ratings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    view = Permission.objects.get(content_type__app_label="ratings", codename=CODENAME)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="ratings", codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0002_refresh_lease"),
        ("wagtailcore", "0002_initial_data"),  # where Wagtail makes the Editors and Moderators groups
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
