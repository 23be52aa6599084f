"""Signal receivers: publishing an issue sends it; a ratings day's grades queue the grade
alerts; ESP bounce and complaint webhooks suppress addresses. Connected in
NewslettersConfig.ready()."""

import logging

from anymail.exceptions import AnymailWebhookValidationFailure
from django.conf import settings

from newsletters import tasks
from newsletters.analytics import outcomes
from newsletters.issues import alerts
from newsletters.sending import sends
from newsletters.subscriptions.suppression import suppress, suppression_for

logger = logging.getLogger(__name__)

def issue_published(sender, instance, **kwargs):
    """Queue the issue's send with the publish; workers start once the publish has committed."""
    if settings.NEWSLETTERS_SEND_ON_PUBLISH:
        sends.queue_issue(instance)


def grades_published_send_alerts(sender, day, **kwargs):
    """A day's grades are in: alert the subscribers who follow tokens that moved. The day is
    recorded first, so if the task cannot be queued beat's retry still sends it."""
    alerts.record_day(day)
    try:
        tasks.send_grade_alerts.delay(day.isoformat())
    except Exception:
        logger.exception("Could not queue the grade alerts for %s; the retry task will send them.", day)


def tracking_event(sender, event, esp_name, **kwargs):
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        # anymail accepts unauthenticated posts when no secret is set; nobody on the web
        # may mark our subscribers as bounced.
        raise AnymailWebhookValidationFailure("Set ANYMAIL_WEBHOOK_SECRET to accept tracking webhooks.")
    status = suppression_for(event)
    if status is None or not event.recipient:
        return
    detail = event.description or event.mta_response or event.reject_reason
    reason = f"{esp_name}: {event.event_type}" + (f" ({detail})" if detail else "")
    subscriber = suppress(event.recipient, status, reason)
    if subscriber is not None:
        logger.info("%s is now %s: %s", subscriber.email, subscriber.status, reason)
        outcomes.record_outcome(subscriber, status, event.timestamp, reason)
