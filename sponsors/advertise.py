"""The public media kit at /advertise/ and its contact form at /advertise/contact/.

The media kit is the same for every reader, so the page cache keeps it (a Package save
starts a new generation). The form is a page of its own: it carries a CSRF token, which
no cached page may hold, and neither it nor its answers are ever cached.
"""

import math
import time
from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from core.ratelimit import allow as rate_allowed
from core.ratelimit import client_ip
from sponsors import enquiries, mediakit
from sponsors.models import Package

SENT = "Thank you. Your enquiry is with our editors, who answer within two working days."
TOO_MANY = "You have sent several enquiries in a short time. Please try again in {wait}."


@require_safe
def media_kit(request):
    context = {
        "packages": Package.objects.all(),
        "audience": mediakit.audience(request),
        "definitions": mediakit.DEFINITIONS,
        "contact_url": reverse("advertise:contact"),
    }
    return render(request, "sponsors/media_kit.html", context)


def seconds_left(period):
    """Until the fixed rate-limit window (core.ratelimit) starts afresh."""
    return math.ceil(period - time.time() % period)


def answer(request, form, status, message=""):
    context = {"form": form, "message": message, "media_kit_url": reverse("advertise:media_kit")}
    template = "sponsors/enquiry_sent.html" if status == 200 and message else "sponsors/enquiry.html"
    return render(request, template, context, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    if request.method != "POST":
        return answer(request, enquiries.EnquiryForm(), 200)
    limit, period = settings.SPONSORS_ENQUIRIES_PER_CLIENT
    if not rate_allowed("sponsors-enquiry", client_ip(request), limit, period):
        wait = seconds_left(period)
        message = TOO_MANY.format(wait=timeuntil(timezone.now() + timedelta(seconds=wait)))
        response = answer(request, enquiries.EnquiryForm(request.POST), 429, message)
        response["Retry-After"] = str(wait)
        return response
    form = enquiries.EnquiryForm(request.POST)
    if form.is_bot():  # answered like everyone, so it learns nothing; nothing is sent
        return answer(request, form, 200, SENT)
    if not form.is_valid():
        return answer(request, form, 400, form.first_error())
    enquiries.send(form.cleaned_data)
    return answer(request, form, 200, SENT)
