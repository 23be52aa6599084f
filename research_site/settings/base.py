"""Settings shared by every environment.

Each environment module (dev, test, production) imports this and switches on the
services it needs. Anything that differs per deployment comes from the environment,
read once here through `env` with its type; each app's settings are in one section:
ground floor (the site), blog, ratings, API, awards, newsletters.
"""

import hashlib
import re
from pathlib import Path

from botocore.config import Config as BotocoreConfig
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Every environment variable is read through this one object, with its type.
from .environment import (
    database,
    env,
    ip_networks,
    log_format,
    log_level,
    proxy_hops,
    share,
    throttle_rate,
    time_of_day,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# =============================================================================
# Ground floor: the site (hosts, database, files, caches, pages, proxies, mail)
# =============================================================================

# Signs sessions and the links in emails (votes, sign-ups, API keys). Default "":
# production refuses to start without it, dev falls back to a fixed development key.
SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = False  # dev switches it on
# Host names the site answers to, comma-separated. Default localhost,127.0.0.1,[::1];
# production: none until set; dev and tests: any.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "core",
    "blog",
    "ratings",
    "api",
    "awards",
    "newsletters",
    "sponsors",
    "research_site",
    "wagtail.contrib.frontend_cache",
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
    "csp",
]

MIDDLEWARE = [
    # Outermost: its id is on every log line and every response, page-cache hits included.
    "core.observability.logs.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Every answer leaves with its Cache-Control, page-cache copies included.
    "core.edge.CacheControlMiddleware",
    # A hit is answered here, with the headers the middleware below gave the page when it
    # was stored; nothing below runs for it (core.caching).
    "core.caching.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.caching.SiteLookupMiddleware",
    # Inside the page cache, so a cached page is stored with its own policy header.
    "core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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

# Database: DATABASE_URL (anything dj-database-url reads, e.g. postgres://user:pass@db/name);
# default SQLite in db.sqlite3, which needs no server. DB_CONN_MAX_AGE: seconds a
# connection is kept open for reuse (default 60), checked before reuse.
DATABASES = {
    "default": env(
        "DATABASE_URL",
        cast=lambda url: database(url, conn_max_age=env.int("DB_CONN_MAX_AGE", default=60)),
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        parse_default=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has web, worker and beat writing to one SQLite file: write-ahead logging
    # lets readers go on during a write, and transactions that take the write lock when
    # they begin (rather than on their first write) wait for it instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English, times stored and shown in UTC.
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Files: static files are collected to STATIC_ROOT (default var/static) and served by
# WhiteNoise. Uploads (original images in original_images/, their renditions in images/,
# documents in documents/) go to MEDIA_ROOT (default var/media), served by the reverse
# proxy, or to an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (below).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# Uploads in object storage (AWS S3, MinIO, Cloudflare R2...) through django-storages, so
# that web servers share no disk. AWS_STORAGE_BUCKET_NAME: the bucket (default "": the local
# disk). AWS_S3_ENDPOINT_URL: the S3 API's address for a service other than AWS, e.g.
# http://minio:9000 (default: AWS's). AWS_S3_REGION_NAME: the bucket's region (default: the
# SDK's). AWS_LOCATION: a folder inside the bucket for everything, so environments can
# share one bucket (default "": its top).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
AWS_LOCATION = env.str("AWS_LOCATION", default="")
# Credentials, from the environment only: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for
# temporary ones, AWS_SESSION_TOKEN. Unset (the default), the SDK finds its own: an instance
# or task role, ~/.aws.
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
AWS_SESSION_TOKEN = env.str("AWS_SESSION_TOKEN", default=None)
# AWS_S3_CUSTOM_DOMAIN: the host of a CDN in front of the bucket (e.g. media.example.com,
# served over https); image URLs then point there instead of at the endpoint (default: none).
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
# Image URLs are unsigned, the same for every reader and every render, so browsers and the
# CDN cache them (a signed URL changes each time and expires). So anyone may read images/
# (renditions: all that pages show), by the bucket's policy rather than per-object ACLs;
# documents/ and original_images/ stay private: documents leave only through Wagtail's view
# (WAGTAILDOCS_SERVE_METHOD below), which reads them with the credentials.
AWS_QUERYSTRING_AUTH = False
AWS_DEFAULT_ACL = None  # the bucket's policy decides who reads what
AWS_S3_FILE_OVERWRITE = False  # a second photo.jpg is stored beside the first, as on disk
# Browsers and the CDN keep an image a day. A new file or focal point is a new name, so an
# edit shows at once; only a name freed by a deletion and taken by a new upload (a deleted
# photo.jpg uploaded again, changed) can show the old picture until then.
AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=86400"}
# An unreachable bucket holds an upload, or the first render of a new rendition, for
# seconds, not botocore's minutes: 2 s to connect, 10 s for an answer, one retry. (Pages
# whose renditions exist never ask the bucket anything.)
AWS_S3_CLIENT_CONFIG = BotocoreConfig(
    connect_timeout=2, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}
)

# Production swaps in WhiteNoise's compressed, hashed static files.
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Caches: "default" for the anonymous page cache, fragments and rate limits, "renditions"
# so image renditions cost no query once made. REDIS_URL (default "": none) puts both in
# Redis (core.cache_backends: short timeouts, and an unreachable Redis is a miss, never an
# error); without it they are in-process, except that dev and production share a file
# cache for "default" between their processes, in a folder of CACHE_DIR (default
# var/cache). Caches never cross databases: each database has its own Redis key prefix
# and its own folder, named after it (cache_namespace).
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_DIR = Path(env.str("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")))


def cache_namespace(database):
    """A database's own name for its caches: readable, and different for every database
    (engine, host, port and name), so one environment never reads another's cache."""
    where = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(database.get("NAME") or "").rsplit("/", 1)[-1])
    return f"{readable.strip('-.')[:40] or 'db'}-{hashlib.sha256(where.encode()).hexdigest()[:10]}"


