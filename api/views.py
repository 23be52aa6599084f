import hashlib
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.links import absolute
from core.ratelimit import allow as rate_allowed
from core.ratelimit import client_ip

from . import emails
from .models import ApiKey

LINK_SALT = "api.keys.link"
ENDPOINTS = {
    "tokens": "api:token-list",
    "grades": "api:grade-list",
    "articles": "api:article-list",
    "performance": "api:performance",
    "market": "api:market",
    "search": "api:search",
    "awards": "awards-api:programs",
    "schema": "api:schema",
    "docs": "api-docs",
}


@extend_schema(exclude=True)
@api_view(["GET"])
@renderer_classes([JSONRenderer])
def root(request):
    """What the API offers; each link is a starting point."""
    links = {}
    for name, url_name in ENDPOINTS.items():
        try:
            links[name] = request.build_absolute_uri(reverse(url_name))
        except NoReverseMatch:
            continue  # an app that is not installed here
    return Response(
        {"version": "v1", "endpoints": links, "keys": request.build_absolute_uri(reverse("api-keys"))}
    )


class KeyRequestForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your email address")


def _too_many(email, request):
    """At most API_KEY_REQUESTS_PER_HOUR links per address and per client."""
    limit = settings.API_KEY_REQUESTS_PER_HOUR
    email_hash = hashlib.sha256(email.lower().encode()).hexdigest()
    return not (
        rate_allowed("api-key-email", email_hash, limit, 60 * 60)
        and rate_allowed("api-key-client", client_ip(request), limit, 60 * 60)
    )


@never_cache
def request_key(request):
    form = KeyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if _too_many(email, request):
            form.add_error("email", "Too many key requests; please try again in an hour.")
            return render(request, "api/keys_request.html", {"form": form}, status=429)
        token = signing.dumps({"email": email, "nonce": secrets.token_hex(16)}, salt=LINK_SALT)
        link = absolute(reverse("api-keys-confirm", args=[token]))
        emails.send_key_link(email, link)
        return render(request, "api/keys_sent.html", {"email": email})
    status = 400 if request.method == "POST" else 200
    return render(request, "api/keys_request.html", {"form": form}, status=status)


@never_cache
def confirm_key(request, token):
    """GET shows a button (mail scanners follow links; they should not use up the key);
    POST makes the key and shows it this once."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=settings.API_KEY_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return render(request, "api/keys_problem.html", {"problem": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, "api/keys_problem.html", {"problem": "invalid"}, status=400)
    if ApiKey.objects.filter(link_nonce=payload["nonce"]).exists():
        return render(request, "api/keys_problem.html", {"problem": "used"}, status=410)
    if request.method != "POST":
        return render(request, "api/keys_confirm.html", {"email": payload["email"]})
    try:
        key, raw = ApiKey.issue(payload["email"], payload["nonce"])
    except IntegrityError:  # the same link, clicked twice at once
        return render(request, "api/keys_problem.html", {"problem": "used"}, status=410)
    return render(request, "api/keys_show.html", {"key": raw, "api_key": key})
