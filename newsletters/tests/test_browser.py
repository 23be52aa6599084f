"""The footer sign-up box in a real Chromium: in place with JavaScript, by page loads without."""

import re

import pytest
from django.core import mail

from blog.tests import test_browser as blog_browser
from newsletters.models import Subscriber
from newsletters.tests.factories import NewsletterIndexPageFactory, NewsletterPageFactory

pytestmark = blog_browser.pytestmark

# Chromium, and the database restored by hand between tests, as the blog's browser tests have them.
migration_data, browser, page = blog_browser.migration_data, blog_browser.browser, blog_browser.page


@pytest.fixture
def daily(home):
    index = NewsletterIndexPageFactory(parent=home)
    return NewsletterPageFactory(parent=index, title="Daily Briefing", subscribe_by_default=True)


def footer_box(page):
    return page.locator("footer .signup-box")


def test_footer_box_answers_in_place_with_javascript(page, live_server, daily):
    page.goto(f"{live_server.url}/")
    page.evaluate("window.notReloaded = true")
    box = footer_box(page)
    message = box.locator("[aria-live=polite]")

    box.get_by_label("Your email address").fill("not-an-address")
    box.get_by_role("button", name="Subscribe").click()
    page.wait_for_function("() => document.querySelector('footer [aria-live]').textContent.length > 0")
    assert "does not look like an email address" in message.inner_text()
    assert "error" in message.get_attribute("class")

    box.get_by_label("Your email address").fill("ada@example.com")
    box.get_by_role("button", name="Subscribe").click()
    page.wait_for_function("() => document.querySelector('footer [aria-live]').textContent.includes('inbox')")
    assert "Check your inbox" in message.inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.url == f"{live_server.url}/"
    assert box.get_by_label("Your email address").input_value() == ""
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_footer_box_works_without_javascript(browser, page, live_server, daily):
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(f"{live_server.url}/")
        box = footer_box(plain)
        box.get_by_label("Your email address").fill("not-an-address")
        with plain.expect_navigation():
            box.get_by_role("button", name="Subscribe").click()
        assert plain.url == f"{live_server.url}/email/subscribe/"
        assert "does not look like an email address" in plain.locator("main [role=status]").inner_text()

        plain.locator("main").get_by_label("Your email address").fill("grace@example.com")
        plain.locator("main").get_by_label("Daily Briefing").check()
        with plain.expect_navigation():
            plain.locator("main").get_by_role("button", name="Subscribe").click()
        assert plain.url == f"{live_server.url}/email/subscribe/sent/"
        assert plain.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    finally:
        context.close()

    (message,) = mail.outbox
    assert message.to == ["grace@example.com"]
    confirm = re.search(r"(/email/confirm/[^/\s]+/)", message.body).group(1)
    page.goto(f"{live_server.url}{confirm}")
    assert page.get_by_role("heading", level=1).inner_text() == "You are subscribed"
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
