"""The open image and the click redirect: public, answered without waiting on the database.

A token that is not ours (tampered, truncated, made up) or a link number the send does not
have gets the site's 404 page. No cookie is set and nothing is cached: the answers are
under /email/, which core.edge marks ``private, no-store``. The same two answers also come
from newsletters.analytics.wsgi, which serves them ahead of the middleware.
"""

import base64
import logging

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from newsletters.analytics import recording, tracking
from newsletters.models import TrackingEvent

logger = logging.getLogger(__name__)

# A transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def take_in(kind, send_id, delivery_id, link, method, user_agent):
    event = recording.new_event(kind, send_id, delivery_id, link, method, user_agent)
    try:
        recording.take_in(event)
    except Exception:
        # Neither Redis nor the database would take it: the reader still gets the image or
        # the page they asked for.
        logger.exception("Tracking event lost: %s", event)


def record_open(token, method, user_agent):
    """True once the open is taken in; False for a token that is not ours."""
    try:
        send_id, delivery_id = tracking.read_delivery_token(token)
    except tracking.BadToken:
        return False
    take_in(TrackingEvent.Kind.OPEN, send_id, delivery_id, None, method, user_agent)
    return True


def record_click(token, link, method, user_agent):
    """The link's URL once the click is taken in; None for a token that is not ours or a
    link the send does not have."""
    try:
        send_id, delivery_id = tracking.read_delivery_token(token)
    except tracking.BadToken:
        return None
    url = tracking.links_of(send_id).get(link)
    if url is not None:
        take_in(TrackingEvent.Kind.CLICK, send_id, delivery_id, link, method, user_agent)
    return url


def no_referrer(response):
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD"])
def open_image(request, token):
    if not record_open(token, request.method, request.headers.get("User-Agent", "")):
        raise Http404("No such tracking image.")
    return no_referrer(HttpResponse(PIXEL, content_type="image/gif"))


@require_http_methods(["GET", "HEAD"])
def click(request, token, link):
    url = record_click(token, link, request.method, request.headers.get("User-Agent", ""))
    if url is None:
        raise Http404("No such link in this newsletter.")
    return no_referrer(HttpResponseRedirect(url))
