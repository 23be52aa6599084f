from celery import shared_task

from awards import emails


# Ballot emails now go straight to the outbox (awards.emails); messages queued under this
# name before it existed join it there.
@shared_task
def send_ballot_email(email, category_id, nominee_id, link):
    emails.send_ballot(email, category_id, nominee_id, link)
