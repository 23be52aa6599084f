"""The admin home's "Last ratings refresh" panel and the Ratings refreshes listing: real
refreshes (a clean one, one with damaged rows, failures), read back as editors see them."""

import datetime

import numpy as np
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission

from ratings.models import RefreshRun
from ratings.providers import ProviderError
from ratings.providers.demo import DemoProvider
from ratings.refresh import RefreshRejected, refresh

from .helpers import DamagedProvider, FixedProvider

END = datetime.date(2025, 9, 30)
REFRESHES = "/admin/ratings/refreshes/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def stable():
    """Twenty demo tokens that traded every day of the last month."""
    data = DemoProvider(seed=7, universe=150).fetch(end=END, days=31, limit=60)
    rows = np.flatnonzero(~np.isnan(data["close"]).any(axis=1))[:20]
    data.tokens = [data.tokens[i] for i in rows]
    data.arrays = {name: values[rows] for name, values in data.arrays.items()}
    return FixedProvider(data)


def signed_in(client, django_user_model, group):
    user = django_user_model.objects.create_user(group.lower(), password="a-long-password")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def panel(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one('[data-panel="ratings-last-refresh"]')


def figures(panel):
    return {element["data-figure"]: element.get_text(strip=True) for element in panel.select("[data-figure]")}


def test_the_panel_reports_the_last_refresh_and_the_failures_since_the_last_good_one(
    client, django_user_model, stable
):
    editor = signed_in(client, django_user_model, "Editors")
    assert "No refresh has run yet." in panel(editor.get("/admin/")).get_text()

    refresh(stable, end=END - datetime.timedelta(days=1), days=30)
    refresh(DamagedProvider(stable, broken_rows=[3], failed_rows=[5]), end=END, days=1)
    shown = panel(editor.get("/admin/"))
    expected = {"status": "Done", "graded": "18", "stale": "2", "rejected": "1", "failed_runs": "0"}
    assert figures(shown) == expected
    assert "30 September 2025" in shown.get_text() and "HTTP 500" in shown.get_text()
    assert shown.select_one(f'a[href="{REFRESHES}"]')

    with pytest.raises(RefreshRejected):
        refresh(DamagedProvider(stable, broken_rows=range(15)), end=END, days=1)
    with pytest.raises(ProviderError):
        refresh(DamagedProvider(stable, error="API down"), end=END, days=1)
    shown = panel(editor.get("/admin/"))
    assert figures(shown)["status"] == "Failed" and figures(shown)["failed_runs"] == "2"
    assert "API down" in shown.get_text()


def test_editors_and_moderators_see_refreshes_others_do_not(client, django_user_model, stable):
    refresh(stable, end=END, days=30)
    for group in ("Editors", "Moderators"):
        user = signed_in(client, django_user_model, group)
        assert panel(user.get("/admin/")) is not None
        listing = user.get(REFRESHES)
        assert listing.status_code == 200 and "fixed" in listing.content.decode()
        run = RefreshRun.objects.get()
        assert user.get(f"{REFRESHES}inspect/{run.pk}/").status_code == 200
        # Looked at, never edited, not even by a moderator.
        assert user.get(f"{REFRESHES}edit/{run.pk}/").status_code == 302
        assert user.get(f"{REFRESHES}new/").status_code == 302
        client.logout()

    someone = django_user_model.objects.create_user("writer", password="a-long-password")
    someone.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(someone)
    assert panel(client.get("/admin/")) is None
    assert REFRESHES not in client.get("/admin/").content.decode()
    assert client.get(REFRESHES).status_code == 302


def test_the_listing_filters_by_status(client, django_user_model, stable):
    refresh(stable, end=END, days=30)
    with pytest.raises(ProviderError):
        refresh(DamagedProvider(stable, error="API down"), end=END, days=1)
    moderator = signed_in(client, django_user_model, "Moderators")
    rows = BeautifulSoup(moderator.get(REFRESHES, {"status": "failed"}).content, "html.parser")
    listed = [row.get_text(" ", strip=True) for row in rows.select("table.listing tbody tr")]
    assert len(listed) == 1 and "Failed" in listed[0]