def cache_settings(namespace, shared_folder=None, redis_url=REDIS_URL):
    """CACHES for one database: Redis when there is a Redis URL; otherwise memory, with
    "default" in ``shared_folder / namespace`` when the processes of a host must share it."""
    if redis_url:
        redis = {
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": redis_url,
            # Seconds to connect and to wait for an answer before the cache counts as down,
            # and between tries while it is (core.cache_backends).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "OUTAGE_RETRY_SECONDS": 5},
        }
        return {
            "default": {**redis, "KEY_PREFIX": f"research:{namespace}"},
            "renditions": {**redis, "KEY_PREFIX": f"renditions:{namespace}", "TIMEOUT": 60 * 60 * 24 * 7},
        }
    default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": namespace}
    if shared_folder:
        default = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(shared_folder) / namespace),
        }
    return {
        "default": default,
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renditions"},
    }


CACHES = cache_settings(cache_namespace(DATABASES["default"]))

# Pages. Anonymous full-page cache (core.caching): seconds a page is kept
# (default 300; dev 0; 0 switches it off). Any publish, unpublish or snippet change
# invalidates every cached page at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Rendered fragments (article body, cards, meta) keyed by the same generation, for every
# visitor including signed-in ones; previews never use them. Default 3600; dev 0; 0 = off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=3600)

