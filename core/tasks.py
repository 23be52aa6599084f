from celery import shared_task
from django.core.management import call_command

from core import outbox


@shared_task
def publish_scheduled_pages():
    """Publish pages whose go-live time has come and unpublish expired ones.

    Celery beat runs this every minute; Wagtail's own command does the work.
    """
    call_command("publish_scheduled")


@shared_task(name="core.send_outbox_email")
def send_outbox_email(pk):
    """Send one outbox email now; queued by the request that wrote it (core.outbox)."""
    outbox.send_one(pk)


@shared_task(name="core.drain_outbox")
def drain_outbox():
    """Send every outbox email that is due, and forget old finished ones; Celery beat
    runs it every OUTBOX_RETRY_SECONDS."""
    outbox.drain()
    outbox.prune()
