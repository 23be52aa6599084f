from django import forms

HONEYPOT = "homepage"


class VoteForm(forms.Form):
    nominee = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, error_messages={"required": "Pick a nominee to vote for."}
    )
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address: we send the link that confirms your vote there.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )
    # Hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    homepage = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, nominees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = [(n.pk, n.name) for n in nominees]
        self.fields["nominee"].error_messages["invalid_choice"] = "That nominee is not in this category."

    def is_bot(self):
        return bool(self.data.get(HONEYPOT))


class VoidForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        error_messages={"required": "Say why these votes are void; the reason goes in the audit log."},
    )


class VoteFilterForm(forms.Form):
    category = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    ip_hash = forms.CharField(required=False, max_length=64, label="IP hash")
    email_domain = forms.CharField(required=False, max_length=255)
    since = forms.DateTimeField(
        required=False, label="Confirmed from", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    until = forms.DateTimeField(
        required=False, label="Confirmed before", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("counted", "Counted"), ("replaced", "Replaced"), ("voided", "Voided")],
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c.pk, str(c)) for c in categories]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            raise forms.ValidationError("The end of the time range must come after its start.")
        if data.get("email_domain"):
            data["email_domain"] = data["email_domain"].strip().lower().lstrip("@")
        if data.get("ip_hash"):
            data["ip_hash"] = data["ip_hash"].strip().lower()
        return data

    def filter(self, votes):
        data = self.cleaned_data
        if data.get("category"):
            votes = votes.filter(category_id=data["category"])
        if data.get("ip_hash"):
            votes = votes.filter(ip_hash=data["ip_hash"])
        if data.get("email_domain"):
            votes = votes.filter(email_domain=data["email_domain"])
        if data.get("since"):
            votes = votes.filter(confirmed_at__gte=data["since"])
        if data.get("until"):
            votes = votes.filter(confirmed_at__lt=data["until"])
        status = data.get("status")
        if status == "counted":
            votes = votes.filter(voided_at__isnull=True, replaced_at__isnull=True)
        elif status == "replaced":
            votes = votes.filter(voided_at__isnull=True, replaced_at__isnull=False)
        elif status == "voided":
            votes = votes.filter(voided_at__isnull=False)
        return votes

    def has_filter(self):
        return any(self.cleaned_data.get(name) for name in ("ip_hash", "email_domain", "since", "until"))

    def describe(self):
        labels = {
            "category": "category",
            "ip_hash": "IP hash",
            "email_domain": "email domain",
            "since": "from",
            "until": "before",
            "status": "status",
        }
        parts = [f"{labels[name]}={value}" for name, value in self.cleaned_data.items() if value]
        return "filter: " + ", ".join(parts)
