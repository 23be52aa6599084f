from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiKey


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>` or `X-API-Key: <key>`; no key means anonymous."""

    keyword = "Api-Key"

    def authenticate(self, request):
        raw = request.META.get("HTTP_X_API_KEY", "")
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not raw and header.startswith(f"{self.keyword} "):
            raw = header[len(self.keyword) + 1 :]
        raw = raw.strip()
        if not raw:
            return None
        # Looked up on every request, never cached: a revoked key is refused from the next one.
        key = ApiKey.find(raw)
        if key is None:
            raise exceptions.AuthenticationFailed("Unknown API key. Get a free key at /api/keys/.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                f"This API key ({key.key_prefix()}) was revoked on {key.revoked_at:%Y-%m-%d}. "
                "Get a new key at /api/keys/."
            )
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}
