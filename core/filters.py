"""Strict filters for the pages and the API: each accepts exactly what the API schema says
it accepts, so a value the schema forbids is refused (400) instead of silently ignored.

An empty value still means "no filter", as everywhere in django-filter (the schema marks
these parameters allowEmptyValue).
"""

import datetime
import re

import django_filters
from django import forms

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDateField(forms.DateField):
    """YYYY-MM-DD only: the one date format the API documents (RFC 3339 full-date)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if ISO_DATE.fullmatch(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
        raise forms.ValidationError("Enter a valid date as YYYY-MM-DD.", code="invalid")


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class StrictBooleanField(forms.Field):
    """`true` or `false` (empty: no filter); anything else is an error, not "no filter"."""

    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[value]
        except (KeyError, TypeError):
            raise forms.ValidationError("Enter true or false.", code="invalid") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField
