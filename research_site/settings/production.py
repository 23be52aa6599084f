"""Production: every value that differs per deployment comes from the environment.

Required: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, SITE_URL (https; `check --deploy`
fails without it). Optional services switch on with their variables: REDIS_URL (cache),
CELERY_BROKER_URL (defaults to REDIS_URL), EMAIL_HOST and friends (SMTP),
AWS_STORAGE_BUCKET_NAME and friends (uploads in S3-compatible storage), SENTRY_DSN
(error reports).
What each variable means, and its default, is in base.py.
"""

import logging

from django.core.exceptions import ImproperlyConfigured

from core.observability import sentry

from .base import *  # noqa: F403
from .base import (
    CACHE_DIR,
    CELERY_BROKER_URL,
    DATABASES,
    REDIS_URL,
    SECRET_KEY,
    SENTRY_DSN,
    SENTRY_ENVIRONMENT,
    SENTRY_RELEASE,
    SENTRY_TRACES_SAMPLE_RATE,
    STORAGES,
    cache_namespace,
    cache_settings,
    env,
    log_format,
    logging_settings,
)

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])  # no host until set
# No default: links in email must never point at a developer's machine (core.checks).
SITE_URL = env.str("SITE_URL", default="")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=SITE_URL)
# Every worker must see the same page-cache generation, or one would keep serving what
# another has just unpublished: without Redis, workers on one host share a file cache, in
# CACHE_DIR's folder for this database.
CACHES = cache_settings(cache_namespace(DATABASES["default"]), shared_folder=CACHE_DIR)
# Origins (https://host) allowed to post forms across hosts, comma-separated (default none).
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CELERY_BROKER_URL = CELERY_BROKER_URL or REDIS_URL

# One JSON object a log line, unless LOG_FORMAT says text (base.py); Python's warnings
# are logged (py.warnings) rather than printed, so they are JSON lines too.
LOG_FORMAT = env("LOG_FORMAT", cast=log_format, default="json")
LOGGING = logging_settings(LOG_FORMAT)
logging.captureWarnings(True)

if SENTRY_DSN:
    sentry.init(SENTRY_DSN, SENTRY_ENVIRONMENT, SENTRY_RELEASE, SENTRY_TRACES_SAMPLE_RATE)

# Uploads stay where base.py puts them (the bucket when AWS_STORAGE_BUCKET_NAME is set).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail goes out over SMTP (EMAIL_HOST and friends, in base.py) unless EMAIL_BACKEND names
# another Django email back end.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# HTTPS: set SECURE_SSL_REDIRECT=false only behind a proxy that already redirects.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views opt into SAMEORIGIN themselves
