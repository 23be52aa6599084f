import io

import pytest
from bs4 import BeautifulSoup

from awards import demo, results
from awards.models import Category, Vote
from blog.models import ArticlePage
from blog.tests.factories import AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db

REFERENCE = [
    ("DePIN", "30.2"),
    ("AI", "18.8"),
    ("GameFi", "14.4"),
    ("DeFi", "13.2"),
    ("RWA", "8.6"),
    ("Modularity", "6.3"),
    ("Other", "3.8"),
    ("Omni-chain", "3.4"),
    ("Data Availability", "1.3"),
]


def test_demo_reproduces_the_reference_shares_and_is_idempotent(client, blog_index):
    CategoryFactory(name="Research", slug="research")
    AuthorFactory()
    out = io.StringIO()
    demo.load(out)
    demo.load(out)

    narratives = Category.objects.get(slug="top-crypto-narratives")
    assert narratives.program.title == "Moon Awards 2024"
    assert Vote.counted.filter(category=narratives).count() == 1000
    outcome = results.for_category(narratives)
    assert [(s.name, str(s.share)) for s in outcome.standings] == REFERENCE
    assert f"{outcome.leader.name} {outcome.leader.words}" == (
        "DePIN secured the top position with 30.2% of the total votes"
    )
    assert Category.objects.filter(program=narratives.program).count() == 2
    assert ArticlePage.objects.filter(slug=demo.ARTICLE_SLUG).count() == 1
    assert "Moon Awards 2024 ready" in out.getvalue()

    article = ArticlePage.objects.get(slug=demo.ARTICLE_SLUG)
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    block = page.select_one(".award-results-block").get_text(" ", strip=True)
    assert "DePIN secured the top position with 30.2% of the total votes" in block
    assert "1000 counted votes" in block

    open_category = Category.objects.get(slug="layer-one-of-the-year")
    response = client.get(open_category.get_absolute_url())
    assert response.status_code == 200
    assert "Send my voting link" in response.content.decode()
