from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from anymail.signals import tracking
        from wagtail.signals import page_published

        from core import outbox
        from core.blocks import body_blocks
        from core.furniture import footer_templates, page_scripts
        from core.observability.metrics import scrape_time
        from newsletters.issues.blocks import NewsletterSignupBlock
        from newsletters.models import NewsletterIssuePage
        from newsletters.sending.metrics import send_metrics
        from newsletters.signals import grades_published_send_alerts, issue_published, tracking_event
        from newsletters.subscriptions import subscribing
        from ratings.signals import grades_published

        page_published.connect(
            issue_published, sender=NewsletterIssuePage, dispatch_uid="newsletters.send_issue"
        )
        tracking.connect(tracking_event, dispatch_uid="newsletters.suppress_addresses")
        grades_published.connect(grades_published_send_alerts, dispatch_uid="newsletters.grade_alerts")
        body_blocks.register("newsletter_signup", NewsletterSignupBlock())
        footer_templates.append("newsletters/includes/footer_signup.html")
        page_scripts.append("newsletters/signup.js")
        outbox.composers.register(subscribing.CONFIRMATION_EMAIL, subscribing.confirmation_email)
        scrape_time.register("newsletter_sends", send_metrics)
