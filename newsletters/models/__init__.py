"""The app's models by concern; imported here so newsletters.models.X names each of them."""

from newsletters.models.issues import NewsletterIndexPage, NewsletterIssuePage, NewsletterPage
from newsletters.models.sending import Delivery, GradeAlert, GradeAlertDay, Send
from newsletters.models.subscriptions import Subscriber, Subscription, TokenFollow
from newsletters.models.tracking import DeliveryOutcome, TrackedLink, TrackingEvent, Unsubscribe

__all__ = [
    "Delivery",
    "DeliveryOutcome",
    "GradeAlert",
    "GradeAlertDay",
    "NewsletterIndexPage",
    "NewsletterIssuePage",
    "NewsletterPage",
    "Send",
    "Subscriber",
    "Subscription",
    "TokenFollow",
    "TrackedLink",
    "TrackingEvent",
    "Unsubscribe",
]
