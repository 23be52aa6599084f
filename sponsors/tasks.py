from celery import shared_task

from sponsors import counting, rollover


@shared_task(name="sponsors.flush_counts", ignore_result=True)
def flush_counts():
    counting.flush()


@shared_task(name="sponsors.start_day", ignore_result=True)
def start_day():
    rollover.start_day()
    counting.forget_applied_batches()
