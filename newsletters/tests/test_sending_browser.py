"""A send's progress page in a real Chromium: the numbers move without a reload; Pause works."""


from django.utils import timezone

from blog.tests import test_browser as blog_browser
from newsletters.models import Delivery, Send
from newsletters.sending import sends
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe

pytestmark = blog_browser.pytestmark

# Chromium, and the database restored by hand between tests, as the blog's browser tests have them.
migration_data, browser, page = blog_browser.migration_data, blog_browser.browser, blog_browser.page


def test_progress_moves_without_a_reload_and_the_moderator_pauses(page, live_server, home, settings):
    from playwright.sync_api import expect

    settings.NEWSLETTERS_WORKERS = 0  # deliveries are created; the test plays the workers
    newsletter = make_newsletter(home)
    subscribe(newsletter, 6)
    send, _ = sends.queue_issue(make_issue(newsletter, subject="Grades at dawn"))
    assert Send.objects.get().status == "sending"
    blog_browser.make_user("mod", "Moderators")
    blog_browser.log_in(page, live_server, "mod")

    page.goto(f"{live_server.url}/admin/newsletters/sends/{send.pk}/")
    sent = page.locator('dd[data-field="sent"]')
    expect(sent).to_have_text("0")
    page.evaluate("window.notReloaded = true")

    first_three = Delivery.objects.order_by("pk").values_list("pk", flat=True)[:3]
    Delivery.objects.filter(pk__in=list(first_three)).update(status="sent", sent_at=timezone.now())
    expect(sent).to_have_text("3", timeout=10_000)
    expect(page.locator('dd [data-field="left"]')).to_have_text("3")
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused. Workers stop within a second")).to_be_visible()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    assert Send.objects.get().status == "paused"


def test_the_sends_listing_filters_sorts_paginates_and_pauses_in_bulk(page, live_server, home, settings):
    """The Sends listing is Wagtail's own: its filter drawer, sortable headers, pages and the
    bulk-action footer all work in a browser."""
    import datetime

    from playwright.sync_api import expect

    settings.NEWSLETTERS_WORKERS = 0
    newsletter = make_newsletter(home)
    subscribe(newsletter, 2)
    start = timezone.now() - datetime.timedelta(hours=1)
    for number in range(23):
        send, _ = sends.queue_issue(make_issue(newsletter, subject=f"Briefing {number:02d}"))
        Send.objects.filter(pk=send.pk).update(
            created_at=start + datetime.timedelta(minutes=number),
            status="finished" if number % 4 == 0 else "sending",
        )
    blog_browser.make_user("mod", "Moderators")
    blog_browser.log_in(page, live_server, "mod")
    page.goto(f"{live_server.url}/admin/newsletters/sends/")

    titles = page.locator("#listing-results table.listing tbody td.title")
    expect(titles).to_have_count(20)
    expect(titles.first).to_have_text("Briefing 22")  # newest first

    page.locator("#listing-results").get_by_role("link", name="Next").first.click()  # pagination
    expect(titles).to_have_count(3)
    expect(titles.last).to_have_text("Briefing 00")

    page.goto(f"{live_server.url}/admin/newsletters/sends/")
    page.get_by_role("button", name="Show filters").click()
    page.locator(".w-drilldown__toggle", has_text="Status").click()
    page.get_by_label("Status").select_option("finished")  # Wagtail refreshes the results in place
    expect(titles).to_have_count(6)
    expect(page.locator("#listing-results")).not_to_contain_text("Briefing 21")

    page.locator("#listing-results thead").get_by_role("link", name="Issue").click()  # sort by subject
    expect(titles.first).to_have_text("Briefing 00")
    expect(titles.last).to_have_text("Briefing 20")

    page.goto(f"{live_server.url}/admin/newsletters/sends/?q=Briefing 0")
    for subject in ("Briefing 01", "Briefing 02"):
        page.get_by_role("row").filter(has_text=subject).locator("input.bulk-action-checkbox").check()
    page.locator("[data-bulk-action-footer]").get_by_role("link", name="Pause").click()
    expect(page.get_by_text("Pause 2 sends?")).to_be_visible()
    page.get_by_role("button", name="Yes, pause").click()
    expect(page.get_by_text("2 sends paused.")).to_be_visible()
    paused = Send.objects.filter(status="paused").values_list("subject", flat=True)
    assert sorted(paused) == ["Briefing 01", "Briefing 02"]