# The edge: a shared cache in front of the app (Varnish, Cloudflare, CloudFront; core.edge).
# Public answers to anonymous GET and HEAD requests say Cache-Control: public, with
# max-age=BROWSER_CACHE_SECONDS (default 60: a browser's own copy), s-maxage=
# EDGE_CACHE_SECONDS (default 300; 0: no edge keeps pages), stale-while-revalidate=
# EDGE_STALE_WHILE_REVALIDATE_SECONDS (default 60: served while a fresh copy is fetched) and
# stale-if-error=EDGE_STALE_IF_ERROR_SECONDS (default 86400: served while the app is down).
# Anonymous API answers are kept EDGE_API_CACHE_SECONDS (default 60; 0: never); keyed ones
# never. Everything personal says "private, no-store".
BROWSER_CACHE_SECONDS = env.int("BROWSER_CACHE_SECONDS", default=60)
EDGE_CACHE_SECONDS = env.int("EDGE_CACHE_SECONDS", default=300)
EDGE_STALE_WHILE_REVALIDATE_SECONDS = env.int("EDGE_STALE_WHILE_REVALIDATE_SECONDS", default=60)
EDGE_STALE_IF_ERROR_SECONDS = env.int("EDGE_STALE_IF_ERROR_SECONDS", default=24 * 60 * 60)
EDGE_API_CACHE_SECONDS = env.int("EDGE_API_CACHE_SECONDS", default=60)
# Which edge the app purges when content changes (wagtail.contrib.frontend_cache): "" (the
# default: none), "varnish", "cloudflare" or "cloudfront".
# - varnish: VARNISH_PURGE_URLS, every Varnish node's address, comma-separated (e.g.
#   http://10.0.0.21:6081,http://10.0.0.22:6081); EDGE_PURGE_TIMEOUT, seconds to wait
#   for each (default 2).
# - cloudflare: CLOUDFLARE_ZONE_ID, and CLOUDFLARE_BEARER_TOKEN (an API token allowed to
#   purge) or CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY (a global key).
# - cloudfront: CLOUDFRONT_DISTRIBUTION_ID; credentials come from boto3's usual chain (an
#   instance role, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); needs boto3 installed.
FRONTEND_CACHE = env.str("FRONTEND_CACHE", default="").strip().lower()
VARNISH_PURGE_URLS = env.list("VARNISH_PURGE_URLS", default=[])
EDGE_PURGE_TIMEOUT = env.float("EDGE_PURGE_TIMEOUT", default=2.0)
CLOUDFLARE_ZONE_ID = env.str("CLOUDFLARE_ZONE_ID", default="")
CLOUDFLARE_BEARER_TOKEN = env.str("CLOUDFLARE_BEARER_TOKEN", default="")
CLOUDFLARE_EMAIL = env.str("CLOUDFLARE_EMAIL", default="")
CLOUDFLARE_API_KEY = env.str("CLOUDFLARE_API_KEY", default="")
CLOUDFRONT_DISTRIBUTION_ID = env.str("CLOUDFRONT_DISTRIBUTION_ID", default="")


def frontend_cache(kind):
    """WAGTAILFRONTENDCACHE for FRONTEND_CACHE, refusing to start on a setting that is missing."""

    def required(**values):
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ImproperlyConfigured(f"FRONTEND_CACHE={kind} needs {' and '.join(missing)} set.")

    if not kind:
        return {}
    if kind == "varnish":
        required(VARNISH_PURGE_URLS=VARNISH_PURGE_URLS)
        varnish = {"BACKEND": "core.edge.VarnishBackend", "TIMEOUT": EDGE_PURGE_TIMEOUT}
        return {f"varnish-{n}": {**varnish, "LOCATION": url} for n, url in enumerate(VARNISH_PURGE_URLS, 1)}
    if kind == "cloudflare":
        required(CLOUDFLARE_ZONE_ID=CLOUDFLARE_ZONE_ID)
        if not CLOUDFLARE_BEARER_TOKEN:
            required(CLOUDFLARE_EMAIL=CLOUDFLARE_EMAIL, CLOUDFLARE_API_KEY=CLOUDFLARE_API_KEY)
        credentials = (
            {"BEARER_TOKEN": CLOUDFLARE_BEARER_TOKEN}
            if CLOUDFLARE_BEARER_TOKEN
            else {"EMAIL": CLOUDFLARE_EMAIL, "API_KEY": CLOUDFLARE_API_KEY}
        )
        zone = {"ZONEID": CLOUDFLARE_ZONE_ID}
        return {"cloudflare": {"BACKEND": "core.edge.CloudflareBackend", **zone, **credentials}}
    if kind == "cloudfront":
        required(CLOUDFRONT_DISTRIBUTION_ID=CLOUDFRONT_DISTRIBUTION_ID)
        distribution = {"DISTRIBUTION_ID": CLOUDFRONT_DISTRIBUTION_ID}
        return {"cloudfront": {"BACKEND": "core.edge.CloudfrontBackend", **distribution}}
    raise ImproperlyConfigured(f"FRONTEND_CACHE={kind!r}: use varnish, cloudflare or cloudfront, or nothing.")


WAGTAILFRONTENDCACHE = frontend_cache(FRONTEND_CACHE)

# Proxies: how many proxies in front of the app each append the address they saw to
# X-Forwarded-For (nginx alone: 1; a load balancer and nginx: 2). Every rate limit takes
# the client from the entry that many places from the right (core.ratelimit.client_ip).
# Default 0: the header is ignored and the socket's peer is the client.
TRUSTED_PROXY_HOPS = env("TRUSTED_PROXY_HOPS", cast=proxy_hops, default=0)

