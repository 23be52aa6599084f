"""Campaign reports: newsletter impressions from a real send of the Daily Briefing, site
counts, the sponsor's private link (expiry, revocation, tampering), CSV, and the admin page."""

import csv
import datetime
import io
import re
from html import unescape

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from core.links import absolute
from newsletters.issues.briefing import draft_daily_briefing
from newsletters.issues.rendering import render_issue
from newsletters.models import Delivery, Send, TrackedLink
from newsletters.tests.factories import grade_token
from newsletters.tests.mailserver import MailServer
from newsletters.tests.sending_setup import smtp_settings, subscribe
from newsletters.tests.test_briefing import DAY, briefing_newsletter, market  # noqa: F401 - fixtures
from newsletters.tests.tracking_setup import APPLE_PROXY
from sponsors import counting, links, report
from sponsors.models import SendPlacement
from sponsors.tests.factories import CreativeFactory, HousePromotionFactory
from sponsors.tests.test_counting import BROWSER, click_url, pixel_url

pytestmark = pytest.mark.django_db
OPEN_IMAGE = r'src="https?://[^/"]+(/email/o/[^"]+)"'  # a message's tracked image, as a path
SCANNER = "Mozilla/5.0 (compatible; link checker)"  # looks like a browser; its pace gives it away


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(step, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args)

    return run


def promotion_blocks(issue):
    return [block.value for block in issue.body if block.block_type == "promotion"]


def test_the_briefing_carries_the_days_campaign_labelled_and_its_send_is_recorded(
    briefing_newsletter, market, settings, run, client  # noqa: F811
):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = ""  # opens and clicks stored in the request
    top = CreativeFactory(campaign__in_newsletter_middle=False, headline="Top copy",
                          campaign__sponsor__disclosure="Paid placement by Northwind Labs")
    middle = CreativeFactory(campaign__in_newsletter_top=False, campaign__in_newsletter_middle=True,
                             headline="Middle copy", link="https://middle.example/offer")
    readers = subscribe(briefing_newsletter, 3)

    issue = draft_daily_briefing(DAY, publish=False)

    blocks = promotion_blocks(issue)
    assert [(b["slot"], b["creative"], b["sponsored"]) for b in blocks] == [
        ("newsletter_top", top.pk, True),
        ("newsletter_middle", middle.pk, True),
    ]
    html = render_issue(issue, briefing_newsletter).html
    assert html.index("Top copy") < html.index("Top picks by Trader Grade") < html.index("Middle copy")
    assert "Paid placement by Northwind Labs" in html and ">Sponsored</strong>" in html
    assert "Sponsored: Paid placement by Northwind Labs" in render_issue(issue, briefing_newsletter).text

    with MailServer() as server:
        smtp_settings(settings, server)
        run(lambda: issue.save_revision().publish())
        assert server.received == {reader.email: 1 for reader in readers}
        assert "Top copy" in server.message(readers[0].email).get_body(("html",)).get_content()

    send = Send.objects.get(issue=issue)
    assert set(SendPlacement.objects.filter(send=send).values_list("creative_id", "slot")) == {
        (top.pk, "newsletter_top"),
        (middle.pk, "newsletter_middle"),
    }
    (line,) = report.campaign_report(top.campaign).lines
    assert (line.slot, line.impressions, line.human_opens, line.clicks) == ("newsletter_top", 3, 0, 0)

    # Half an hour later (not a proxy's prefetch), one reader opens the issue and clicks the
    # top creative twice, through the message's own tracked links.
    Delivery.objects.filter(send=send).update(sent_at=timezone.now() - datetime.timedelta(minutes=30))
    page = unescape(server.message(readers[0].email).get_body(("html",)).get_content())
    opened = re.search(OPEN_IMAGE, page).group(1)
    assert client.get(opened, HTTP_USER_AGENT=BROWSER).status_code == 200
    number = TrackedLink.objects.get(send=send, url=top.link).number  # recorded when frozen
    (to_top,) = {path for path in re.findall(r'href="https?://[^/"]+(/email/c/[^"]+)"', page)
                 if path.endswith(f"/{number}/")}
    for _ in range(2):
        assert client.get(to_top, HTTP_USER_AGENT=BROWSER)["Location"] == top.link
    # Another reader's mail app is behind Apple's privacy proxy, which fetches every image,
    # and a scanner follows every link of a third message at once: machines, not readers.
    proxied = unescape(server.message(readers[1].email).get_body(("html",)).get_content())
    client.get(re.search(OPEN_IMAGE, proxied).group(1), HTTP_USER_AGENT=APPLE_PROXY)
    scanned = unescape(server.message(readers[2].email).get_body(("html",)).get_content())
    for path in set(re.findall(r'href="https?://[^/"]+(/email/c/[^"]+)"', scanned)):
        client.get(path, HTTP_USER_AGENT=SCANNER)  # every link within a second
    lines = {line.slot: line for line in report.campaign_report(top.campaign).lines}
    assert (lines["newsletter_top"].human_opens, lines["newsletter_top"].clicks) == (1, 1)
    (middle_line,) = report.campaign_report(middle.campaign).lines
    assert (middle_line.human_opens, middle_line.clicks) == (1, 0)  # opened, its link not clicked


