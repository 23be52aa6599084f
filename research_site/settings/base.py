"""Settings shared by every environment.

Each environment module (dev, test, production) imports this and switches on the
services it needs. Anything that differs per deployment comes from the environment.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "core",
    "blog",
    "ratings",
    "api",
    "awards",
    "newsletters",
    "research_site",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.caching.AnonymousPageCacheMiddleware",
    "core.caching.SiteLookupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "research_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "research_site.wsgi.application"

# SQLite needs no server; DATABASE_URL switches to PostgreSQL (or anything dj-database-url reads).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Caches: "default" for the anonymous page cache, "renditions" so image renditions
# cost no query once made. Locmem unless REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "research",
        },
        "renditions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renditions",
            "TIMEOUT": 60 * 60 * 24 * 7,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "renditions",
        },
    }

# Anonymous full-page cache (core.caching): seconds a page is kept.
# Any publish, unpublish or snippet change invalidates every cached page at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Rendered fragments (article body, cards, meta) keyed by the same generation, for
# every visitor including signed-in ones; previews never use them. 0 switches off.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))

# Wagtail
WAGTAIL_SITE_NAME = "Token Research"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Wagtail's background jobs (reference index, file deletion) run in-process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Celery: in-process broker settings come from the environment modules.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "core.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
    "refresh-ratings": {
        "task": "ratings.refresh_daily",
        "schedule": crontab(hour=0, minute=20),  # daily candles close at 00:00 UTC
    },
}

# Behind a proxy, the number of trusted hops, so rate limits read the client's IP from
# X-Forwarded-For (core.ratelimit.client_ip).
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

# Email
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Token Research <research@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django_tasks": {"level": "WARNING"},
    },
}

BLOG_ARTICLES_PER_PAGE = 9

# Awards: how long a vote link stays valid, and rate limits on vote requests as
# (attempts, seconds) per IP and per email domain.
AWARDS_LINK_MAX_AGE = 48 * 60 * 60
AWARDS_RATE_PER_IP = (int(os.environ.get("AWARDS_RATE_PER_IP", "20")), 60 * 60)
AWARDS_RATE_PER_EMAIL_DOMAIN = (int(os.environ.get("AWARDS_RATE_PER_EMAIL_DOMAIN", "300")), 60 * 60)
# Results (anonymous results pages, confirmation pages, article blocks) are rendered once
# per category per this many seconds; 0 renders them fresh every time.
AWARDS_RESULTS_CACHE_SECONDS = int(os.environ.get("AWARDS_RESULTS_CACHE_SECONDS", "2"))

# Ratings (ratings/): where market data comes from and how a daily refresh behaves.
RATINGS_PROVIDER = os.environ.get("RATINGS_PROVIDER", "demo")  # demo, csv, coingecko or a dotted path
RATINGS_PROVIDER_OPTIONS = {
    "demo": {"seed": 2024, "universe": 6400},
    "csv": {"path": os.environ.get("RATINGS_CSV_PATH", "")},
    "coingecko": {
        "base_url": os.environ.get("COINGECKO_BASE_URL", "https://api.coingecko.com/api/v3"),
        "api_key": os.environ.get("COINGECKO_API_KEY", ""),
        "requests_per_minute": int(os.environ.get("COINGECKO_REQUESTS_PER_MINUTE", "25")),
    },
}
RATINGS_TOKENS = int(os.environ.get("RATINGS_TOKENS", "6000"))  # tokens per refresh, largest first
RATINGS_BACKFILL_DAYS = 365  # days fetched when nothing is stored yet
RATINGS_MIN_VALID_SHARE = 0.5  # below this share of valid tokens a day is rejected whole
RATINGS_PER_PAGE = 50

# Public API (api/): DRF defaults for every /api/v1/ endpoint, rate limits and keys.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle", "api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
API_RATE_ANONYMOUS = os.environ.get("API_RATE_ANONYMOUS", "30/minute")  # per IP address
API_RATE_KEY = os.environ.get("API_RATE_KEY", "600/minute")  # per API key
API_KEY_LINK_MAX_AGE = 48 * 60 * 60
API_KEY_REQUESTS_PER_HOUR = 5
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "300"))  # 0 switches the grades cache off
SPECTACULAR_SETTINGS = {
    "TITLE": "Token Research API",
    "DESCRIPTION": "Tokens, daily Trader and Investor Grades, grade history, research articles and award "
    "results. Free keys at /api/keys/; without one, requests are limited per IP address.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.schema.only_public_api"],
    # Schema warnings are checked by api/tests (test_schema_has_no_warnings), not by
    # `check --deploy`, which would need a database and fail the deploy on a doc hint.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# Newsletters (newsletters/). Links in emails are built on this public address.
NEWSLETTERS_BASE_URL = os.environ.get("SITE_URL", WAGTAILADMIN_BASE_URL)
NEWSLETTERS_CONFIRM_MAX_AGE = 7 * 24 * 60 * 60  # seconds a sign-up confirmation link stays valid
NEWSLETTERS_RATE_PER_IP = (int(os.environ.get("NEWSLETTERS_RATE_PER_IP", "10")), 60 * 60)
NEWSLETTERS_RATE_PER_EMAIL = (3, 24 * 60 * 60)  # confirmation emails one address can be sent
# The Daily Briefing: drafted from the day's grades each morning (UTC), then published and
# sent at once, or left as a draft for an editor when BRIEFING_AUTOPUBLISH is off.
NEWSLETTERS_BRIEFING_SLUG = "daily-briefing"
NEWSLETTERS_BRIEFING_HOUR, NEWSLETTERS_BRIEFING_MINUTE = (
    int(part) for part in os.environ.get("NEWSLETTERS_BRIEFING_TIME", "06:30").split(":")
)
NEWSLETTERS_BRIEFING_AUTOPUBLISH = os.environ.get("NEWSLETTERS_BRIEFING_AUTOPUBLISH", "false") == "true"
NEWSLETTERS_BRIEFING_MIN_VOLUME = 1_000_000  # USD a day: a "liquid" token for top picks
NEWSLETTERS_ISSUES_PER_PAGE = 20  # issues per page of a newsletter's web archive
# Sending: which Django email back end delivers (SMTP by default, or an anymail back end for
# an ESP), how workers share the work, and retries.
NEWSLETTERS_EMAIL_BACKEND = os.environ.get("NEWSLETTERS_EMAIL_BACKEND", "")  # "" = EMAIL_BACKEND
NEWSLETTERS_BATCH_SIZE = int(os.environ.get("NEWSLETTERS_BATCH_SIZE", "100"))
# A claimed batch still unmarked after CLAIM_SECONDS belonged to a worker that died.
NEWSLETTERS_CLAIM_SECONDS = int(os.environ.get("NEWSLETTERS_CLAIM_SECONDS", "300"))
NEWSLETTERS_WORKERS = int(os.environ.get("NEWSLETTERS_WORKERS", "2"))  # worker tasks set on each send
# Publishing an issue sends it; "false" leaves sending to the admin's "Send" button.
NEWSLETTERS_SEND_ON_PUBLISH = os.environ.get("NEWSLETTERS_SEND_ON_PUBLISH", "true") == "true"
NEWSLETTERS_MAX_ATTEMPTS = 5
NEWSLETTERS_RETRY_SECONDS = 60  # first retry after a temporary failure; doubles each time
CELERY_BEAT_SCHEDULE["draft-daily-briefing"] = {
    "task": "newsletters.draft_daily_briefing",
    "schedule": crontab(hour=NEWSLETTERS_BRIEFING_HOUR, minute=NEWSLETTERS_BRIEFING_MINUTE),
}
CELERY_BEAT_SCHEDULE["resume-stalled-sends"] = {
    "task": "newsletters.resume_stalled_sends",
    "schedule": float(os.environ.get("NEWSLETTERS_RESUME_SECONDS", "60")),  # shorter in the kill -9 test
}
# Grade alerts have no beat entry: newsletters queues them when ratings sends grades_published.
# Bounce and complaint webhooks (django-anymail): ESPs post to /anymail/<esp>/tracking/
# with this "user:password" as HTTP basic auth.
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "")}
