"""In a real Chromium: an editor books a campaign and writes its copy, a moderator approves
it from the dashboard, readers see it labelled "Sponsored", and the sponsor's private
report link opens without an account."""

import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from blog.tests import test_browser as blog_browser
from blog.tests.test_browser import choose_snippet, log_in, log_out, make_user
from sponsors.tests.factories import SponsorFactory

pytestmark = blog_browser.pytestmark

migration_data, browser, page = blog_browser.migration_data, blog_browser.browser, blog_browser.page


def test_editor_books_moderator_approves_readers_see_it_sponsor_reads_the_report(page, live_server, home):
    SponsorFactory(name="Meridian Custody", disclosure="Paid placement by Meridian Custody")
    make_user("ed", "Editors")
    make_user("mod", "Moderators")
    today = timezone.localdate()

    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/admin/snippets/sponsors/campaign/add/")
    choose_snippet(page, "Choose sponsor", "Meridian Custody")
    choose_snippet(page, "Choose package", "Gold")
    page.fill("#id_name", "Cold storage week")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=6)).isoformat())
    page.check("#id_in_site_banner")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text("created").first.wait_for()

    page.goto(f"{live_server.url}/admin/snippets/sponsors/creative/add/")
    choose_snippet(page, "Choose campaign", "Meridian Custody: Cold storage week")
    page.fill("#id_name", "Cold storage copy")
    page.select_option("#id_kind", "copy")
    page.fill("#id_headline", "Insured cold storage for funds")
    page.fill("#id_text", "Segregated wallets and daily attestations.")
    page.fill("#id_link", "https://meridian-custody.example/funds")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text("created").first.wait_for()
    log_out(page, live_server)
    page.goto(f"{live_server.url}/")
    assert page.locator(".promo").count() == 0  # not approved: nothing runs

    log_in(page, live_server, "mod")
    page.get_by_role("link", name="Cold storage copy").first.click()
    page.get_by_role("button", name="Yes, approve").click()
    page.get_by_text("is approved").wait_for()
    page.goto(f"{live_server.url}/admin/snippets/sponsors/campaign/")
    page.get_by_role("link", name="Cold storage week").first.wait_for()
    campaign_id = page.evaluate(
        "() => document.querySelector('a[href*=\"/campaign/edit/\"]').href.match(/edit\\/(\\d+)/)[1]"
    )
    page.goto(f"{live_server.url}/admin/sponsorships/campaigns/{campaign_id}/report/")
    page.get_by_role("button", name="Make a new link").click()
    page.get_by_text("New report link").wait_for()
    report_url = page.locator(".report-links code").first.inner_text()

    log_out(page, live_server)
    page.goto(f"{live_server.url}/?again")  # Chromium may keep "/" for a minute (max-age=60)
    banner = page.locator(".promo-site_banner")
    assert banner.locator(".badge-sponsored").inner_text().lower() == "sponsored"
    assert "Paid placement by Meridian Custody" in banner.inner_text()
    assert "Insured cold storage for funds" in banner.inner_text()

    page.goto(live_server.url + urlsplit(report_url).path)  # links are made on SITE_URL
    assert page.get_by_role("heading", level=1).inner_text() == "Cold storage week"
    assert "What the figures mean" in page.content()
