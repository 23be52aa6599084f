"""The OpenAPI schema as a contract: what each operation accepts and every way it answers.

`AutoSchema` (DEFAULT_SCHEMA_CLASS) adds to each operation of /api/v1/ what drf-spectacular
cannot see by itself, read from the view so that a new endpoint gets it without a word:

- error answers, each with the one error body (api.errors.ErrorSerializer): 400 when the
  operation takes query parameters (each is validated), 401 when it reads API keys (an
  unknown or revoked key), 404 when a path names something, a cursor pages or a filter
  names a row, 429 when it is throttled (with Retry-After); a view adds its own with
  `error_responses = {403: "why"}`;
- filter parameters bounded as their form fields validate them (minimum and maximum,
  maxLength, the choices' own type), and every optional query parameter marked
  allowEmptyValue, since an empty value means "not given" to every filter.
"""

import django_filters
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from .errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "A parameter is malformed or out of range; `error.details` names each one with its messages.",
    401: "The API key sent is unknown or revoked (no key at all is fine: the anonymous limit applies).",
    404: "Nothing here: an unknown slug, a cursor this API did not hand out, or a filter value "
    "(such as a category) that names nothing.",
    429: "Too many requests from this client or key; try again after Retry-After seconds.",
}
NO_NUL = "^[^\\u0000]*$"
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer", "minimum": 0}, "description": "Seconds to wait."}
}


def only_public_api(endpoints, **kwargs):
    """The schema documents /api/v1/ only, not Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class AutoSchema(SpectacularAutoSchema):
    def _filterset_filters(self):
        filterset_class = getattr(self.view, "filterset_class", None)
        return filterset_class.base_filters if filterset_class else {}

    def _get_parameters(self):
        parameters = super()._get_parameters()
        filters = self._filterset_filters()
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            field = filters.get(parameter["name"])
            if field is not None:
                bound_by_filter(parameter["schema"], field)
        return parameters

    def error_statuses(self):
        statuses = {}
        parameters = self._get_parameters()
        if any(p["in"] == "query" for p in parameters):
            statuses[400] = ERROR_DESCRIPTIONS[400]
        if self.view.authentication_classes:
            statuses[401] = ERROR_DESCRIPTIONS[401]
        filters = self._filterset_filters().values()
        names_something = (
            any(p["in"] == "path" or p["name"] == "cursor" for p in parameters)
            or any(isinstance(f, django_filters.ModelChoiceFilter) for f in filters)
        )
        if names_something:
            statuses[404] = ERROR_DESCRIPTIONS[404]
        if self.view.throttle_classes:
            statuses[429] = ERROR_DESCRIPTIONS[429]
        statuses.update(getattr(self.view, "error_responses", {}))
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status, description in sorted(self.error_statuses().items()):
            code = str(status)
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=description)
                responses[code] = self._get_response_for_code(response, code, direction=direction)
            if status == 429:
                responses[code].setdefault("headers", {}).update(RETRY_AFTER)
        return responses


def bound_by_filter(schema, field):
    """Bounds the schema of one filter's parameter as its form field validates it."""
    extra = field.extra
    plain_choices = not isinstance(field, django_filters.ModelChoiceFilter)
    if isinstance(field, django_filters.ChoiceFilter) and plain_choices:
        choices = [value for value, _label in extra.get("choices", [])]
        if choices and all(isinstance(value, str) for value in choices):
            schema.clear()
            schema.update({"type": "string", "enum": choices})
    if "min_value" in extra:
        schema["minimum"] = extra["min_value"]
    if "max_value" in extra:
        schema["maximum"] = extra["max_value"]
    if "max_length" in extra:
        schema["maxLength"] = extra["max_length"]
    if schema.get("type") == "string" and not {"enum", "format"} & set(schema):
        schema["pattern"] = NO_NUL  # Django's form fields refuse a NUL character
