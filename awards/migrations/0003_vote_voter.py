"""One counted vote per voter (the mailbox an address reaches) instead of per spelling.

Votes already cast keep their stored email as their voter: it was lower-cased but not
folded, so no two counted votes collide and none is lost. The price: a voter who voted as
a.da@gmail.com before this migration may vote once more in that category as ada@gmail.com
(or a.da+2@gmail.com, which now folds to it).
"""

from django.db import migrations, models


def voters_are_their_stored_emails(apps, schema_editor):
    Vote = apps.get_model("awards", "Vote")
    Vote.objects.update(voter=models.F("email"))


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0002_leaner_vote_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="vote",
            name="voter",
            field=models.CharField(
                default="",
                help_text="The mailbox the email reaches: one counted vote per voter and category.",
                max_length=254,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(voters_are_their_stored_emails, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name="vote",
            name="awards_one_counted_vote_per_email",
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.UniqueConstraint(
                condition=models.Q(("replaced_at__isnull", True), ("voided_at__isnull", True)),
                fields=("category", "voter"),
                name="awards_one_counted_vote_per_voter",
            ),
        ),
    ]
