from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from anymail.signals import tracking
        from wagtail.signals import page_published

        from newsletters.models import NewsletterIssuePage
        from newsletters.signals import issue_published, tracking_event

        page_published.connect(
            issue_published, sender=NewsletterIssuePage, dispatch_uid="newsletters.send_issue"
        )
        tracking.connect(tracking_event, dispatch_uid="newsletters.suppress_addresses")
