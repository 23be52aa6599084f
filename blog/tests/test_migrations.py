"""Moving SeoSettings from the blog app to core keeps the rows and rights a site already has."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

LAST_BEFORE_THE_MOVE = ("blog", "0005_articlepage_body_newsletter_signup")


def migrate(targets, state_at):
    """Migrate the test database to `targets`; the models as they were at `state_at`."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_at).apps


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("core_type_made_already", [False, True], ids=["upgrade", "core-type-exists"])
def test_moving_seo_settings_to_core_keeps_their_rows_and_permissions(core_type_made_already):
    old = migrate([LAST_BEFORE_THE_MOVE, ("core", None)], [LAST_BEFORE_THE_MOVE])
    Site = old.get_model("wagtailcore", "Site")
    Page = old.get_model("wagtailcore", "Page")
    ContentType = old.get_model("contenttypes", "ContentType")
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    locale, _ = old.get_model("wagtailcore", "Locale").objects.get_or_create(language_code="en")
    root = Page.objects.create(
        title="Root", slug="root", path="9999", depth=1, numchild=0, content_type=page_type, locale=locale
    )
    site = Site.objects.create(hostname="research.example", port=443, root_page=root)
    old.get_model("blog", "SeoSettings").objects.create(
        site=site, default_description="Independent crypto research.", twitter_handle="tokenresearch"
    )
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="blog", model="seosettings")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="change_seosettings", defaults={"name": "Can change"}
    )
    Group.objects.create(name="Site editors").permissions.add(permission)
    if not core_type_made_already:  # as on a site upgrading from before core existed
        ContentType.objects.filter(app_label="core").delete()

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = migrate(latest, latest)

    settings = new.get_model("core", "SeoSettings").objects.get(site__hostname="research.example")
    assert (settings.default_description, settings.twitter_handle) == (
        "Independent crypto research.",
        "tokenresearch",
    )
    group = new.get_model("auth", "Group").objects.get(name="Site editors")
    moved = group.permissions.get(codename="change_seosettings")
    assert (moved.content_type.app_label, moved.content_type.model) == ("core", "seosettings")
    tables = connection.introspection.table_names()
    assert "core_seosettings" in tables and "blog_seosettings" not in tables
