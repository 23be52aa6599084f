"""Test settings: SQLite unless DATABASE_URL is set (CI sets it to PostgreSQL)."""

from .base import *  # noqa: F403
from .base import DATABASES, cache_namespace, cache_settings, env

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
# The newsletters kill -9 test runs real Celery workers on these settings: it turns eager
# mode off and points them at its own broker and SMTP server (EMAIL_HOST, EMAIL_PORT in
# base) through the environment.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Caches named after the test database (pytest-django's test_<name>), not the one it is
# made from: a suite run with the same DATABASE_URL and REDIS_URL as `make run` neither
# reads nor clears the site's cache.
_database = DATABASES["default"]
_test_name = _database.get("TEST", {}).get("NAME") or f"test_{_database['NAME']}"
CACHES = cache_settings(cache_namespace({**_database, "NAME": _test_name}))
PAGE_CACHE_SECONDS = 0  # tests that exercise the page cache switch it on
FRAGMENT_CACHE_SECONDS = 0  # raw renders are what the query-count tests measure
# load_demo in tests: a small market is enough to show the loader works (make run loads 6,000+).
RATINGS_TOKENS = 120
RATINGS_BACKFILL_DAYS = 60
