"""Every kind of public page in a real Chromium under the Content-Security-Policy: nothing
is refused, and the pieces that need a script still work. Pages are opened twice, the
second time from the anonymous page cache, whose copy carries the header it was made with."""

from io import StringIO

import pytest
from django.core.management import call_command

from awards.models import Category as AwardCategory
from blog.models import ArticlePage, Category
from blog.tests import test_browser as blog_browser
from newsletters.models import NewsletterIndexPage, NewsletterIssuePage, NewsletterPage
from ratings.models import Sector, Token

pytestmark = blog_browser.pytestmark

# Chromium, and the database restored by hand between tests, as the blog's browser tests have them.
migration_data, browser, page = blog_browser.migration_data, blog_browser.browser, blog_browser.page

# Collects what the policy refused: the DOM event, which names the directive and the source.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def demo(page, settings):
    settings.PAGE_CACHE_SECONDS = 300
    call_command("load_demo", stdout=StringIO())


def public_pages():
    article = ArticlePage.objects.live().public().order_by("-date").first()
    category = Category.objects.filter(articles__isnull=False).first()
    token = Token.objects.exclude(trader_grade=None).first()
    sector = Sector.objects.first()
    award = AwardCategory.objects.select_related("program").first()
    award_url = f"/awards/{award.program.slug}/{award.slug}/"
    newsletter = NewsletterPage.objects.live().first()
    issue = NewsletterIssuePage.objects.live().child_of(newsletter).first()
    return {
        "home": "/",
        "article index": "/blog/",
        "article": article.url,
        "category": f"/blog/?category={category.slug}",
        "search": "/search/?q=bitcoin",
        "token table": "/ratings/",
        "token page": f"/ratings/{token.slug}/",
        "ratings top": "/ratings/top/",
        "ratings top by sector": f"/ratings/top/{sector.slug}/",
        "methodology": "/ratings/methodology/",
        "track record": "/ratings/performance/",
        "market overview": "/ratings/market/",
        "media kit": "/advertise/",
        "awards": "/awards/",
        "award program": f"/awards/{award.program.slug}/",
        "award category": award_url,
        "award results": f"{award_url}results/",
        "newsletter sign-up": NewsletterIndexPage.objects.live().first().url,
        "newsletter archive": newsletter.url,
        "newsletter issue": issue.url,
        "API keys": "/api/keys/",
        "API docs": "/api/docs/",
    }


def open_recording(page, url):
    """Open url; return the policy's refusals, from the DOM event and from the console."""
    console = []

    def listen(message):
        console.append(message.text)

    page.on("console", listen)
    try:
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        refused = page.evaluate("window.cspViolations")
    finally:
        page.remove_listener("console", listen)
    return response, refused + [text for text in console if "Content Security Policy" in text]


def test_no_public_page_breaks_the_policy_fresh_or_cached(page, live_server, demo):
    page.add_init_script(RECORD_VIOLATIONS)
    # Public pages let a browser keep them 60 s (core.edge): the second visit must reach the
    # server's page cache, not Chromium's own. Routing requests turns Chromium's cache off.
    page.route("**/*", lambda route: route.continue_())
    refusals, cache_states = {}, {}
    for name, path in public_pages().items():
        for visit in ("first", "again"):
            response, refused = open_recording(page, f"{live_server.url}{path}")
            assert "Content-Security-Policy" in {key.title() for key in response.headers}, name
            if refused:
                refusals[f"{name} ({visit}) {path}"] = refused
            cache_states.setdefault(name, []).append(response.headers.get("x-page-cache"))
    assert refusals == {}
    assert cache_states["article"] == ["miss", "hit"]  # the cached copy was checked too


def test_script_driven_pieces_still_work(page, live_server, demo):
    page.add_init_script(RECORD_VIOLATIONS)
    pages = public_pages()

    # The footer sign-up box answers in place (newsletters/signup.js, fetch to our origin).
    page.goto(f"{live_server.url}{pages['article']}")
    box = page.locator("footer .signup-box")
    box.get_by_label("Your email address").fill("not-an-address")
    box.get_by_role("button", name="Subscribe").click()
    page.wait_for_function("() => document.querySelector('footer [aria-live]').textContent.length > 0")
    assert "does not look like an email address" in box.locator("[aria-live=polite]").inner_text()
    assert page.url.endswith(pages["article"])

    # Swagger UI starts from its own script file and draws the API from the schema.
    page.goto(f"{live_server.url}/api/docs/", wait_until="networkidle")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 5
    assert "/api/v1/grades/" in page.locator(".swagger-ui").inner_text()

    # The grade chart on a token page is drawn (server-side SVG, shaped by site.css).
    page.goto(f"{live_server.url}{pages['token page']}")
    chart = page.locator("figure.chart svg").first
    assert chart.bounding_box()["width"] > 200
    assert page.evaluate("window.cspViolations") == []


def test_editors_browsing_the_site_keep_the_wagtail_user_bar(page, live_server, demo):
    """Signed in, pages are never cached and show Wagtail's user bar, whose scripts and
    styles come from our static files like the site's own."""
    page.add_init_script(RECORD_VIOLATIONS)
    blog_browser.make_user("mod", "Moderators")
    blog_browser.log_in(page, live_server, "mod")
    for path in ("/", public_pages()["article"]):
        response, refused = open_recording(page, f"{live_server.url}{path}")
        assert refused == [], path
        assert "x-page-cache" not in response.headers
    page.locator("wagtail-userbar").get_by_role("button").first.click()
    page.locator("wagtail-userbar").get_by_role("menuitem", name="Edit this page").wait_for()
