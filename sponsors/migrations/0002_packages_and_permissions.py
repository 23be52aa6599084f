"""The three packages to start with (editors change them freely), and who may do what:
Editors manage sponsors, packages, campaigns, creatives and our promotions; Moderators do
too, and only they approve creatives."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

PACKAGES = [
    (
        "Platinum",
        "Top slot of the Daily Briefing every day of the campaign\n"
        "Site-wide banner on every page\n"
        "Slot on every article page\n"
        "One sponsored article, written with our editors and labelled as sponsored\n"
        "Report with impressions, opens and clicks per day, and a CSV",
        Decimal("12000.00"),
        30,
        10,
    ),
    (
        "Gold",
        "Middle slot of the Daily Briefing every day of the campaign\n"
        "Site-wide banner on every page\n"
        "Report with impressions, opens and clicks per day, and a CSV",
        Decimal("6500.00"),
        14,
        20,
    ),
    (
        "Silver",
        "Slot on every article page\n"
        "Report with impressions and clicks per day, and a CSV",
        Decimal("2500.00"),
        7,
        30,
    ),
]
MODELS = ["sponsor", "package", "campaign", "creative", "housepromotion"]
EDITORS = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")] + ["change_aboutbox"]
MODERATORS = EDITORS + [f"delete_{model}" for model in MODELS] + ["approve_creative"]


def permissions(apps, codenames):
    app_config = apps.get_app_config("sponsors")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.filter(content_type__app_label="sponsors", codename__in=codenames)


def forwards(apps, schema_editor):
    Package = apps.get_model("sponsors", "Package")
    for name, includes, price, days, order in PACKAGES:
        Package.objects.get_or_create(
            name=name, defaults={"includes": includes, "price": price, "duration_days": days, "sort_order": order}
        )
    Group = apps.get_model("auth.Group")
    for group_name, codenames in (("Editors", EDITORS), ("Moderators", MODERATORS)):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*permissions(apps, codenames))
        admin_access = apps.get_model("auth.Permission").objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        group.permissions.add(*admin_access)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.remove(*permissions(apps, MODERATORS))


class Migration(migrations.Migration):
    dependencies = [
        ("sponsors", "0001_initial"),
        ("blog", "0002_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
