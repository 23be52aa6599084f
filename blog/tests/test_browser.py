"""Real Chromium (Debian's, never a downloaded one) driven by Playwright against live_server."""

import os
import shutil

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from wagtail.models import Locale

from blog.tests.factories import ArticlePageFactory, AuthorFactory, CategoryFactory, body

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make browser)"
    ),
]


@pytest.fixture(scope="module")
def migration_data(django_db_setup):
    """What the migrations stored (groups, workflow, root page), serialized by pytest-django.

    Once Playwright's event loop runs in this thread, Django hands out a fresh connection
    object without it, so serialized_rollback alone cannot restore it between tests.
    """
    return connection._test_serialized_contents


@pytest.fixture(scope="module")
def browser(migration_data):
    # Playwright runs an event loop in this thread; the ORM calls in the test body are
    # ordinary synchronous calls made between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, transactional_db, migration_data):
    if not Locale.objects.exists():  # a previous test's flush removed the migrations' data
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migration_data)
        with connection.cursor() as cursor:  # flush restarted the sequences at 1
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)
        ContentType.objects.clear_cache()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def make_user(username, group):
    user = get_user_model().objects.create_user(username, password="a-long-password")
    user.groups.add(Group.objects.get(name=group))
    return user


def choose_snippet(page, button, name):
    page.get_by_role("button", name=button).first.click()
    page.locator(".modal").get_by_role("link", name=name).click()
    page.locator(".modal").wait_for(state="hidden")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "a-long-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def log_out(page, live_server):
    page.context.clear_cookies()


def test_visitor_reads_an_article(page, live_server, blog_index):
    article = ArticlePageFactory(
        parent=blog_index,
        title="Stablecoins explained",
        summary="Dollars on a blockchain.",
        body=body(
            ("paragraph", "<p>Stablecoins track a reference asset.</p>"),
            (
                "faq",
                {"title": "FAQ", "items": [{"question": "Are they safe?", "answer": "<p>It depends.</p>"}]},
            ),
        ),
    )

    page.goto(f"{live_server.url}/blog/")
    page.get_by_role("link", name="Stablecoins explained").click()

    page.wait_for_url(f"{live_server.url}{article.url}")
    assert page.get_by_role("heading", level=1).inner_text() == "Stablecoins explained"
    assert page.locator(".summary").inner_text() == "Dollars on a blockchain."
    answer = page.get_by_text("It depends.")
    assert not answer.is_visible()
    page.get_by_text("Are they safe?").click()
    assert answer.is_visible()
    page.get_by_role("link", name="← Back to blog").click()
    page.wait_for_url(f"{live_server.url}/blog/")


def test_editor_writes_moderator_approves_article_goes_live(page, live_server, blog_index):
    CategoryFactory(name="Research", slug="research")
    AuthorFactory(name="Mara Lindqvist")
    make_user("ed", "Editors")
    make_user("mod", "Moderators")

    # The editor writes an article and submits it for moderation.
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/admin/pages/add/blog/articlepage/{blog_index.pk}/")
    page.fill("#id_title", "Restaking risks, plainly")
    page.fill("#id_summary", "What can go wrong when staked ether secures more than one network.")
    choose_snippet(page, "Choose category", "Research")
    choose_snippet(page, "Choose author", "Mara Lindqvist")
    page.locator("#panel-child-content-body-content button[title='Insert a block']").first.click()
    page.get_by_role("option", name="Paragraph").click()
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    page.keyboard.type("Slashing can now hit twice.")
    editor.blur()
    # Draftail copies its content into a hidden form field after a short delay.
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[type=hidden]')]"
        ".some(field => field.value.includes('Slashing can now hit twice'))"
    )
    page.locator("footer .w-dropdown__toggle").click()
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Submit to Moderators approval").click()
    page.get_by_text("created and submitted for moderation").wait_for()
    assert page.request.get(f"{live_server.url}/blog/restaking-risks-plainly/").status == 404

    # The moderator approves it; it is live for readers.
    log_out(page, live_server)
    log_in(page, live_server, "mod")
    page.get_by_role("link", name="Restaking risks, plainly").first.click()
    page.locator(".Draftail-Editor").get_by_text("Slashing can now hit twice.").wait_for()  # editor ready
    page.locator("footer .w-dropdown__toggle").click()
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Approve").first.click()
    page.get_by_text("has been updated").wait_for()

    log_out(page, live_server)
    page.goto(f"{live_server.url}/blog/restaking-risks-plainly/")
    assert page.get_by_role("heading", level=1).inner_text() == "Restaking risks, plainly"
    assert "Slashing can now hit twice." in page.locator(".article-body").inner_text()
    assert "Mara Lindqvist" in page.locator(".byline").inner_text()
