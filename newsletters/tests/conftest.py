import pytest

from newsletters.tests.factories import NewsletterIndexPageFactory


@pytest.fixture
def index(home):
    """The /newsletters/ sign-up page that newsletter pages live under."""
    return NewsletterIndexPageFactory(parent=home)
