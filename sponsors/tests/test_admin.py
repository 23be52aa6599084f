"""Sponsorships in the admin: editors book campaigns and write creatives, only moderators
approve (recorded with who and when), changes send a creative back, listings behave like
the rest of the admin, the dashboard panel and the report page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from sponsors.models import Campaign, Creative, Package, ReportLink
from sponsors.tests.factories import CampaignFactory, CreativeFactory, SponsorFactory

pytestmark = pytest.mark.django_db
SNIPPETS = "/admin/snippets/sponsors"


def logged_in(client, user):
    client.force_login(user)
    return client


def creative_form(creative, **changes):
    data = {
        "campaign": creative.campaign_id, "name": creative.name, "kind": creative.kind,
        "image": creative.image_id or "", "alt_text": creative.alt_text, "headline": creative.headline,
        "text": creative.text, "link": creative.link, "link_text": creative.link_text,
    }
    return {**data, **changes}


def test_an_editor_books_a_campaign_and_its_creative_waits_for_a_moderator(client, editor, home):
    client = logged_in(client, editor)
    sponsor = SponsorFactory()
    today = timezone.localdate()

    response = client.post(f"{SNIPPETS}/campaign/add/", {
        "sponsor": sponsor.pk, "package": Package.objects.get(name="Gold").pk, "name": "Launch week",
        "starts_on": today.isoformat(), "ends_on": (today + datetime.timedelta(days=6)).isoformat(),
        "in_site_banner": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="Launch week")
    response = client.post(f"{SNIPPETS}/creative/add/", {
        "campaign": campaign.pk, "name": "Launch copy", "kind": "copy", "headline": "Ship faster",
        "text": "Our SDK is out.", "link": "https://northwind.example/sdk", "link_text": "Read more",
    })
    assert response.status_code == 302

    creative = Creative.objects.get(name="Launch copy")
    assert creative.approved_at is None and creative.approved_by is None
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    assert client.get(f"/admin/sponsorships/creatives/{creative.pk}/approve/").status_code in (302, 403)
    assert client.post(f"/admin/sponsorships/creatives/{creative.pk}/approve/").status_code in (302, 403)
    assert Creative.objects.get(pk=creative.pk).approved_at is None


def test_bad_bookings_and_creatives_are_refused_with_a_message(client, editor, home):
    client = logged_in(client, editor)
    today = timezone.localdate()
    response = client.post(f"{SNIPPETS}/campaign/add/", {
        "sponsor": SponsorFactory().pk, "package": Package.objects.first().pk, "name": "Backwards",
        "starts_on": today.isoformat(), "ends_on": (today - datetime.timedelta(days=1)).isoformat(),
    })
    assert response.status_code == 200
    assert "A campaign cannot end before it starts." in response.content.decode()
    assert "Choose at least one slot." in response.content.decode()
    response = client.post(f"{SNIPPETS}/creative/add/", {
        "campaign": CampaignFactory().pk, "name": "Empty banner", "kind": "banner", "link": "https://x.example/",
    })
    assert "A banner needs an image." in response.content.decode()
    assert not Campaign.objects.filter(name="Backwards").exists()
    assert not Creative.objects.filter(name="Empty banner").exists()


def test_a_moderator_approves_and_the_approval_says_who_and_when(client, moderator):
    creative = CreativeFactory(approved_at=None)
    client = logged_in(client, moderator)

    url = f"/admin/sponsorships/creatives/{creative.pk}/approve/"
    assert "Yes, approve" in client.get(url).content.decode()
    assert client.post(url).status_code == 302

    creative.refresh_from_db()
    assert creative.approved_by == moderator
    assert timezone.now() - creative.approved_at < datetime.timedelta(minutes=1)
    assert ModelLogEntry.objects.filter(action="sponsors.approve_creative", user=moderator,
                                        object_id=str(creative.pk)).exists()


def test_editing_an_approved_creative_sends_it_back_for_approval(client, editor, moderator):
    creative = CreativeFactory(approved_at=None)
    logged_in(client, moderator).post(f"/admin/sponsorships/creatives/{creative.pk}/approve/")
    client = logged_in(client, editor)

    form = creative_form(creative, headline="New words")
    response = client.post(f"{SNIPPETS}/creative/edit/{creative.pk}/", form)

    assert response.status_code == 302
    creative.refresh_from_db()
    assert creative.headline == "New words" and creative.approved_at is None and creative.approved_by is None


def test_saving_an_approved_creative_unchanged_keeps_its_approval(client, editor):
    creative = CreativeFactory()
    logged_in(client, editor).post(f"{SNIPPETS}/creative/edit/{creative.pk}/", creative_form(creative))
    creative.refresh_from_db()
    assert creative.approved_at is not None


def test_moderators_approve_many_at_once_and_editors_cannot(client, editor, moderator):
    first, second = CreativeFactory(approved_at=None), CreativeFactory(approved_at=None)
    url = f"/admin/bulk/sponsors/creative/approve/?id={first.pk}&id={second.pk}&next={SNIPPETS}/creative/"

    logged_in(client, editor).post(url)
    assert Creative.objects.awaiting_approval().count() == 2

    client = logged_in(client, moderator)
    assert "Yes, approve" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert set(Creative.objects.approved().values_list("approved_by", flat=True)) == {moderator.pk}


def test_listings_filter_search_and_sort(client, moderator):
    waiting = CreativeFactory(approved_at=None, name="Waiting banner copy")
    CreativeFactory(name="Approved copy")
    CampaignFactory(
        name="Old campaign", starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 1, 9)
    )
    client = logged_in(client, moderator)

    listing = client.get(f"{SNIPPETS}/creative/?status=awaiting").content.decode()
    assert "Waiting banner copy" in listing and "Approved copy" not in listing
    assert f"/admin/sponsorships/creatives/{waiting.pk}/approve/" in listing
    found = client.get(f"{SNIPPETS}/creative/?q=waiting").content.decode()
    assert "Waiting banner copy" in found and "Approved copy" not in found
    assert client.get(f"{SNIPPETS}/creative/?ordering=name").status_code == 200
    running = client.get(f"{SNIPPETS}/campaign/?when=running").content.decode()
    assert "Old campaign" not in running and "Autumn push" in running
    assert "Old campaign" in client.get(f"{SNIPPETS}/campaign/?when=ended").content.decode()
    for model in ("sponsor", "package", "housepromotion"):
        assert client.get(f"{SNIPPETS}/{model}/").status_code == 200


def panel_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_dashboard_shows_running_campaigns_and_waiting_creatives_in_constant_queries(client, moderator):
    client = logged_in(client, moderator)
    CreativeFactory(campaign__name="Small campaign")
    shared = CreativeFactory(approved_at=None, name="Needs a look").campaign
    panel_queries(client)  # the first visit makes the user's admin profile
    page, few = panel_queries(client)
    assert "Small campaign" in page and "Needs a look" in page
    for number in range(6):
        CreativeFactory(campaign__name=f"More {number}")
        CreativeFactory(approved_at=None, name=f"Waiting {number}", campaign=shared)

    page, many = panel_queries(client)

    assert "More 5" in page and "Waiting 5" in page
    assert many == few


def test_the_admin_report_page_makes_and_revokes_sponsor_links(client, editor):
    campaign = CreativeFactory().campaign
    client = logged_in(client, editor)

    assert client.get(f"/admin/sponsorships/campaigns/{campaign.pk}/report/").status_code == 200
    assert client.get(f"/admin/sponsorships/campaigns/{campaign.pk}/report.csv").status_code == 200
    make_link = f"/admin/sponsorships/campaigns/{campaign.pk}/links/"
    assert client.post(make_link, {"days": "0"}).status_code == 302
    assert not ReportLink.objects.exists()
    client.post(f"/admin/sponsorships/campaigns/{campaign.pk}/links/", {"days": "30"})
    link = ReportLink.objects.get()
    page = client.get(f"/admin/sponsorships/campaigns/{campaign.pk}/report/").content.decode()
    assert "/sponsors/report/" in page
    public = page.split("<code>")[1].split("</code>")[0].split("/sponsors/report/")[1]
    client.logout()
    assert client.get(f"/sponsors/report/{public}").status_code == 200

    logged_in(client, editor).post(f"/admin/sponsorships/campaigns/{campaign.pk}/links/{link.pk}/revoke/")
    client.logout()
    assert client.get(f"/sponsors/report/{public}").status_code == 410
