"""The email that carries a vote's confirmation link, sent through the outbox (core.outbox)."""

from django.template.loader import render_to_string

from awards.models import Category, Nominee
from core import outbox

BALLOT_EMAIL = "awards.ballot"  # its kind in the outbox


def send_ballot(email, category_id, nominee_id, link):
    """Keep the ballot email for ``email`` in the outbox; a worker writes and sends it."""
    outbox.send(BALLOT_EMAIL, email, category_id=category_id, nominee_id=nominee_id, link=link)


def ballot_email(to, category_id, nominee_id, link):
    """The outbox's composer for ballots; nothing to send if the nominee is gone since."""
    nominee = Nominee.objects.filter(pk=nominee_id, category_id=category_id).first()
    if nominee is None:
        return None
    category = Category.objects.select_related("program").get(pk=category_id)
    context = {"category": category, "nominee": nominee, "link": link}
    return outbox.Email(
        subject=f"Confirm your vote in {category.title}",
        text=render_to_string("awards/email/ballot.txt", context),
    )
