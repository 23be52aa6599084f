import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from awards import voting
from awards.models import Category
from awards.tests.factories import ballot_for, category_with
from core.tests.queries import cold_and_warm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_results(settings):
    settings.AWARDS_RESULTS_CACHE_SECONDS = 0  # tests that exercise the shared rendering switch it on


def cast(nominee, voters, start=0):
    for number in range(start, start + voters):
        assert voting.confirm(ballot_for(nominee, email=f"v{number}@example.com")).outcome.value == "counted"


@pytest.fixture
def counted():
    category, (depin, ai, gamefi) = category_with("DePIN", "AI", "GameFi", title="Narratives")
    cast(depin, 3)
    cast(ai, 2, start=10)
    cast(gamefi, 1, start=20)
    return category


def test_results_page_shows_chart_table_and_words(client, counted):
    response = client.get(counted.get_results_url())
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    soup = BeautifulSoup(response.content, "html.parser")
    svg = soup.select_one(".results-chart svg")
    assert svg["role"] == "img"
    labelled_by = svg["aria-labelledby"].split()
    assert soup.find(id=labelled_by[0]).get_text() == "Narratives: share of 6 counted votes"
    assert soup.find(id=labelled_by[1]).get_text() == "DePIN 50.0%, AI 33.3%, GameFi 16.7%."
    widths = [float(rect["width"]) for rect in svg.select("rect")]
    assert widths[0] > widths[1] > widths[2] > 0
    assert widths[0] == pytest.approx(3 * widths[2], rel=0.01)
    rows = [
        [cell.get_text() for cell in row.select("td, th")] for row in soup.select(".results-table tbody tr")
    ]
    assert rows == [["1", "DePIN", "3", "50.0%"], ["2", "AI", "2", "33.3%"], ["3", "GameFi", "1", "16.7%"]]
    assert "DePIN secured the top position with 50.0% of the total votes." in soup.get_text(" ", strip=True)


