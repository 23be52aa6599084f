"""Revoking records when: `revoked_at` replaces the `revoked` flag. Keys already revoked
keep their refusal, dated at this migration (the flag never said when)."""

from django.db import migrations, models
from django.utils import timezone


def date_revoked_keys(apps, schema_editor):
    ApiKey = apps.get_model("api", "ApiKey")
    ApiKey.objects.filter(revoked=True).update(revoked_at=timezone.now())


def flag_revoked_keys(apps, schema_editor):
    ApiKey = apps.get_model("api", "ApiKey")
    ApiKey.objects.exclude(revoked_at=None).update(revoked=True)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apikey",
            options={"permissions": [("revoke_apikey", "Can revoke API keys")], "verbose_name": "API key"},
        ),
        migrations.AddField(
            model_name="apikey",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_revoked_keys, flag_revoked_keys),
        migrations.RemoveField(
            model_name="apikey",
            name="revoked",
        ),
    ]