def test_with_no_campaign_the_briefing_carries_our_promotion_or_nothing(briefing_newsletter, market):  # noqa: F811
    assert promotion_blocks(draft_daily_briefing(DAY, publish=False)) == []

    HousePromotionFactory(in_newsletter_middle=False)
    next_day = DAY + datetime.timedelta(days=1)
    for token in market.values():
        grade_token(token, next_day, 70.0, volume=5e7)
    (block,) = promotion_blocks(draft_daily_briefing(next_day, publish=False))
    assert block["sponsored"] is False and block["creative"] is None
    assert block["link"] == absolute("/api/keys/") and block["link_text"] == "Grab a Free API Key"


def report_for(creative):
    return report.campaign_report(creative.campaign)


def test_site_figures_per_slot_and_day_with_ctr(client, redis_counts):
    creative = CreativeFactory()
    for _ in range(8):
        client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)
    client.get(pixel_url(creative, "article"), HTTP_USER_AGENT=BROWSER)
    for _ in range(2):
        client.get(click_url(creative), HTTP_USER_AGENT=BROWSER)
    counting.flush()

    result = report_for(creative)

    today = timezone.localdate()
    assert [(line.day, line.slot, line.impressions, line.clicks) for line in result.lines] == [
        (today, "site_banner", 8, 2),
        (today, "article", 1, 0),
    ]
    assert result.lines[0].ctr == 25.0
    assert result.total.impressions == 9 and result.total.clicks == 2


def test_the_csv_has_one_row_per_day_and_slot(client, redis_counts):
    creative = CreativeFactory()
    for _ in range(4):
        client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)
    client.get(click_url(creative), HTTP_USER_AGENT=BROWSER)
    counting.flush()
    link = links.make(creative.campaign)

    response = client.get(f"/sponsors/report/{links.token_for(link)}/csv/")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {"day": timezone.localdate().isoformat(), "slot": "site_banner", "impressions": "4",
         "human_opens": "", "clicks": "1", "ctr_percent": "25.00"}
    ]


def test_the_sponsor_opens_the_report_by_its_private_link_without_an_account(client):
    creative = CreativeFactory(campaign__name="Autumn push")
    link = links.make(creative.campaign)

    response = client.get(f"/sponsors/report/{links.token_for(link)}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Autumn push"
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert "What the figures mean" in page.get_text()


def test_an_expired_link_is_refused(client):
    link = links.make(CreativeFactory().campaign, days=1)
    link.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    link.save()

    response = client.get(f"/sponsors/report/{links.token_for(link)}/")

    assert response.status_code == 410 and "expired" in response.content.decode()


def test_a_revoked_link_is_refused_before_it_expires_and_its_csv_too(client):
    link = links.make(CreativeFactory().campaign, days=90)
    token = links.token_for(link)
    assert client.get(f"/sponsors/report/{token}/").status_code == 200

    links.revoke(link)

    for url in (f"/sponsors/report/{token}/", f"/sponsors/report/{token}/csv/"):
        response = client.get(url)
        assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_a_tampered_link_or_one_for_another_link_gets_404(client):
    link = links.make(CreativeFactory().campaign)
    token = links.token_for(link)
    forged = token.replace(token.split(":")[-1], "x" * len(token.split(":")[-1]))

    assert client.get(f"/sponsors/report/{forged}/").status_code == 404
    assert client.get("/sponsors/report/garbage/").status_code == 404
    link.nonce = "0" * 32  # a link made again gets a new nonce: the old token opens nothing
    link.save()
    assert client.get(f"/sponsors/report/{token}/").status_code == 404