# The site's public address (scheme and host), which every link in an email is built on:
# votes, sign-ups, API keys, newsletters. Never taken from a request's Host header. Default
# http://127.0.0.1:8000 for dev and tests; production has no default, and `check --deploy`
# fails until it is set to an https:// address (core.checks).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Wagtail. WAGTAILADMIN_BASE_URL: the admin's public address, for links in notification
# emails (default SITE_URL).
WAGTAIL_SITE_NAME = "Token Research"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=SITE_URL)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # never svg: it can carry script
# Documents: what a research site publishes (reports, data, slides, write-ups, bundles of
# them). Never a type a browser would run as a page from our origin (html, htm, svg, xml,
# js), nor the macro-carrying Office formats (doc, xls, ppt, docm...). The admin refuses
# any other extension with a form error on the file field.
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "txt", "xlsx", "docx", "pptx", "odt", "ods", "odp", "zip"]
# The type each is served as, whatever the host's mimetypes table says.
WAGTAILDOCS_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "txt": "text/plain",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "zip": "application/zip",
}
# Every document is a download (Content-Disposition: attachment), PDFs included, and always
# through Wagtail's view, which adds X-Content-Type-Options: nosniff and its own
# "default-src 'none'" policy and checks collection privacy; never a redirect to the
# storage's URL, where those headers would be the bucket's.
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Embeds keep their shape with a CSS class (core/templates/wagtailembeds), not a style attribute.
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Wagtail's background jobs (reference index, file deletion) run in-process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Content-Security-Policy (django-csp, core.security). Public pages and the API docs: only
# our own scripts and styles (script-src also allows the request's nonce, added to the
# header only when a template uses it; JSON-LD blocks are data, never run, and need none),
# no plugins, no framing, forms post only here. Images also from data: URLs and from the
# media storage's origin when media live elsewhere (S3). Video embeds in articles (EmbedBlock)
# may frame CSP_EMBED_ORIGINS (comma-separated origins; default YouTube and Vimeo).
# The Wagtail and Django admins run inline scripts, so they get CSP_ADMIN_POLICY instead.
CSP_EMBED_ORIGINS = env.list(
    "CSP_EMBED_ORIGINS",
    default=["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # core.security adds the media storage's origin
        "frame-src": CSP_EMBED_ORIGINS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The admins (paths below): whatever scripts and styles they bring, but still no plugins,
# no <base> elsewhere, no posting forms to another site and no framing by one.
CSP_ADMIN_PREFIXES = ("/admin/", "/django-admin/")
CSP_ADMIN_POLICY = {
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

# Celery: CELERY_BROKER_URL (default "": dev uses a folder, tests an in-memory broker,
# production REDIS_URL). Each app below adds its own entries to the beat schedule.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late a task's message is acknowledged when the task ends. The Redis broker
# hands a message that is still unacknowledged after visibility_timeout seconds to
# another worker: a task running longer than that runs twice at once. So the timeout
# (6 hours) must exceed every task's hard time limit; the longest is the daily ratings
# refresh (RATINGS_REFRESH_TIME_LIMIT below, 5 hours). ratings/tests/test_refresh.py
# holds the inequality. (The filesystem broker of `make run` never redelivers.)
# A request that queues a task must not hang on a broker that is down (the outbox keeps
# its email for later): seconds to wait for a connection (CELERY_BROKER_CONNECTION_TIMEOUT,
# default 1; Celery's own is 4) and for a reply on an open one, from a broker that hangs
# rather than refuses (CELERY_BROKER_SOCKET_TIMEOUT, default 2; Redis's own is for ever).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 60 * 60,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
}
# ...and retry a publish twice, 0.2 s apart, before the caller gets the error.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "core.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
}

# Email. The back end is the environment's (production: EMAIL_BACKEND, SMTP by default;
# dev: files in var/mail; tests: memory); these say who sends and which SMTP server.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Token Research <research@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # error reports come from the same address
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")  # SMTP server
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")  # "" = no SMTP login
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)  # implicit TLS, usually on port 465
# Seconds before a hung SMTP server gives up (default 30), so it cannot hold a sending
# worker until its claim expires.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# The outbox (core.outbox): email a visitor asks for (sign-up confirmations, vote links,
# API key links) is kept in the database and sent by a worker, so a broker or mail server
# that is down delays it instead of failing the request. Celery beat sends whatever is due
# every OUTBOX_RETRY_SECONDS (default 60), which is also the first wait after a failed
# attempt; each wait doubles, up to an hour.
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_MAX_BACKOFF_SECONDS = 60 * 60
OUTBOX_MAX_ATTEMPTS = 48  # then failed: about two days, as long as vote and key links last
OUTBOX_CLAIM_SECONDS = 300  # a worker's hold on one email; after it, another takes it over
OUTBOX_KEEP_DAYS = 7  # sent, failed and dropped emails (addresses) are deleted after this
CELERY_BEAT_SCHEDULE["drain-outbox"] = {"task": "core.drain_outbox", "schedule": float(OUTBOX_RETRY_SECONDS)}

