import os

from celery import Celery

# A worker or scheduler started without DJANGO_SETTINGS_MODULE runs on production settings, which
# refuse to start without their secrets; only manage.py and `make run` pick dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "research_site.settings.production")

app = Celery("research_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
