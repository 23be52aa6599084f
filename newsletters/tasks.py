"""Celery tasks: thin wrappers over sending, the briefing, grade alerts and confirmations.

Their names are what Celery beat and queued messages know them by: they never change.
"""

import datetime

from celery import shared_task

from newsletters.analytics import recording
from newsletters.issues import alerts, briefing
from newsletters.sending import sends, workers
from newsletters.subscriptions import subscribing


@shared_task(name="newsletters.start_send")
def start_send(send_id):
    sends.start(send_id)


@shared_task(name="newsletters.send_batches")
def send_batches(send_id):
    workers.run_worker(send_id)


@shared_task(name="newsletters.retry_after_outage")
def retry_after_outage(send_id):
    sends.try_again(send_id)


@shared_task(name="newsletters.resume_stalled_sends")
def resume_stalled_sends():
    sends.resume_stalled()


@shared_task(name="newsletters.draft_daily_briefing")
def draft_daily_briefing():
    briefing.draft_daily_briefing()


@shared_task(name="newsletters.send_grade_alerts")
def send_grade_alerts(day=None):
    """The alerts for ``day`` (an ISO date; default: the latest graded day)."""
    alerts.send_grade_alerts(datetime.date.fromisoformat(day) if day else None)


@shared_task(name="newsletters.retry_grade_alerts")
def retry_grade_alerts():
    alerts.retry_due()


# Sign-ups now go straight to the outbox (core.outbox); messages queued under this name
# before it existed join it there.
@shared_task(name="newsletters.send_confirmation")
def send_confirmation(email, newsletter_ids, ip_hash=""):
    subscribing.request_confirmation(email, newsletter_ids, ip_hash)


@shared_task(name="newsletters.flush_tracking_events")
def flush_tracking_events():
    recording.flush()
