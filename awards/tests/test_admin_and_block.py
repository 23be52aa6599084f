import json

import pytest
from bs4 import BeautifulSoup

from awards import voting
from awards.models import Category
from awards.tests.factories import ProgramFactory, ballot_for, category_with
from blog.tests.factories import ArticlePageFactory, body, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


def test_editors_create_a_category_with_nominees_in_the_admin(admin_client):
    program = ProgramFactory()
    response = admin_client.post(
        "/admin/snippets/awards/category/add/",
        {
            "program": program.pk,
            "title": "Top Chains",
            "slug": "top-chains",
            "description": "",
            "opens_at": "2030-01-01 00:00",
            "closes_at": "2030-02-01 00:00",
            "results_policy": "after_close",
            "sort_order": 0,
            "nominees-TOTAL_FORMS": 2,
            "nominees-INITIAL_FORMS": 0,
            "nominees-MIN_NUM_FORMS": 2,
            "nominees-MAX_NUM_FORMS": 1000,
            "nominees-0-name": "Solana",
            "nominees-0-ORDER": 1,
            "nominees-1-name": "Ethereum",
            "nominees-1-ORDER": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(slug="top-chains")
    assert [n.name for n in category.nominees.all()] == ["Solana", "Ethereum"]
    assert all(n.tally.count == 0 for n in category.nominees.all())


def test_admin_refuses_a_window_that_closes_before_it_opens(admin_client):
    program = ProgramFactory()
    response = admin_client.post(
        "/admin/snippets/awards/category/add/",
        {
            "program": program.pk,
            "title": "Backwards",
            "slug": "backwards",
            "opens_at": "2030-02-01 00:00",
            "closes_at": "2030-01-01 00:00",
            "results_policy": "live",
            "sort_order": 0,
            "nominees-TOTAL_FORMS": 0,
            "nominees-INITIAL_FORMS": 0,
            "nominees-MIN_NUM_FORMS": 0,
            "nominees-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200
    assert "Voting must close after it opens." in response.content.decode()
    assert not Category.objects.filter(slug="backwards").exists()


def test_admin_listings_render(admin_client):
    category, (depin,) = category_with("DePIN")
    voting.confirm(ballot_for(depin))
    for url in (
        "/admin/snippets/awards/program/",
        "/admin/snippets/awards/category/",
        "/admin/awards/votes/",
        "/admin/awards/votes/log/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert "/admin/awards/votes/" in admin_client.get("/admin/").content.decode()


def test_article_embeds_live_results(client, blog_index, settings):
    settings.AWARDS_RESULTS_CACHE_SECONDS = 0  # otherwise the chart may be up to 2 s old
    category, (depin, ai) = category_with("DePIN", "AI", title="Top Narratives")
    voting.confirm(ballot_for(depin, email="a@example.com"))
    article = ArticlePageFactory(
        parent=blog_index,
        body=body(
            paragraph(), ("award_results", {"category": category.pk, "heading": "Where the vote stands"})
        ),
    )
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    block = page.select_one(".award-results-block")
    assert block.h2.get_text() == "Where the vote stands"
    assert "DePIN secured the top position with 100.0% of the total votes" in block.get_text(" ", strip=True)
    assert block.select_one("svg[role=img]") is not None
    assert block.select_one(f'a[href="{category.get_absolute_url()}"]').get_text() == "Cast your vote"

    voting.confirm(ballot_for(ai, email="b@example.com"))
    voting.confirm(ballot_for(ai, email="c@example.com"))
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert "AI secured the top position with 66.7%" in page.select_one(".award-results-block").get_text(
        " ", strip=True
    )


def test_embedded_results_respect_the_hidden_policy(client, blog_index):
    category, _ = category_with("DePIN", results_policy=Category.Results.AFTER_CLOSE)
    article = ArticlePageFactory(
        parent=blog_index,
        body=json.dumps(
            [{"type": "award_results", "value": {"category": category.pk, "heading": ""}, "id": "x"}]
        ),
    )
    text = BeautifulSoup(client.get(article.url).content, "html.parser").get_text(" ", strip=True)
    assert "Results are hidden until voting closes" in text
    assert category.title in text
