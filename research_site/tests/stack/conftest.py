"""The `stack` fixture: one production-shaped stack per test module (see harness.py).

It skips, saying what to install, where nginx, redis-server or PostgreSQL is missing.
A failing test's report ends with the tail of every server's log; the logs stay in
pytest's temporary folder (the last three runs are kept).
"""

import pytest

from research_site.tests.stack.harness import Stack, missing_tools


def started(running):
    """Start a stack, hand it over, close it; one that fails to start says why, with its logs."""
    try:
        try:
            running.start()
        except Exception as error:
            raise RuntimeError(f"the stack did not start: {error}\n\n{running.log_tails()}") from error
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    yield from started(Stack(tmp_path_factory.mktemp("stack")))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and call.when == "call" and isinstance(running, Stack):
        report.sections.append(("stack logs", running.log_tails()))
    return report
