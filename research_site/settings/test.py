"""Test settings: SQLite unless DATABASE_URL is set (CI sets it to PostgreSQL)."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
# The newsletters kill -9 test runs real Celery workers on these settings: it turns eager
# mode off and points them at its own broker and SMTP server through the environment.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true") == "true"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PAGE_CACHE_SECONDS = 0  # tests that exercise the page cache switch it on
FRAGMENT_CACHE_SECONDS = 0  # raw renders are what the query-count tests measure
# load_demo in tests: a small market is enough to show the loader works (make run loads 6,000+).
RATINGS_TOKENS = 120
RATINGS_BACKFILL_DAYS = 60
