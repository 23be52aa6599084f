import pytest
from django.core.cache import caches
from wagtail.models import Collection, Locale, Page, Site

from blog.tests.factories import ArticleIndexPageFactory, HomePageFactory
from core.outbox import BrokerState


@pytest.fixture(autouse=True)
def clear_caches():
    yield
    for alias in ("default", "renditions"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def broker_taken_as_up():
    """Each test starts with the outbox trying the broker (a stopped broker is per test)."""
    BrokerState.down_until = None
    yield
    BrokerState.down_until = None


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home(db):
    # Transactional tests start from a flushed database, without the locale, root collection and root page
    # the migrations made (serialized_rollback's reload would clash with the content types
    # that flush recreates), so make them here when they are missing.
    Locale.objects.get_or_create(language_code="en")
    Collection.get_first_root_node() or Collection.add_root(name="Root")  # images and documents
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePageFactory(parent=root, slug="home-page")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    Site.clear_site_root_paths_cache()
    return home


@pytest.fixture
def blog_index(home):
    return ArticleIndexPageFactory(parent=home)
