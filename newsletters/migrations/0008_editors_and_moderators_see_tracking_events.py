"""Editors and Moderators, who read the opens and clicks reports, can also list the events
those figures are counted from (Newsletters > Opens and clicks); nobody edits an event."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Moderators"]
CODENAME = "view_trackingevent"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    view = Permission.objects.get(content_type__app_label="newsletters", codename=CODENAME)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="newsletters", codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0007_tracking_events_links_outcomes"),
        ("wagtailcore", "0002_initial_data"),  # where Wagtail makes the Editors and Moderators groups
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
