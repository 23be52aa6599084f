"""Local development: SQLite, a broker that needs no server, mail caught to files."""

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    CACHE_DIR,
    CELERY_BROKER_URL,
    DATABASES,
    SECRET_KEY,
    cache_namespace,
    cache_settings,
    env,
)

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = ["*"]

# Kombu's filesystem transport: the worker and beat share a folder instead of a server.
if not CELERY_BROKER_URL:
    CELERY_BROKER_DIR = BASE_DIR / "var" / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),  # else Kombu writes ./control/
        "store_processed": False,
    }

# Mail is written to var/mail/ and readable at /dev/mail/ (see research_site.dev_mail).
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"

# Page and fragment caches are off so edits show at once; set the variables to try them.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=0)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)

for folder in (BASE_DIR / "var" / "broker" / "processed", EMAIL_FILE_PATH):
    folder.mkdir(parents=True, exist_ok=True)

# Web, worker and beat are separate processes: without Redis they share a file cache (in
# CACHE_DIR's folder for this database), so a page the worker publishes on schedule retires
# what the web process remembered.
CACHES = cache_settings(cache_namespace(DATABASES["default"]), shared_folder=CACHE_DIR)
