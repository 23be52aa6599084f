"""The API's filter backends: they refuse what they do not understand, as the schema says.

- A filter value that is malformed (a date that is not YYYY-MM-DD, a grade above 100) is a
  400 naming the parameter.
- A value that is well formed but names nothing we have (`category=nowhere`) is a 404, as
  an unknown slug in a path is: the schema cannot list every category, so a request it
  allows may still name one that does not exist.
- `ordering` takes the view's `ordering_fields`, each optionally after `-`, separated by
  commas; anything else is a 400 (DRF's own filter would quietly ignore it).
"""

import re

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter

from .errors import invalid


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and not filterset.is_valid():
            for name, errors in filterset.errors.as_data().items():
                field = filterset.filters.get(name)
                if isinstance(field, django_filters.ModelChoiceFilter) and any(
                    error.code == "invalid_choice" for error in errors
                ):
                    label = (field.label or name).lower()
                    raise NotFound(f"No {label} called '{filterset.data.get(name)}'.")
            raise translate_validation(filterset.errors)
        return filterset


def ordering_pattern(fields):
    term = "-?(?:" + "|".join(re.escape(field) for field in fields) + ")"
    return f"^{term}(?:,{term})*$"


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        asked = request.query_params.get(self.ordering_param, "")
        if asked == "":
            return self.get_default_ordering(view)
        fields = [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]
        if not re.fullmatch(ordering_pattern(fields), asked):
            choices = ", ".join(fields)
            raise invalid(
                self.ordering_param,
                f"Sort by one or more of {choices} (comma-separated; a leading - sorts descending).",
            )
        return asked.split(",")

    def get_schema_operation_parameters(self, view):
        fields = [field for field in getattr(view, "ordering_fields", None) or [] if isinstance(field, str)]
        if not fields:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "allowEmptyValue": True,
                "description": f"Sort by {', '.join(fields)}; a leading - sorts descending; several "
                f"comma-separated. Default: {view.ordering}.",
                "schema": {"type": "string", "pattern": ordering_pattern(fields)},
            }
        ]
