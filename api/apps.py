from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public API"

    def ready(self):
        from core import outbox
        from core.views import not_found_responders

        from . import emails
        from .errors import page_not_found

        not_found_responders["/api/"] = page_not_found
        outbox.composers.register(emails.KEY_LINK_EMAIL, emails.key_link_email)
