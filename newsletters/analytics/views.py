"""The open image and the click redirect: public, answered without waiting on the database.

A token that is not ours (tampered, truncated, made up) or a link number the send does not
have gets the site's 404 page. No cookie is set and nothing is cached: the answers are
under /email/, which core.edge marks ``private, no-store``.
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


def take_in(request, kind, send_id, delivery_id, link=None):
    event = recording.new_event(
        kind, send_id, delivery_id, link, request.method, request.headers.get("User-Agent", "")
    )
    try:
        recording.take_in(event)
    except Exception:
        # Neither Redis nor the database would take it: the reader still gets the image or
        # the page they asked for.
        logger.exception("Tracking event lost: %s", event)


def no_referrer(response):
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD"])
def open_image(request, token):
    try:
        send_id, delivery_id = tracking.read_delivery_token(token)
    except tracking.BadToken:
        raise Http404("No such tracking image.") from None
    take_in(request, TrackingEvent.Kind.OPEN, send_id, delivery_id)
    return no_referrer(HttpResponse(PIXEL, content_type="image/gif"))


@require_http_methods(["GET", "HEAD"])
def click(request, token, link):
    try:
        send_id, delivery_id = tracking.read_delivery_token(token)
    except tracking.BadToken:
        raise Http404("No such link.") from None
    url = tracking.links_of(send_id).get(link)
    if url is None:
        raise Http404("No such link in this newsletter.")
    take_in(request, TrackingEvent.Kind.CLICK, send_id, delivery_id, link)
    return no_referrer(HttpResponseRedirect(url))
