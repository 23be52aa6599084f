import os

from django.core.wsgi import get_wsgi_application

# A web server started without DJANGO_SETTINGS_MODULE runs on production settings, which
# refuse to start without their secrets; only manage.py and `make run` pick dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "research_site.settings.production")

application = get_wsgi_application()

# Apps' WSGI wrappers (settings.WSGI_WRAPPERS), innermost first: newsletter open images and
# click redirects are answered ahead of the middleware.
from django.conf import settings  # noqa: E402 - after the settings module is chosen
from django.utils.module_loading import import_string  # noqa: E402

for wrapper in settings.WSGI_WRAPPERS:
    application = import_string(wrapper)(application)
