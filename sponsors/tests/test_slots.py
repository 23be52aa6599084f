"""What readers see in the slots: a labelled sponsor placement, our own promotion, or
nothing; the same page for every reader; the article's sponsor record, the About box and
a sponsor token's note."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from blog.tests.factories import ArticlePageFactory
from core.tests.queries import cold_and_warm
from newsletters.tests.factories import TokenFactory
from sponsors import slots
from sponsors.models import AboutBox, Creative
from sponsors.tests.factories import BannerFactory, CreativeFactory, HousePromotionFactory

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def article(blog_index):
    return ArticlePageFactory(parent=blog_index, title="Reading a grade")


def test_a_running_campaign_fills_the_site_banner_and_article_slot_labelled_sponsored(client, article):
    creative = CreativeFactory(
        campaign__sponsor__name="Northwind Labs", campaign__sponsor__disclosure="Paid by NW"
    )

    page = soup(client.get(article.url))

    for slot in ("site_banner", "article"):
        box = page.select_one(f".promo-{slot}")
        assert box is not None, slot
        assert "promo-sponsored" in box["class"]
        assert box.select_one(".badge-sponsored").get_text() == "Sponsored"
        assert "Paid by NW" in box.select_one(".promo-label").get_text()
        assert creative.headline in box.get_text()
        click = box.select_one(".promo-headline a")["href"]
        assert click.startswith("/sponsors/c/") and creative.link not in click
        assert box.select_one("img.promo-pixel")["src"].startswith("/sponsors/i/")


def test_a_banner_shows_its_image_with_alt_text(client, home):
    BannerFactory(campaign__in_article=False)

    box = soup(client.get("/")).select_one(".promo-site_banner")

    assert box.select_one(".promo-banner img")["alt"] == "Northwind: payments that settle in one block"


def test_unapproved_creatives_and_campaigns_not_running_today_show_nothing(client, article):
    today = timezone.localdate()
    CreativeFactory(approved_at=None)
    day = datetime.timedelta(days=1)
    CreativeFactory(campaign__starts_on=today + day, campaign__ends_on=today + 3 * day)
    CreativeFactory(campaign__starts_on=today - 9 * day, campaign__ends_on=today - day)

    page = soup(client.get(article.url))

    assert page.select(".promo") == []  # no empty box either


def test_with_no_campaign_our_own_promotion_runs_unlabelled(client, article):
    HousePromotionFactory()

    page = soup(client.get(article.url))

    box = page.select_one(".promo-site_banner")
    assert "promo-house" in box["class"]
    assert "Build Smarter Crypto Apps & AI Agents" in box.get_text()
    assert box.select_one("a.button")["href"] == "/api/keys/"
    assert box.select_one("a.button").get_text() == "Grab a Free API Key"
    assert "Sponsored" not in box.get_text() and box.select_one(".badge-sponsored") is None


def test_the_sign_up_box_can_be_our_promotion(client, article):
    HousePromotionFactory(kind="signup", headline="", in_site_banner=False, in_newsletter_top=False)

    box = soup(client.get(article.url)).select_one(".promo-article")

    assert box.select_one("form.signup-form") is not None
    assert "Want smarter crypto picks - free?" in box.get_text()


def test_a_campaign_takes_the_slot_from_our_promotion(client, article):
    HousePromotionFactory()
    CreativeFactory(campaign__in_article=False)

    page = soup(client.get(article.url))

    assert "promo-sponsored" in page.select_one(".promo-site_banner")["class"]
    assert "promo-house" in page.select_one(".promo-article")["class"]


def test_campaigns_sharing_a_slot_take_turns_by_day():
    first, second = CreativeFactory(headline="First"), CreativeFactory(headline="Second")
    today = timezone.localdate()
    shown = {}
    for offset in range(4):
        day = today + datetime.timedelta(days=offset)
        campaigns = slots.running_campaigns(day)
        shown[day] = slots.choose("site_banner", day, campaigns, [])[1]
        assert slots.choose("site_banner", day, campaigns, [])[1] == shown[day]  # stable within a day
    assert set(shown.values()) == {first, second}


def test_every_reader_gets_the_same_page_without_a_cookie(client, article, settings):
    CreativeFactory()
    HousePromotionFactory(in_site_banner=False)

    first = client.get(article.url)
    client.cookies.clear()
    second = client.get(article.url, HTTP_USER_AGENT="Another reader's browser")

    assert first.content == second.content
    assert not first.cookies and not second.cookies
    assert first["Cache-Control"].startswith("public")


def test_filled_slots_cost_no_query_warm_or_after_a_publish(
    client, article, settings, django_capture_on_commit_callbacks
):
    empty = cold_and_warm(client, article.url, settings)
    with django_capture_on_commit_callbacks(execute=True):
        CreativeFactory()
        HousePromotionFactory(in_site_banner=False, in_article=False)
        TokenFactory(name="Northcoin", slug="northcoin")

    filled = cold_and_warm(client, article.url, settings)

    assert soup(client.get(article.url)).select_one(".promo-site_banner") is not None
    assert filled == empty  # the day's slots are kept apart from the page generation


def test_saving_a_campaign_creative_or_approval_shows_at_once(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        creative = CreativeFactory(approved_at=None, headline="Version one")
    assert soup(client.get(article.url)).select(".promo") == []

    with django_capture_on_commit_callbacks(execute=True):
        creative.approve(None)
    assert "Version one" in soup(client.get(article.url)).select_one(".promo-article").get_text()

    with django_capture_on_commit_callbacks(execute=True):
        creative.campaign.in_article = False
        creative.campaign.save()
    assert soup(client.get(article.url)).select_one(".promo-article") is None


def test_sponsored_article_links_to_its_sponsor_record(client, blog_index):
    creative = CreativeFactory(campaign__sponsor__name="Northwind Labs")
    sponsor = creative.campaign.sponsor
    article = ArticlePageFactory(parent=blog_index, sponsored=True, sponsor=sponsor, title="Paid explainer")

    note = soup(client.get(article.url)).select_one(".sponsored-note")
    assert note.a.get_text() == "Northwind Labs"
    assert note.a["href"] == f"/sponsors/{sponsor.slug}/"
    record = soup(client.get(note.a["href"]))
    assert "Paid explainer" in record.get_text()
    assert "Sponsored is not a rating" in record.get_text()


def test_article_pages_carry_the_about_box_edited_as_a_setting(
    client, article, django_capture_on_commit_callbacks
):
    box = soup(client.get(article.url)).select_one(".about-box")
    assert "Sponsored is not a rating" in box.get_text() and "daily briefings" in box.get_text()

    with django_capture_on_commit_callbacks(execute=True):
        AboutBox.objects.create(heading="Who we are", body="<p>Independent token research.</p>")
    box = soup(client.get(article.url)).select_one(".about-box")
    assert box.h2.get_text() == "Who we are" and "Independent token research." in box.get_text()

    with django_capture_on_commit_callbacks(execute=True):
        AboutBox.objects.update(show=False)
        AboutBox.objects.first().save()
    assert soup(client.get(article.url)).select_one(".about-box") is None


def test_a_sponsors_token_page_says_it_is_a_current_sponsor(client, home):
    token = TokenFactory(name="Northcoin", slug="northcoin")
    other = TokenFactory(name="Othercoin", slug="othercoin")
    CreativeFactory(campaign__sponsor__name="Northwind Labs", campaign__sponsor__token=token)

    note = soup(client.get("/ratings/northcoin/")).select_one(".sponsor-note")
    assert note.get_text(" ", strip=True).startswith(
        "Northwind Labs is a current sponsor; sponsorship does not change its grades."
    )
    assert soup(client.get("/ratings/othercoin/")).select_one(".sponsor-note") is None
    assert other.sponsors.count() == 0


def test_a_sponsor_whose_campaigns_ended_is_no_longer_called_current(client, home):
    token = TokenFactory(name="Northcoin", slug="northcoin")
    today = timezone.localdate()
    CreativeFactory(
        campaign__sponsor__token=token,
        campaign__starts_on=today - datetime.timedelta(days=10),
        campaign__ends_on=today - datetime.timedelta(days=1),
    )

    assert soup(client.get("/ratings/northcoin/")).select_one(".sponsor-note") is None


def test_editing_an_approved_creative_takes_it_off_the_site_until_approved_again(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        creative = CreativeFactory(headline="Approved words")
    assert "Approved words" in soup(client.get(article.url)).select_one(".promo-article").get_text()

    with django_capture_on_commit_callbacks(execute=True):
        creative.headline = "Unreviewed words"
        creative.save()

    assert Creative.objects.get(pk=creative.pk).approved_at is None
    assert soup(client.get(article.url)).select(".promo") == []
