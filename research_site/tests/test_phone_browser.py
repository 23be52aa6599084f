"""Every kind of public page on a phone's screen in a real Chromium: nothing scrolls
sideways (wide tables and charts scroll inside their own box), as PRODUCT.md promises."""

from research_site.tests import test_csp_browser as csp_browser

pytestmark = csp_browser.pytestmark

migration_data, browser, page, demo = (
    csp_browser.migration_data,
    csp_browser.browser,
    csp_browser.page,
    csp_browser.demo,
)

# What sets the page's width: the elements reaching its right edge, deepest last.
WIDEST = """
() => {
  const edge = document.documentElement.scrollWidth - 1;
  return [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right >= edge)
    .slice(-5)
    .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
}
"""


def test_no_public_page_scrolls_sideways_on_a_phone(page, live_server, demo):
    width = 360
    page.set_viewport_size({"width": width, "height": 780})
    sideways = {}
    for name, path in csp_browser.public_pages().items():
        response = page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        assert response.status == 200, path
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            sideways[f"{name} {path}: {scroll}px"] = page.evaluate(WIDEST)
    assert sideways == {}
