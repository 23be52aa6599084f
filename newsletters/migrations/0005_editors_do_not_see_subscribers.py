"""Subscribers' addresses are personal data that editors do not need to write or submit:
only Moderators (and superusers) see the Subscribers listing and failed recipients."""

from django.db import migrations


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    view = Permission.objects.filter(content_type__app_label="newsletters", codename="view_subscriber")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*view)


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    view = Permission.objects.filter(content_type__app_label="newsletters", codename="view_subscriber")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0004_send_outage_and_failure_kind")]

    operations = [migrations.RunPython(revoke, grant)]
