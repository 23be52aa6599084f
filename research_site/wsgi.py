import os

from django.core.wsgi import get_wsgi_application

# A web server started without DJANGO_SETTINGS_MODULE runs on production settings, which
# refuse to start without their secrets; only manage.py and `make run` pick dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "research_site.settings.production")

application = get_wsgi_application()
