"""Set-up shared by the sending tests: a newsletter with subscribers, an issue, mail settings."""

from newsletters.models import Subscriber, Subscription
from newsletters.tests.factories import (
    NewsletterIndexPageFactory,
    NewsletterIssuePageFactory,
    NewsletterPageFactory,
)


def make_newsletter(home, title="Daily Briefing"):
    index = NewsletterIndexPageFactory(parent=home)
    return NewsletterPageFactory(parent=index, title=title)


def subscribe(newsletter, count, status=Subscriber.Status.CONFIRMED, prefix="reader"):
    """`count` subscribers of `newsletter` with `status`, in two bulk inserts."""
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"{prefix}{number}@example.com", status=status) for number in range(count)
    )
    if not subscribers or subscribers[0].pk is None:  # backends that return no ids
        subscribers = list(Subscriber.objects.filter(email__startswith=prefix).order_by("pk"))
    Subscription.objects.bulk_create(Subscription(subscriber=s, newsletter=newsletter) for s in subscribers)
    return subscribers


def make_issue(newsletter, **fields):
    return NewsletterIssuePageFactory(parent=newsletter, **fields)


def smtp_settings(settings, server, **extra):
    """Newsletters go through Django's SMTP back end to `server`."""
    settings.NEWSLETTERS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 10
    for name, value in extra.items():
        setattr(settings, f"NEWSLETTERS_{name}", value)
