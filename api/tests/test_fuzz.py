"""Schemathesis generates requests from our own OpenAPI schema; none may cause a 500.

Driven through Hypothesis directly (one property per operation) rather than through
schemathesis's pytest plugin, which does not support this pytest version.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_limits")]


@pytest.fixture
def keep_test_connection():
    """Schemathesis calls the real WSGI handler, whose request signals would close the
    test's database connection (and its transaction); Django's own test client
    disconnects them the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_no_generated_request_makes_the_server_fail(graded, blog_index, keep_test_connection):
    from blog.tests.factories import ArticlePageFactory

    ArticlePageFactory(parent=blog_index)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call()
            where = f"{case.method} {case.formatted_path} {case.query}"
            assert response.status_code < 500, f"{where}: {response.text[:300]}"
            if response.status_code >= 400 and case.path.startswith("/api/v1/") and "awards" not in case.path:
                assert set(response.json()) == {"error"}, f"{where} broke the error shape"

        no_server_error()
