import os

from celery import Celery
from celery.signals import setup_logging

# A worker or scheduler started without DJANGO_SETTINGS_MODULE runs on production settings, which
# refuse to start without their secrets; only manage.py and `make run` pick dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "research_site.settings.production")

app = Celery("research_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def keep_django_logging(**kwargs):
    """Workers and beat log through LOGGING in settings (LOG_FORMAT, LOG_LEVEL), as the web
    processes do, instead of Celery's own format; a receiver here stops Celery setting up its own."""
