"""Schemathesis, with all its checks, over the whole schema, in process: requests the
schema allows are answered as documented (statuses, headers, bodies), requests it forbids
are refused, and nothing fails with a 500.

The same checks as `schemathesis run <schema URL> --checks all`, with a bounded number of
examples per operation so that the suite stays fast. Driven through Hypothesis directly
(a property per operation and generation mode) rather than through schemathesis's pytest
plugin, which does not support this pytest version.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_limits")]

EXAMPLES_PER_OPERATION_AND_MODE = 10


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


@pytest.fixture
def schema(graded, blog_index, keep_test_connection):
    from blog.tests.factories import ArticlePageFactory

    ArticlePageFactory(parent=blog_index)
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def test_every_check_passes_on_every_operation(schema):
    load_all_checks()
    checks = CHECKS.get_all()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11

    failures = []
    for operation in operations:
        definition = schema.raw_schema["paths"][operation.path][operation.method.lower()]
        parameters = definition.get("parameters", [])
        modes = [GenerationMode.POSITIVE]
        if any(parameter["in"] == "query" for parameter in parameters):
            # A path segment that is any string has no invalid value to send.
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def conforms(case):
                case.call_and_validate(checks=checks)

            try:
                conforms()
            except Exception as failure:  # noqa: BLE001 - every operation is tried, all failures reported
                failures.append(f"{operation.label} ({mode}): {failure}")
    assert not failures, "\n\n".join(failures)
