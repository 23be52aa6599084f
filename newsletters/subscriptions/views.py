"""Signing up, confirming, preferences and unsubscribing: thin views over
newsletters.subscriptions.subscribing."""

import math
import time
from datetime import timedelta

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import allow as rate_allowed
from core.ratelimit import client_ip
from newsletters.models import NewsletterPage, Subscriber
from newsletters.subscriptions import links, subscribing
from newsletters.subscriptions.forms import PreferencesForm, SignupForm

CHECK_YOUR_INBOX = (
    "Thanks! Check your inbox: we have sent you a link to confirm. Nothing arrives until you follow it."
)
TOO_MANY_SIGNUPS = "Too many sign-ups came from your network just now. Please try again in {wait}."


def wants_json(request):
    """The sign-up script asks for JSON; browsers submitting the form prefer HTML."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def signup_answer(request, message, status, form=None):
    if wants_json(request):
        response = JsonResponse({"message": message}, status=status)
    elif status == 200:
        return redirect("newsletters:subscribed", permanent=False)
    else:
        context = {
            "message": message,
            "newsletters": subscribing.live_newsletters(),
            "message_is_error": True,
            "email": form.data.get("email", "") if form else "",
            "ticked": ticked_in(form),
        }
        response = render(request, "newsletters/subscribe.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def ticked_in(form):
    """What to tick when the form comes back: what was sent, or the defaults for a box
    that offered no choice (so the reader is not asked to start over)."""
    ticked = set(form.data.getlist("newsletter")) if form else set()
    return ticked if ticked or (form and form.data.get("chosen")) else None


def seconds_left(period):
    """Until the fixed rate-limit window (core.ratelimit) starts afresh."""
    return math.ceil(period - time.time() % period)


# The sign-up boxes sit on pages served from the anonymous page cache, which never stores a
# page holding a CSRF token, so the form carries none. A forged request can do no more than
# make us send one confirmation email to an address (which subscribes nobody until its
# owner follows the link); the honeypot and the per-IP and per-address limits cap even that.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        context = {"newsletters": subscribing.live_newsletters(), "email": "", "ticked": None}
        return render(request, "newsletters/subscribe.html", context)

    ip_hash = subscribing.keyed_hash("ip", client_ip(request))
    if not rate_allowed("newsletters-ip", ip_hash, *settings.NEWSLETTERS_RATE_PER_IP):
        wait = seconds_left(settings.NEWSLETTERS_RATE_PER_IP[1])
        message = TOO_MANY_SIGNUPS.format(wait=timeuntil(timezone.now() + timedelta(seconds=wait)))
        response = signup_answer(request, message, 429)
        response["Retry-After"] = str(wait)
        return response
    form = SignupForm(request.POST)
    if form.is_bot():  # told the same as everyone, so it learns nothing
        return signup_answer(request, CHECK_YOUR_INBOX, 200)
    if not form.is_valid():
        return signup_answer(request, form.first_error(), 400, form)

    email = subscribing.normalize_email(form.cleaned_data["email"])
    # Over the per-address limit the answer stays the same (it must not tell whether the
    # address is known); only the email is not sent.
    email_hash = subscribing.keyed_hash("email", email)
    if rate_allowed("newsletters-email", email_hash, *settings.NEWSLETTERS_RATE_PER_EMAIL):
        # Kept in the outbox and written there, so the answer takes as long whatever becomes
        # of the address, and comes even while the broker or the mail server is down.
        subscribing.request_confirmation(email, form.cleaned_data["newsletter"], ip_hash)
    return signup_answer(request, CHECK_YOUR_INBOX, 200)


@require_GET
def subscribed(request):
    context = {"message": CHECK_YOUR_INBOX, "valid_days": subscribing.confirm_link_days()}
    return render(request, "newsletters/subscribed.html", context)


def link_problem(request, expired, what):
    context = {"expired": expired, "what": what, "valid_days": subscribing.confirm_link_days()}
    return render(request, "newsletters/link_problem.html", context, status=410 if expired else 400)


@never_cache
@require_GET
def confirm(request, token):
    try:
        subscriber_id, newsletter_ids = links.read_confirm_token(token)
    except links.ExpiredLink:
        return link_problem(request, True, "confirmation")
    except links.BadLink:
        return link_problem(request, False, "confirmation")
    confirmation = subscribing.confirm(subscriber_id, newsletter_ids)
    if confirmation.subscriber is None:  # the address was deleted since: sign up afresh
        return link_problem(request, True, "confirmation")
    context = {
        "confirmation": confirmation,
        "subscriber": confirmation.subscriber,
        "preferences_url": links.preferences_url(confirmation.subscriber.pk),
    }
    return render(
        request, "newsletters/confirmed.html", context, status=409 if confirmation.suppressed else 200
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    try:
        subscriber_id = links.read_subscriber_token(token, links.PREFERENCES_SALT)
    except links.BadLink:
        return link_problem(request, False, "preferences")
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return link_problem(request, True, "preferences")

    if request.method == "POST" and request.POST.get("action") == "unsubscribe_everything":
        subscriber = subscribing.unsubscribe_everything(subscriber)
        context = {"subscriber": subscriber, "everything": True, "preferences_url": request.path}
        return render(request, "newsletters/unsubscribed.html", context)

    newsletters = list(subscribing.live_newsletters())
    follows = list(subscriber.follows.select_related("token").order_by("token__name", "grade"))
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST, newsletters=newsletters, follows=follows)
        if form.is_valid():
            subscribing.save_preferences(
                subscriber,
                form.cleaned_data["newsletters"],
                remove_follow_ids=form.cleaned_data["remove"],
                new_follow=form.new_follow(),
            )
            return redirect(request.path + "?saved=1")
        status = 400
    else:
        subscribed_ids = set(subscriber.subscriptions.values_list("newsletter_id", flat=True))
        form = PreferencesForm(
            initial={"newsletters": [n.pk for n in newsletters if n.pk in subscribed_ids]},
            newsletters=newsletters,
            follows=follows,
        )
    context = {
        "subscriber": subscriber,
        "form": form,
        "newsletters": newsletters,
        "follows": follows,
        "saved": request.GET.get("saved") == "1" and request.method != "POST",
        "chosen_newsletters": {str(pk) for pk in form["newsletters"].value() or []},
        "removed_follows": {str(pk) for pk in form["remove"].value() or []},
        "follow_fields": ("token", "grade", "min_change", "level"),
    }
    return render(request, "newsletters/preferences.html", context, status=status)


# RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" to this URL with no
# cookies and no CSRF token; the signed token in the URL is what proves the right to leave.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscriber_id, newsletter_id = links.read_unsubscribe_token(token)
    except links.BadLink:
        return link_problem(request, False, "unsubscribe")
    newsletter = NewsletterPage.objects.filter(pk=newsletter_id).first() if newsletter_id else None
    context = {"newsletter": newsletter, "alerts": not newsletter_id}
    if request.method == "POST":
        subscriber = subscribing.unsubscribe(subscriber_id, newsletter_id)
        context["subscriber"] = subscriber
        if subscriber is not None:
            context["preferences_url"] = links.preferences_url(subscriber.pk)
        return render(request, "newsletters/unsubscribed.html", context)
    context["subscriber"] = Subscriber.objects.filter(pk=subscriber_id).first()
    return render(request, "newsletters/unsubscribe.html", context)
