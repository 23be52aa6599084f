import pytest

from awards import results, views


@pytest.fixture(autouse=True)
def forget_process_copies():
    """Each test starts without this process's copies of earlier tests' results and pages."""
    yield
    results.recent.clear()
    views.counted_pages.clear()
