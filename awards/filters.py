"""Which votes a moderator looks at, and which a bulk void reaches: one filter for both."""

import django_filters
from django import forms
from wagtail.admin.filters import WagtailFilterSet

from awards.models import Category, Vote

# Filters that single out suspicious votes; a void "of everything matching" needs one of them.
NARROWING = ("ip_hash", "email_domain", "since", "until")
LABELS = {
    "category": "category",
    "ip_hash": "IP hash",
    "email_domain": "email domain",
    "since": "from",
    "until": "before",
    "status": "status",
}


class VoteFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            raise forms.ValidationError("The end of the time range must come after its start.")
        if data.get("email_domain"):
            data["email_domain"] = data["email_domain"].strip().lower().lstrip("@")
        if data.get("ip_hash"):
            data["ip_hash"] = data["ip_hash"].strip().lower()
        return data


def datetime_filter(label, lookup):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    return django_filters.DateTimeFilter(
        field_name="confirmed_at", lookup_expr=lookup, label=label, widget=widget
    )


class VoteFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.select_related("program"), empty_label="All categories"
    )
    ip_hash = django_filters.CharFilter(label="IP hash", max_length=64)
    email_domain = django_filters.CharFilter(label="Email domain", max_length=255)
    since = datetime_filter("Confirmed from", "gte")
    until = datetime_filter("Confirmed before", "lt")
    status = django_filters.ChoiceFilter(
        choices=[("counted", "Counted"), ("replaced", "Replaced"), ("voided", "Voided")],
        empty_label="Any",
        method="by_status",
    )

    class Meta:
        model = Vote
        fields = []
        form = VoteFilterForm

    def by_status(self, votes, name, status):
        if status == "counted":
            return votes.filter(voided_at__isnull=True, replaced_at__isnull=True)
        if status == "replaced":
            return votes.filter(voided_at__isnull=True, replaced_at__isnull=False)
        return votes.filter(voided_at__isnull=False)

    @property
    def is_bound_and_invalid(self):
        return self.is_bound and any(self.data.get(name) for name in self.filters) and not self.is_valid()

    def narrows(self):
        """Whether a valid filter singles out votes (not just a category or a status)."""
        return self.is_valid() and any(self.form.cleaned_data.get(name) for name in NARROWING)

    def describe(self):
        """The filter as the audit log records it: "filter: IP hash=1a2b, from=...". """
        parts = [f"{LABELS[name]}={value}" for name, value in self.form.cleaned_data.items() if value]
        return "filter: " + ", ".join(parts)
