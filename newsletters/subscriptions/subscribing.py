"""Signing up, confirming, choosing newsletters and token alerts, and leaving.

An address only gets newsletters after its owner follows the emailed confirmation link
(double opt-in). Whatever state an address is in, the sign-up form answers the same way:
what happens next (a confirmation email, an "add these newsletters" email, or nothing for
a suppressed address) is decided here, out of the request, and told only to the mailbox.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from core import fingerprints, outbox
from core.fingerprints import normalize_email
from newsletters.analytics import outcomes
from newsletters.models import NewsletterPage, Subscriber, Subscription, TokenFollow
from newsletters.subscriptions import links

Status = Subscriber.Status


def keyed_hash(kind, value):
    return fingerprints.keyed_hash(f"newsletters.{kind}", value)


def live_newsletters():
    return NewsletterPage.objects.live().order_by("path")


def default_newsletter_ids():
    """What a box that names no newsletter signs up for: those marked subscribe_by_default,
    or every live newsletter when editors marked none."""
    newsletters = live_newsletters()
    ids = list(newsletters.filter(subscribe_by_default=True).values_list("pk", flat=True))
    return ids or list(newsletters.values_list("pk", flat=True))


CONFIRMATION_EMAIL = "newsletters.confirmation"  # its kind in the outbox


def request_confirmation(email, newsletter_ids, ip_hash=""):
    """Email the owner of ``email`` a link that subscribes them to ``newsletter_ids``.

    Kept in the outbox, and written (``confirmation_email``) when it is sent: the request
    costs the same whatever the address is, and survives a broker or mail server that is down.
    """
    outbox.send(
        CONFIRMATION_EMAIL, normalize_email(email), newsletter_ids=list(newsletter_ids), ip_hash=ip_hash
    )


def confirmation_email(to, newsletter_ids, ip_hash=""):
    """The outbox's composer for confirmations: the email, or None to send nothing.

    New addresses are stored as pending; known ones keep their status until the link is
    followed. Bounced and complained addresses get nothing.
    """
    # get_or_create survives the same address signing up in a parallel request.
    subscriber, _ = Subscriber.objects.get_or_create(email=to, defaults={"ip_hash": ip_hash})
    if subscriber.is_suppressed:
        return None
    newsletters = list(live_newsletters().filter(pk__in=newsletter_ids))
    if not newsletters:
        return None
    already_confirmed = subscriber.status == Status.CONFIRMED
    context = {
        "newsletters": newsletters,
        "titles": _titles(newsletters),
        "confirm_url": links.confirm_url(subscriber.pk, [newsletter.pk for newsletter in newsletters]),
        "preferences_url": links.preferences_url(subscriber.pk) if already_confirmed else "",
        "already_confirmed": already_confirmed,
        "valid_days": confirm_link_days(),
    }
    if already_confirmed:
        subject = f"Add {context['titles']} to your Token Research emails"
    else:
        subject = "Confirm your Token Research subscription"
    return outbox.Email(
        subject=subject,
        text=render_to_string("newsletters/email/confirm.txt", context),
        html=render_to_string("newsletters/email/confirm.html", context),
    )


def confirm_link_days():
    return settings.NEWSLETTERS_CONFIRM_MAX_AGE // (24 * 60 * 60)


def _titles(newsletters):
    titles = [newsletter.title for newsletter in newsletters]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


@dataclass
class Confirmation:
    subscriber: Subscriber | None
    newsletters: list = field(default_factory=list)
    suppressed: bool = False


def confirm(subscriber_id, newsletter_ids):
    """Follow a confirmation link: confirm the address and subscribe it. Replays change nothing."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return Confirmation(subscriber=None)
        if subscriber.is_suppressed:
            return Confirmation(subscriber=subscriber, suppressed=True)
        newsletters = list(live_newsletters().filter(pk__in=newsletter_ids))
        Subscription.objects.bulk_create(
            [Subscription(subscriber=subscriber, newsletter=newsletter) for newsletter in newsletters],
            ignore_conflicts=True,
        )
        if subscriber.status != Status.CONFIRMED:
            subscriber.set_status(Status.CONFIRMED, "followed the confirmation link")
            subscriber.save(update_fields=["status", "status_reason", "status_changed_at", "confirmed_at"])
    return Confirmation(subscriber=subscriber, newsletters=newsletters)


def settle_status(subscriber, reason, may_confirm=False):
    """Nothing left to send them: unsubscribed. With ``may_confirm`` (choices made through a
    link only the mailbox gets), something to send again: confirmed.

    Suppressed addresses stay suppressed whatever they choose.
    """
    if subscriber.is_suppressed:
        return
    wants_mail = subscriber.subscriptions.exists() or subscriber.follows.exists()
    if wants_mail and may_confirm and subscriber.status != Status.CONFIRMED:
        subscriber.set_status(Status.CONFIRMED, reason)
    elif not wants_mail and subscriber.status != Status.UNSUBSCRIBED:
        subscriber.set_status(Status.UNSUBSCRIBED, reason)
    else:
        return
    subscriber.save(update_fields=["status", "status_reason", "status_changed_at", "confirmed_at"])


def unsubscribe(subscriber_id, newsletter_id):
    """Leave one newsletter, or (newsletter id 0) stop the grade alerts. Idempotent.

    Returns the subscriber, or None when the address has been deleted since.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return None
        if newsletter_id:
            left, _ = subscriber.subscriptions.filter(newsletter_id=newsletter_id).delete()
            if left:
                outcomes.record_unsubscribes(subscriber.pk, [newsletter_id], via="one-click link")
            reason = f"one-click unsubscribe from newsletter {newsletter_id}"
        else:
            subscriber.follows.all().delete()
            reason = "one-click unsubscribe from grade alerts"
        settle_status(subscriber, reason)
    return subscriber


def unsubscribe_everything(subscriber):
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        left = list(subscriber.subscriptions.values_list("newsletter_id", flat=True))
        subscriber.subscriptions.all().delete()
        outcomes.record_unsubscribes(subscriber.pk, left, via="preferences page")
        subscriber.follows.all().delete()
        settle_status(subscriber, "unsubscribed from everything on the preferences page")
    return subscriber


@dataclass(frozen=True)
class NewFollow:
    token: object
    grade: str
    min_change: int | None
    level: int | None


def save_preferences(subscriber, newsletter_ids, remove_follow_ids=(), new_follow=None):
    """All of the preferences form or none of it."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        offered = set(live_newsletters().values_list("pk", flat=True))
        chosen = set(newsletter_ids) & offered
        leaving = subscriber.subscriptions.filter(newsletter_id__in=offered - chosen)
        outcomes.record_unsubscribes(
            subscriber.pk, list(leaving.values_list("newsletter_id", flat=True)), via="preferences page"
        )
        leaving.delete()
        Subscription.objects.bulk_create(
            [Subscription(subscriber=subscriber, newsletter_id=pk) for pk in sorted(chosen)],
            ignore_conflicts=True,
        )
        subscriber.follows.filter(pk__in=remove_follow_ids).delete()
        if new_follow is not None:
            TokenFollow.objects.update_or_create(
                subscriber=subscriber,
                token=new_follow.token,
                grade=new_follow.grade,
                defaults={"min_change": new_follow.min_change, "level": new_follow.level},
            )
        settle_status(subscriber, "saved the preferences page", may_confirm=True)
    return subscriber
