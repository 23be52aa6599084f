import datetime

import pytest
from django.utils import timezone

from awards import voting
from awards.models import Category
from awards.tests.factories import ballot_for, category_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    category, (depin, ai) = category_with("DePIN", "AI", title="Top Narratives")
    for n in range(3):
        voting.confirm(ballot_for(depin, email=f"d{n}@example.com"))
    voting.confirm(ballot_for(ai, email="a@example.com"))
    return category


def results_url(category):
    return f"/api/v1/awards/programs/{category.program.slug}/categories/{category.slug}/results/"


def test_programs_list_their_categories(client, category):
    response = client.get("/api/v1/awards/programs/")
    assert response.status_code == 200
    (program,) = response.json()
    assert program["slug"] == category.program.slug
    (listed,) = program["categories"]
    assert listed["title"] == "Top Narratives"
    assert listed["status"] == "open"
    assert listed["results_visible"] is True
    assert listed["results_url"] == "http://testserver" + results_url(category)
    detail = client.get(f"/api/v1/awards/programs/{category.program.slug}/")
    assert detail.json() == program


def test_results_in_the_api(client, category):
    response = client.get(results_url(category))
    assert response.status_code == 200
    assert response.json() == {
        "category": "Top Narratives",
        "program": category.program.title,
        "total_votes": 4,
        "final": False,
        "results": [
            {
                "rank": 1,
                "nominee": "DePIN",
                "votes": 3,
                "share": "75.0",
                "summary": "DePIN secured the top position with 75.0% of the total votes",
            },
            {
                "rank": 2,
                "nominee": "AI",
                "votes": 1,
                "share": "25.0",
                "summary": "AI took second place with 25.0% of the total votes",
            },
        ],
    }


def test_hidden_results_are_a_403_with_a_reason(client, category):
    category.results_policy = Category.Results.AFTER_CLOSE
    category.save()
    response = client.get(results_url(category))
    assert response.status_code == 403
    # The project-wide DRF error format decides the shape; the reason must be in it.
    assert "hidden until voting closes" in response.content.decode()
    category.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    category.save()
    assert client.get(results_url(category)).json()["final"] is True


def test_unknown_program_or_category_is_a_json_404(client, category):
    response = client.get("/api/v1/awards/programs/nope/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "No Program matches" in response.content.decode()
    response = client.get(f"/api/v1/awards/programs/{category.program.slug}/categories/nope/results/")
    assert response.status_code == 404
