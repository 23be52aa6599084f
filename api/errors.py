"""One error body for every API failure:

{"error": {"status": 400, "code": "invalid", "message": "...", "details": {...}}}
"""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def _first_message(detail):
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key in ("detail", "non_field_errors") else f"{key}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def error_body(status, code, message, details=None):
    body = {"status": status, "code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="A stable reason for machines: `invalid`, `not_found`...")
    message = serializers.CharField(help_text="What went wrong, in a sentence for people.")
    details = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="For invalid parameters: each parameter's name and its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer of the API."""

    error = ErrorDetailSerializer()


def invalid(parameter, message):
    """A 400 naming the parameter, in the shape django-filter's errors take."""
    return exceptions.ValidationError({parameter: [message]})


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    code = codes if isinstance(codes, str) else "invalid"
    details = detail if isinstance(detail, dict) and set(detail) != {"detail"} else None
    message = _first_message(detail)
    if response.status_code == 429 and getattr(exc, "wait", None):
        message = f"Too many requests: try again in {math.ceil(exc.wait)} seconds."
    response.data = error_body(response.status_code, code, message, details)
    return response


def not_found(request, *args, **kwargs):
    return JsonResponse(
        error_body(404, "not_found", f"No API endpoint at {request.path}. The index is at /api/v1/."),
        status=404,
    )


def page_not_found(request, message):
    """The site's 404 handler hands us every 404 under /api/, whoever raised it."""
    message = message or f"Nothing at {request.path}. The index is at /api/v1/."
    return JsonResponse(error_body(404, "not_found", message), status=404)
