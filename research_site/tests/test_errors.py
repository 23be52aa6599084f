import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/tokens/not a slug!/", "/api/v1/tokens/x/history/extra/", "/api/v9/"]
)
def test_unmatched_api_paths_answer_with_the_api_error_body(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_unmatched_site_paths_answer_with_a_page(client, blog_index):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
