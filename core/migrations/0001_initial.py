# SeoSettings moved here from the blog app. Its table is renamed from blog_seosettings to
# core_seosettings, with its rows, by blog's migration 0006, which runs after this one; so
# here the model enters the state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SeoSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("default_description", models.TextField(blank=True, help_text="Used when a page has no search description or summary.")),
                        ("twitter_handle", models.CharField(blank=True, help_text="Without the @.", max_length=30)),
                        ("organisation_name", models.CharField(default="Token Research", max_length=100)),
                        ("default_social_image", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="wagtailimages.image")),
                        ("site", models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to="wagtailcore.site")),
                    ],
                    options={"verbose_name": "SEO and social defaults"},
                ),
            ],
            database_operations=[],
        ),
    ]