def test_results_csv(client, counted):
    response = client.get(counted.get_results_url().replace("results/", "results.csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["rank", "nominee", "votes", "share_percent"],
        ["1", "DePIN", "3", "50.0"],
        ["2", "AI", "2", "33.3"],
        ["3", "GameFi", "1", "16.7"],
    ]


def test_hidden_results_stay_hidden_until_close(client, counted, django_user_model):
    counted.results_policy = Category.Results.AFTER_CLOSE
    counted.save()
    response = client.get(counted.get_results_url())
    assert response.status_code == 403
    assert "hidden until voting closes" in response.content.decode()
    assert client.get(counted.get_results_url().replace("results/", "results.csv")).status_code == 403

    counted.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    counted.save()
    response = client.get(counted.get_results_url())
    assert response.status_code == 200
    assert "Final results" in response.content.decode()


def test_confirmation_shows_results_only_where_allowed(client):
    category, (depin,) = category_with("DePIN", results_policy=Category.Results.AFTER_CLOSE)
    from awards.ballots import sign

    response = client.post(f"/awards/vote/{sign(ballot_for(depin))}/")
    assert "Your vote counted" in response.content.decode()
    assert "Results so far" not in response.content.decode()


def test_no_votes_yet(client):
    category, _ = category_with("DePIN", "AI")
    response = client.get(category.get_results_url())
    assert response.status_code == 200
    assert "No votes counted yet." in response.content.decode()


def test_results_page_never_counts_votes(client, counted, django_assert_num_queries):
    client.get(counted.get_results_url())  # site settings are cached after the first page
    with django_assert_num_queries(2):  # category, nominees with their tallies (the site is remembered)
        assert client.get(counted.get_results_url()).status_code == 200


def test_anonymous_results_are_shared_for_a_few_seconds(client, counted, settings, django_assert_num_queries):
    settings.AWARDS_RESULTS_CACHE_SECONDS = 2
    first = client.get(counted.get_results_url())
    depin = counted.nominees.get(name="DePIN")
    cast(depin, 1, start=100)
    with django_assert_num_queries(0):
        again = client.get(counted.get_results_url())
    assert again.content == first.content  # at most 2 s behind
    assert "no-cache" in again["Cache-Control"]

    settings.AWARDS_RESULTS_CACHE_SECONDS = 0
    fresh = BeautifulSoup(client.get(counted.get_results_url()).content, "html.parser")
    assert fresh.select_one(".results-table tfoot td:nth-of-type(2)").get_text() == "7"


def test_signed_in_moderators_see_hidden_results_fresh(client, counted, settings, django_user_model):
    from django.contrib.auth.models import Permission

    settings.AWARDS_RESULTS_CACHE_SECONDS = 2
    counted.results_policy = Category.Results.AFTER_CLOSE
    counted.save()
    assert client.get(counted.get_results_url()).status_code == 403
    moderator = django_user_model.objects.create_user("mod")
    moderator.user_permissions.add(Permission.objects.get(codename="view_vote"))
    client.force_login(moderator)
    assert client.get(counted.get_results_url()).status_code == 200


def test_confirmation_pages_share_results_for_a_few_seconds_at_most(client, settings, monkeypatch):
    from types import SimpleNamespace

    from awards import results
    from awards.ballots import sign

    settings.AWARDS_RESULTS_CACHE_SECONDS = 2
    category, (depin, ai) = category_with("DePIN", "AI")

    def confirmation_page(nominee, email):
        response = client.post(f"/awards/vote/{sign(ballot_for(nominee, email=email))}/")
        assert "Your vote counted" in response.content.decode()
        return BeautifulSoup(response.content, "html.parser").select_one(".results-total").get_text()

    assert confirmation_page(depin, "a@example.com") == "1 counted vote"
    assert confirmation_page(ai, "b@example.com") == "1 counted vote"  # shared, under 2 s old
    later = results.time.time() + 2
    monkeypatch.setattr(results, "time", SimpleNamespace(time=lambda: later))
    assert confirmation_page(ai, "c@example.com") == "3 counted votes"


def test_a_counted_page_is_made_once_per_shared_results_copy(client, settings, monkeypatch):
    """Voters for one nominee share one rendering for as long as the results on it are
    fresh, also when the clock passes a whole-interval mark meanwhile."""
    from types import SimpleNamespace

    from django.test.signals import template_rendered

    from awards import results, views
    from awards.ballots import sign

    settings.AWARDS_RESULTS_CACHE_SECONDS = 2
    category, (depin,) = category_with("DePIN")
    rendered = []

    def count(sender, template, **kwargs):
        if template.name == "awards/confirm.html":
            rendered.append(template.name)

    template_rendered.connect(count)
    try:
        first = client.post(f"/awards/vote/{sign(ballot_for(depin, email='a@example.com'))}/")
        # Next interval on the clock, but the results copy on the page is still fresh.
        later = views.time.time() + 2
        monkeypatch.setattr(views, "time", SimpleNamespace(time=lambda: later))
        second = client.post(f"/awards/vote/{sign(ballot_for(depin, email='b@example.com'))}/")
    finally:
        template_rendered.disconnect(count)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert rendered == ["awards/confirm.html"]
    # Once the results copy is stale, the page is made again with fresh results.
    monkeypatch.setattr(results, "time", SimpleNamespace(time=lambda: later + 2))
    third = client.post(f"/awards/vote/{sign(ballot_for(depin, email='c@example.com'))}/")
    total = BeautifulSoup(third.content, "html.parser").select_one(".results-total").get_text()
    assert total == "3 counted votes"


@pytest.mark.parametrize("nominees", [3, 12])
def test_results_page_costs_the_same_few_queries_cold_and_warm_whatever_the_field(
    client, settings, nominees
):
    settings.AWARDS_RESULTS_CACHE_SECONDS = 2  # as in production
    category, field = category_with(*(f"Nominee {n}" for n in range(nominees)), title="Narratives")
    for number, nominee in enumerate(field):
        cast(nominee, 1 + number % 3, start=100 * number)
    # cold: after a save (a new generation): the site, the category, the tallies; warm: shared
    assert cold_and_warm(client, category.get_results_url(), settings) == (3, 0)
