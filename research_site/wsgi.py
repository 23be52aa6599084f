import os

from django.core.wsgi import get_wsgi_application

# A web server started without DJANGO_SETTINGS_MODULE runs on production settings, which
# refuse to start without their secrets; only manage.py and `make run` pick dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "research_site.settings.production")

application = get_wsgi_application()

# Newsletter open images and click redirects are answered ahead of the middleware.
from newsletters.analytics.wsgi import TrackingEndpoints  # noqa: E402 - needs the apps loaded

application = TrackingEndpoints(application)
