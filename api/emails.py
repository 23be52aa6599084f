"""The email that carries an API key link, sent through the outbox (core.outbox)."""

from django.conf import settings

from core import outbox

KEY_LINK_EMAIL = "api.key_link"  # its kind in the outbox


def send_key_link(email, link):
    """Keep the key link email for ``email`` in the outbox; a worker writes and sends it."""
    outbox.send(KEY_LINK_EMAIL, email, link=link)


def key_link_email(to, link):
    """The outbox's composer for key links."""
    hours = settings.API_KEY_LINK_MAX_AGE // 3600
    return outbox.Email(
        subject="Your Token Research API key",
        text=f"Open this link to see your free API key (it works once, for {hours} hours):\n\n{link}\n\n"
        "If you did not ask for a key, ignore this message.",
    )
