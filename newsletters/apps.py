from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletters"
    verbose_name = "Newsletters"
