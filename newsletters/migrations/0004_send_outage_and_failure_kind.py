"""A mail outage pauses a send (status "waiting", with its reason and next try) instead of
charging its recipients; a failed delivery says whether it gave up after temporary failures
(which moderators may retry) or was refused for good."""

from django.db import migrations, models


def sort_failures(apps, schema_editor):
    """Failed rows from before: workers wrote "gave up after N attempts: ..." when they gave up."""
    Delivery = apps.get_model("newsletters", "Delivery")
    failed = Delivery.objects.filter(status="failed")
    failed.filter(error__startswith="gave up after").update(failure="gave_up")
    failed.exclude(error__startswith="gave up after").update(failure="refused")


class Migration(migrations.Migration):

    dependencies = [
        ('newsletters', '0003_grade_alert_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='failure',
            field=models.CharField(blank=True, choices=[('gave_up', 'Gave up after temporary failures'), ('refused', 'Refused for good')], max_length=10),
        ),
        migrations.AddField(
            model_name='send',
            name='next_try_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='send',
            name='outage_reason',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='send',
            name='outage_since',
            field=models.DateTimeField(blank=True, help_text='When workers first found the mail server unreachable.', null=True),
        ),
        migrations.AddField(
            model_name='send',
            name='outage_tries',
            field=models.PositiveSmallIntegerField(default=0, help_text='Tries that found the mail server unreachable: the back-off doubles with each.'),
        ),
        migrations.AlterField(
            model_name='send',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('paused', 'Paused'), ('waiting', 'Paused: mail server unreachable'), ('cancelled', 'Cancelled'), ('finished', 'Finished')], db_index=True, default='queued', max_length=10),
        ),
        migrations.RunPython(sort_failures, migrations.RunPython.noop),
    ]
