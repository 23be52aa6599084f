"""Every model a public page shows: a save shows on the next anonymous request, every cache on.

Each case builds the page, warms every cache (whole page, fragments, the process memos,
the site settings and the award results copies), changes one thing the way an editor
would, and reads the page again as an anonymous reader. CI runs this on PostgreSQL with
Redis as the cache. The last tests hold the list itself to the code: every snippet,
setting and page model, and every model registered with the caching policy, has a case.
"""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.files.base import ContentFile
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.snippets.models import get_snippet_models

from awards import voting
from awards.tests.factories import ballot_for, category_with
from blog.tests.factories import (
    ArticlePageFactory,
    AuthorFactory,
    CategoryFactory,
    HomePageFactory,
    body,
)
from core.caching import WATCHED_MODELS
from core.models import BasePage, SeoSettings
from newsletters.tests.factories import (
    NewsletterIndexPageFactory,
    NewsletterIssuePageFactory,
    NewsletterPageFactory,
)
from ratings.models import Sector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 300
    settings.AWARDS_RESULTS_CACHE_SECONDS = 60  # far longer than the test: only a save may retire it


def warm(client, url):
    """Two anonymous requests: the second must come from the page cache."""
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.get("X-Page-Cache") in ("hit", None), url  # None: a page the cache must not keep
    return response.content.decode()


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def republish(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


# --- One case per model: (what it shows on, how an editor changes it) -----------------


def case_blog_category(client, blog_index):
    category = CategoryFactory(name="Research")
    article = ArticlePageFactory(parent=blog_index, category=category)
    assert "Research" in warm(client, article.url)
    category.name = "Deep Research"
    category.save()
    assert "Deep Research" in read(client, article.url)
    assert "Deep Research" in read(client, blog_index.url + "?category=research")


def case_blog_author(client, blog_index):
    author = AuthorFactory(name="Ada Analyst")
    article = ArticlePageFactory(parent=blog_index, authors=[author])
    assert "Ada Analyst" in warm(client, article.url)
    author.name = "Ada Lovelace"
    author.save()
    assert "Ada Lovelace" in read(client, article.url)
    assert "Ada Lovelace" in read(client, blog_index.url)


def case_image(client, blog_index):
    author = AuthorFactory()
    article = ArticlePageFactory(parent=blog_index, authors=[author])
    avatar_src = avatar_of(warm(client, article.url))
    author.avatar.set_focal_point(None)
    author.avatar.focal_point_x, author.avatar.focal_point_y = 10, 10
    author.avatar.focal_point_width = author.avatar.focal_point_height = 8
    author.avatar.save()  # a new crop: the reader gets a new rendition of the avatar
    assert avatar_of(read(client, article.url)) != avatar_src


def avatar_of(html):
    return BeautifulSoup(html, "html.parser").select_one("img.avatar")["src"]


def case_document(client, blog_index):
    document = get_document_model().objects.create(title="Methodology")
    document.file.save("method-v1.pdf", ContentFile(b"%PDF-1.4 first"))
    paragraph = ("paragraph", f'<p><a linktype="document" id="{document.pk}">the method</a></p>')
    article = ArticlePageFactory(parent=blog_index, body=body(paragraph))
    assert "method-v1.pdf" in warm(client, article.url)
    document.file.save("method-v2.pdf", ContentFile(b"%PDF-1.4 second"))  # saves the document
    assert "method-v2.pdf" in read(client, article.url)


def case_seo_settings(client, blog_index):
    site = Site.objects.get(is_default_site=True)
    SeoSettings.objects.update_or_create(site=site, defaults={"organisation_name": "Token Research"})
    assert "| Token Research</title>" in warm(client, blog_index.url)
    seo = SeoSettings.objects.get(site=site)
    seo.organisation_name = "Token Research Desk"
    seo.save()
    assert "| Token Research Desk</title>" in read(client, blog_index.url)


def case_site(client, blog_index):
    warm(client, "/")
    new_home = HomePageFactory(parent=Page.get_first_root_node(), title="New front page", slug="new-home")
    site = Site.objects.get(is_default_site=True)
    site.root_page = new_home
    site.save()
    assert "New front page" in read(client, "/")


def case_view_restriction(client, blog_index):
    article = ArticlePageFactory(parent=blog_index, title="Members only soon")
    warm(client, article.url)
    assert "Members only soon" in warm(client, blog_index.url)
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(article.url).status_code == 302  # to the login page
    assert "Members only soon" not in read(client, blog_index.url)


def case_award_program(client, blog_index):
    category, _ = category_with("DePIN", "AI", title="Narratives")
    program = category.program
    assert program.title in warm(client, program.get_absolute_url())
    program.title = "Moon Awards, renamed"
    program.save()
    assert "Moon Awards, renamed" in read(client, program.get_absolute_url())
    assert "Moon Awards, renamed" in read(client, "/awards/")


def case_award_category(client, blog_index):
    category, _ = category_with("DePIN", "AI", title="Narratives")
    assert "Narratives" in warm(client, category.program.get_absolute_url())
    category.title = "Top Crypto Narratives"
    category.save()
    assert "Top Crypto Narratives" in read(client, category.program.get_absolute_url())
    assert "Top Crypto Narratives" in read(client, category.get_results_url())


def case_award_nominee(client, blog_index):
    category, (depin, _) = category_with("DePIN", "AI", title="Narratives")
    voting.confirm(ballot_for(depin))  # results list nominees once there are votes
    block = ("award_results", {"category": category.pk, "heading": "Live results"})
    article = ArticlePageFactory(parent=blog_index, body=body(block))
    for url in (category.get_absolute_url(), category.get_results_url(), article.url):
        assert "DePIN" in warm(client, url)
    depin.name = "Decentralised physical infrastructure"
    depin.save()
    for url in (category.get_absolute_url(), category.get_results_url(), article.url):
        assert "Decentralised physical infrastructure" in read(client, url), url


def case_ratings_sector(client, blog_index):
    sector = Sector.objects.create(name="DePIN", slug="depin")
    assert "Top 10 DePIN tokens" in warm(client, "/ratings/top/")
    sector.name = "Physical infrastructure"
    sector.save()
    assert "Top 10 Physical infrastructure tokens" in read(client, "/ratings/top/")


def case_pages(client, blog_index):
    """Every page type: publishing a change (the editor's save) shows at once."""
    article = ArticlePageFactory(parent=blog_index, title="First title")
    newsletters = NewsletterIndexPageFactory(parent=blog_index.get_parent())
    newsletter = NewsletterPageFactory(parent=newsletters, title="Morning Brief")
    issue = NewsletterIssuePageFactory(parent=newsletter, title="Issue one")
    pages = [
        (blog_index.get_parent().specific, "intro", "<p>A renewed welcome</p>", "A renewed welcome"),
        (blog_index, "intro", "Fresh research every week", "Fresh research every week"),
        (article, "title", "Corrected title", "Corrected title"),
        (newsletters, "title", "Our newsletters", "Our newsletters"),
        (newsletter, "title", "The Morning Brief", "The Morning Brief"),
        (issue, "title", "Issue one, corrected", "Issue one, corrected"),
    ]
    assert {type(page) for page, *_ in pages} == set(concrete_subclasses(BasePage)), "a page type has no case"
    for page, _, _, _ in pages:
        warm(client, page.url)
    for page, field, value, shown in pages:
        republish(page, **{field: value})
        assert shown in read(client, page.url), type(page).__name__


def running_creative(**fields):
    from sponsors.tests.factories import CreativeFactory

    return CreativeFactory(**fields)


def case_sponsor(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    sponsor = running_creative(campaign__sponsor__disclosure="Paid by Northwind").campaign.sponsor
    assert "Paid by Northwind" in warm(client, article.url)
    sponsor.disclosure = "Paid placement by Northwind Labs"
    sponsor.save()
    assert "Paid placement by Northwind Labs" in read(client, article.url)


def case_campaign(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    campaign = running_creative(headline="Sandbox copy").campaign
    assert "Sandbox copy" in warm(client, article.url)
    campaign.in_site_banner = campaign.in_article = False
    campaign.save()
    assert "Sandbox copy" not in read(client, article.url)


def case_creative(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    creative = running_creative(headline="First words")
    assert "First words" in warm(client, article.url)
    creative.approve(None)  # approved again after a change of words, as a moderator would
    creative.headline = "Second words"
    creative.save()
    creative.approve(None)
    assert "Second words" in read(client, article.url)


def case_house_promotion(client, blog_index):
    from sponsors.tests.factories import HousePromotionFactory

    article = ArticlePageFactory(parent=blog_index)
    promotion = HousePromotionFactory(headline="Build Smarter Crypto Apps")
    assert "Build Smarter Crypto Apps" in warm(client, article.url)
    promotion.active = False
    promotion.save()
    assert "Build Smarter Crypto Apps" not in read(client, article.url)


def case_package(client, blog_index):
    from sponsors.models import Package

    assert "Silver" in warm(client, "/advertise/")
    Package.objects.filter(name="Silver").get().delete()
    gold = Package.objects.get(name="Gold")
    gold.name = "Gold Plus"
    gold.save()
    page = read(client, "/advertise/")
    assert "Gold Plus" in page and "Silver" not in page


def case_about_box(client, blog_index):
    from sponsors.models import AboutBox

    article = ArticlePageFactory(parent=blog_index)
    assert "About Token Research" in warm(client, article.url)
    AboutBox.objects.create(heading="Who writes this")
    assert "Who writes this" in read(client, article.url)


CASES = {
    apps.get_model("sponsors", "Sponsor"): case_sponsor,
    apps.get_model("sponsors", "Campaign"): case_campaign,
    apps.get_model("sponsors", "Creative"): case_creative,
    apps.get_model("sponsors", "HousePromotion"): case_house_promotion,
    apps.get_model("sponsors", "AboutBox"): case_about_box,
    apps.get_model("sponsors", "Package"): case_package,
    apps.get_model("blog", "Category"): case_blog_category,
    apps.get_model("blog", "Author"): case_blog_author,
    get_image_model(): case_image,
    get_document_model(): case_document,
    SeoSettings: case_seo_settings,
    Site: case_site,
    PageViewRestriction: case_view_restriction,
    apps.get_model("awards", "Program"): case_award_program,
    apps.get_model("awards", "Category"): case_award_category,
    apps.get_model("awards", "Nominee"): case_award_nominee,
    Sector: case_ratings_sector,
    Page: case_pages,
}
# Snippets no public page shows.
NOT_PUBLIC = {apps.get_model("newsletters", "Subscriber")}


@pytest.mark.parametrize("case", CASES.values(), ids=[model._meta.label for model in CASES])
def test_a_save_shows_on_the_next_anonymous_request(case, client, blog_index):
    case(client, blog_index)


def concrete_subclasses(model):
    for subclass in model.__subclasses__():
        if not subclass._meta.abstract:
            yield subclass
        yield from concrete_subclasses(subclass)


def test_every_public_model_has_a_case_and_starts_a_generation():
    shown = (set(get_snippet_models()) | set(settings_registry)) - NOT_PUBLIC
    assert shown <= set(CASES), "a snippet or setting pages show has no invalidation case"
    assert shown <= WATCHED_MODELS, "a snippet or setting pages show does not invalidate the caches"
    assert set(CASES) - {Page} == WATCHED_MODELS, "the policy watches a model this test does not check"
