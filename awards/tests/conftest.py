import pytest

from awards import results


@pytest.fixture(autouse=True)
def forget_rendered_results():
    """Each test starts without this process's copies of earlier tests' results."""
    yield
    results.forget_rendered()