# Logging: everything to the console at LOG_LEVEL (default INFO; DEBUG, WARNING, ERROR...),
# Celery workers included (research_site.celery). LOG_FORMAT: "json", one JSON object a
# line with timestamp, level, logger, message, request_id and exception (production's
# default), or "text" (default elsewhere). request_id is the request's X-Request-ID, or the
# Celery task's id (core.observability.logs).
LOG_LEVEL = env("LOG_LEVEL", cast=log_level, default="INFO")
LOG_FORMAT = env("LOG_FORMAT", cast=log_format, default="text")


def logging_settings(style):
    """LOGGING with the console in ``style``, "json" or "text"."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.observability.logs.RequestIdFilter"}},
        "formatters": {
            "text": {
                "()": "logging.Formatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                "defaults": {"request_id": "-"},
            },
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["levelname", "name", "message", "request_id"],
                "rename_fields": {"levelname": "level", "name": "logger", "exc_info": "exception"},
                "timestamp": True,
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": style, "filters": ["request_id"]}
        },
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        "loggers": {
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            "django_tasks": {"level": "WARNING"},
        },
    }


LOGGING = logging_settings(LOG_FORMAT)

# Error reports (core.observability.sentry): sent to Sentry when SENTRY_DSN is set (default
# "": none), by production only, from web processes and Celery workers, with email
# addresses, request bodies, cookies and local variables left out. SENTRY_ENVIRONMENT
# (default "production") and SENTRY_RELEASE (default "": none; e.g. the git commit) label
# each event; SENTRY_TRACES_SAMPLE_RATE is the share of requests traced for performance,
# 0 to 1 (default 0: errors only).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env("SENTRY_TRACES_SAMPLE_RATE", cast=share, default="0", parse_default=True)

# Probes: /healthz answers while the process does; /readyz checks the database, the cache's
# Redis and the broker, each within READYZ_TIMEOUT_SECONDS (default 2), and answers 503
# naming those that did not answer (core.observability.health).
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=2.0)

# Prometheus metrics at /metrics (core.observability.metrics), for requests straight from an
# address in METRICS_ALLOWED_IPS (comma-separated addresses or networks; default 127.0.0.1,
# ::1; never a request that came through the proxy) or carrying "Authorization: Bearer
# <METRICS_TOKEN>" (default "": no token accepted); a 404 for anyone else.
METRICS_ALLOWED_IPS = env(
    "METRICS_ALLOWED_IPS", cast=ip_networks, default="127.0.0.1,::1", parse_default=True
)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# PROMETHEUS_MULTIPROC_DIR: with several worker processes (gunicorn), an empty folder,
# emptied before each start, where every process writes its request counts for the scrape
# to add up (default "": each process counts alone, fine for one process). prometheus_client
# reads it from the environment itself.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")


# =============================================================================
# Blog (blog/)
# =============================================================================

BLOG_ARTICLES_PER_PAGE = 9  # articles per page of an index, category or tag listing


# =============================================================================
# Ratings (ratings/): where market data comes from and how a daily refresh behaves
# =============================================================================

# The market-data provider: demo (default; generated data, no network), csv, coingecko,
# or the dotted path of a provider class.
RATINGS_PROVIDER = env.str("RATINGS_PROVIDER", default="demo")
RATINGS_PROVIDER_OPTIONS = {
    "demo": {"seed": 2024, "universe": 6400},
    # RATINGS_CSV_PATH: the file the csv provider reads (default "").
    "csv": {"path": env.str("RATINGS_CSV_PATH", default="")},
    # COINGECKO_BASE_URL (default the public v3 API), COINGECKO_API_KEY (default "": none)
    # and COINGECKO_REQUESTS_PER_MINUTE, the pace the provider keeps to (default 25).
    "coingecko": {
        "base_url": env.str("COINGECKO_BASE_URL", default="https://api.coingecko.com/api/v3"),
        "api_key": env.str("COINGECKO_API_KEY", default=""),
        "requests_per_minute": env.int("COINGECKO_REQUESTS_PER_MINUTE", default=25),
    },
}
RATINGS_TOKENS = env.int("RATINGS_TOKENS", default=6000)  # tokens per refresh, largest first
RATINGS_BACKFILL_DAYS = 365  # days fetched when nothing is stored yet
RATINGS_MIN_VALID_SHARE = 0.5  # below this share of valid tokens a day is rejected whole
RATINGS_PER_PAGE = 50  # tokens per page of the ratings table
# The daily refresh's Celery time limits, in seconds: at the soft one (4 h 45 min) it
# stops, marks its run failed and keeps the last good grades; at the hard one (5 h) the
# worker process is killed. Both stay below CELERY_BROKER_TRANSPORT_OPTIONS'
# visibility_timeout (6 h), so the broker never redelivers a refresh that is still running.
RATINGS_REFRESH_TIME_LIMIT = 5 * 60 * 60
RATINGS_REFRESH_SOFT_TIME_LIMIT = RATINGS_REFRESH_TIME_LIMIT - 15 * 60
# Where PostgreSQL's advisory lock is missing (SQLite), one refresh at a time is kept by a
# lease that its refresh renews as it progresses; a dead refresh's lease frees after this.
RATINGS_REFRESH_LEASE_SECONDS = 10 * 60
CELERY_BEAT_SCHEDULE["refresh-ratings"] = {
    "task": "ratings.refresh_daily",
    # Daily candles close at 00:00 UTC; at 00:20 the task grades the day that just closed.
    "schedule": crontab(hour=0, minute=20),
}


# =============================================================================
# Public API (api/): DRF defaults for every /api/v1/ endpoint, rate limits and keys
# =============================================================================

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle", "api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
}
# Requests allowed per period, "N/second|minute|hour|day".
API_RATE_ANONYMOUS = env("API_RATE_ANONYMOUS", cast=throttle_rate, default="30/minute")  # per IP address
API_RATE_KEY = env("API_RATE_KEY", cast=throttle_rate, default="600/minute")  # per API key
API_KEY_LINK_MAX_AGE = 48 * 60 * 60  # seconds a key's email confirmation link stays valid
API_KEY_REQUESTS_PER_HOUR = 5  # key requests per hour, per email address and per IP address
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=300)  # grades cache; 0 switches it off
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


# =============================================================================
# Awards (awards/): vote links, rate limits on vote requests, results
# =============================================================================

AWARDS_LINK_MAX_AGE = 48 * 60 * 60  # seconds a vote confirmation link stays valid
# Vote requests allowed per hour, as (attempts, seconds): per IP (default 20); per
# mailbox and category (AWARDS_RATE_PER_ADDRESS, default 5; ada+1@gmail.com and
# a.da@gmail.com are one mailbox); per email domain (default 300); and per IP and email
# domain (AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN, default 10): the most of one domain's
# budget a single IP can spend, so k IPs spend at most k x 10 of gmail.com's 300.
AWARDS_RATE_PER_IP = (env.int("AWARDS_RATE_PER_IP", default=20), 60 * 60)
AWARDS_RATE_PER_ADDRESS = (env.int("AWARDS_RATE_PER_ADDRESS", default=5), 60 * 60)
AWARDS_RATE_PER_EMAIL_DOMAIN = (env.int("AWARDS_RATE_PER_EMAIL_DOMAIN", default=300), 60 * 60)
AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN = (env.int("AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN", default=10), 60 * 60)
# Results (anonymous results pages, confirmation pages, article blocks) are rendered once
# per category per this many seconds (default 2); 0 renders them fresh every time.
AWARDS_RESULTS_CACHE_SECONDS = env.int("AWARDS_RESULTS_CACHE_SECONDS", default=2)


# =============================================================================
# Newsletters (newsletters/): sign-ups, the Daily Briefing, sending, bounces
# =============================================================================

NEWSLETTERS_CONFIRM_MAX_AGE = 7 * 24 * 60 * 60  # seconds a sign-up confirmation link stays valid
# Sign-ups allowed per IP address and hour (default 10), as (attempts, seconds).
NEWSLETTERS_RATE_PER_IP = (env.int("NEWSLETTERS_RATE_PER_IP", default=10), 60 * 60)
NEWSLETTERS_RATE_PER_EMAIL = (3, 24 * 60 * 60)  # confirmation emails one address can be sent
# The Daily Briefing: drafted from the day's grades each morning at NEWSLETTERS_BRIEFING_TIME
# (HH:MM UTC, default 06:30), then published and sent at once when
# NEWSLETTERS_BRIEFING_AUTOPUBLISH is on (default false: left as a draft for an editor).
NEWSLETTERS_BRIEFING_SLUG = "daily-briefing"
NEWSLETTERS_BRIEFING_HOUR, NEWSLETTERS_BRIEFING_MINUTE = env(
    "NEWSLETTERS_BRIEFING_TIME", cast=time_of_day, default="06:30", parse_default=True
)
NEWSLETTERS_BRIEFING_AUTOPUBLISH = env.bool("NEWSLETTERS_BRIEFING_AUTOPUBLISH", default=False)
NEWSLETTERS_BRIEFING_MIN_VOLUME = 1_000_000  # USD a day: a "liquid" token for top picks
NEWSLETTERS_ISSUES_PER_PAGE = 20  # issues per page of a newsletter's web archive
# Sending: which Django email back end delivers (SMTP by default, or an anymail back end for
# an ESP, e.g. anymail.backends.postmark.EmailBackend; default "": EMAIL_BACKEND), how
# workers share the work, and retries.
NEWSLETTERS_EMAIL_BACKEND = env.str("NEWSLETTERS_EMAIL_BACKEND", default="")
NEWSLETTERS_BATCH_SIZE = env.int("NEWSLETTERS_BATCH_SIZE", default=100)  # messages per claim
# A claimed batch still unmarked after CLAIM_SECONDS (default 300) belonged to a worker
# that died, and another worker takes it over.
NEWSLETTERS_CLAIM_SECONDS = env.int("NEWSLETTERS_CLAIM_SECONDS", default=300)
NEWSLETTERS_WORKERS = env.int("NEWSLETTERS_WORKERS", default=2)  # worker tasks set on each send
# Publishing an issue sends it (default true); false leaves sending to the admin's "Send" button.
NEWSLETTERS_SEND_ON_PUBLISH = env.bool("NEWSLETTERS_SEND_ON_PUBLISH", default=True)
NEWSLETTERS_MAX_ATTEMPTS = 5  # tries per message after temporary failures before it is failed
NEWSLETTERS_RETRY_SECONDS = 60  # first retry after a temporary failure; doubles each time
# A mail outage (no connection, a timeout connecting, a refused login, TLS failing, an ESP's
# 5xx or 401/403) pauses the whole send without charging anyone an attempt, and it tries
# again on its own after NEWSLETTERS_PAUSE_SECONDS (default 60, at least 1), doubling each
# time up to NEWSLETTERS_PAUSE_MAX_SECONDS. It never gives up; after
# NEWSLETTERS_LONG_OUTAGE_SECONDS the send's page says the outage is a long one.
NEWSLETTERS_PAUSE_SECONDS = max(1, env.int("NEWSLETTERS_PAUSE_SECONDS", default=60))
NEWSLETTERS_PAUSE_MAX_SECONDS = 15 * 60
NEWSLETTERS_LONG_OUTAGE_SECONDS = 60 * 60
CELERY_BEAT_SCHEDULE["draft-daily-briefing"] = {
    "task": "newsletters.draft_daily_briefing",
    "schedule": crontab(hour=NEWSLETTERS_BRIEFING_HOUR, minute=NEWSLETTERS_BRIEFING_MINUTE),
}
# Seconds between restarts of sends nobody is working on (NEWSLETTERS_RESUME_SECONDS,
# default 60; shorter in the kill -9 test).
CELERY_BEAT_SCHEDULE["resume-stalled-sends"] = {
    "task": "newsletters.resume_stalled_sends",
    "schedule": env.float("NEWSLETTERS_RESUME_SECONDS", default=60.0),
}
# Grade alerts go out when ratings sends grades_published. A day whose alerts met a mail
# outage stays pending and is retried by beat: first after NEWSLETTERS_ALERT_RETRY_SECONDS
# (300), then twice as long each time, up to NEWSLETTERS_ALERT_RETRY_MAX_SECONDS (3600).
NEWSLETTERS_ALERT_RETRY_SECONDS = 5 * 60
NEWSLETTERS_ALERT_RETRY_MAX_SECONDS = 60 * 60
CELERY_BEAT_SCHEDULE["retry-grade-alerts"] = {
    "task": "newsletters.retry_grade_alerts",
    "schedule": 60.0,  # looks for due days every minute: one query on a one-row-a-day table
}
# Bounce and complaint webhooks (django-anymail): ESPs post to /anymail/<esp>/tracking/
# with ANYMAIL_WEBHOOK_SECRET (default "") as "user:password" HTTP basic auth.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}

# Sponsorships (sponsors/): slot views and clicks are counted in Redis and flushed to the
# database by beat every SPONSORS_FLUSH_SECONDS (60); at midnight the slots turn to the
# new day's campaigns (a new cache generation when any could have changed).
SPONSORS_FLUSH_SECONDS = env.float("SPONSORS_FLUSH_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE["sponsors-flush-counts"] = {
    "task": "sponsors.flush_counts",
    "schedule": SPONSORS_FLUSH_SECONDS,
}
CELERY_BEAT_SCHEDULE["sponsors-start-day"] = {
    "task": "sponsors.start_day",
    "schedule": crontab(hour=0, minute=0),
}
# The media kit's contact form (/advertise/contact/): enquiries go to SPONSORS_ENQUIRY_EMAIL,
# or to the Editors group when it is empty; at most (enquiries, seconds) per client.
SPONSORS_ENQUIRY_EMAIL = env.str("SPONSORS_ENQUIRY_EMAIL", default="")
SPONSORS_ENQUIRIES_PER_CLIENT = (5, 60 * 60)

# Newsletter analytics (newsletters.analytics). NEWSLETTERS_TRACK_OPENS and
# NEWSLETTERS_TRACK_CLICKS (default true) put a per-recipient image and per-recipient link
# redirects into each send when it is frozen; off, the email carries neither. Opens and
# clicks within NEWSLETTERS_MACHINE_SECONDS (default 10) of delivery count as a machine's,
# and so do clicks on NEWSLETTERS_SCANNER_LINKS (default 3) or more different links of one
# message within NEWSLETTERS_SCANNER_SECONDS (default 5). Events wait in Redis
# (NEWSLETTERS_TRACKING_REDIS_URL, default REDIS_URL; "" writes each to the database at
# once, as does a Redis that is down) until beat flushes them every
# NEWSLETTERS_TRACKING_FLUSH_SECONDS (default 5).
# Served ahead of the middleware by a WSGI wrapper (research_site/wsgi.py: WSGI_WRAPPERS).
WSGI_WRAPPERS = ["newsletters.analytics.wsgi.TrackingEndpoints"]
NEWSLETTERS_TRACK_OPENS = env.bool("NEWSLETTERS_TRACK_OPENS", default=True)
NEWSLETTERS_TRACK_CLICKS = env.bool("NEWSLETTERS_TRACK_CLICKS", default=True)
NEWSLETTERS_MACHINE_SECONDS = env.int("NEWSLETTERS_MACHINE_SECONDS", default=10)
NEWSLETTERS_SCANNER_LINKS = env.int("NEWSLETTERS_SCANNER_LINKS", default=3)
NEWSLETTERS_SCANNER_SECONDS = env.int("NEWSLETTERS_SCANNER_SECONDS", default=5)
NEWSLETTERS_TRACKING_REDIS_URL = env.str("NEWSLETTERS_TRACKING_REDIS_URL", default=REDIS_URL)
NEWSLETTERS_TRACKING_FLUSH_SECONDS = env.float("NEWSLETTERS_TRACKING_FLUSH_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE["flush-tracking-events"] = {
    "task": "newsletters.flush_tracking_events",
    "schedule": NEWSLETTERS_TRACKING_FLUSH_SECONDS,
}
