from django import forms

from newsletters.models import TokenFollow
from newsletters.subscriptions import subscribing
from ratings.models import Token

HONEYPOT = "homepage"
UNKNOWN_NEWSLETTER = "That newsletter does not exist or is no longer published."


class SignupForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address to sign up.",
            "invalid": "That does not look like an email address. Check it and try again.",
            "max_length": "That email address is too long.",
        },
    )
    newsletter = forms.TypedMultipleChoiceField(
        coerce=int, required=False, error_messages={"invalid_choice": UNKNOWN_NEWSLETTER}
    )
    # Set by forms that list newsletters to tick: ticking none there is a mistake, whereas a
    # box that lists none (the footer) signs up for the default newsletters.
    chosen = forms.BooleanField(required=False)
    # Hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    homepage = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].choices = [
            (pk, title) for pk, title in subscribing.live_newsletters().values_list("pk", "title")
        ]

    def is_bot(self):
        return bool(self.data.get(HONEYPOT))

    def clean(self):
        data = super().clean()
        if "newsletter" in data and not data["newsletter"]:
            if data.get("chosen"):
                raise forms.ValidationError("Tick at least one newsletter to sign up for.")
            data["newsletter"] = subscribing.default_newsletter_ids()
            if not data["newsletter"]:
                raise forms.ValidationError(
                    "There is no newsletter to sign up for yet. Please come back soon."
                )
        return data

    def first_error(self):
        for name in ("email", "newsletter", "__all__"):
            if name in self.errors:
                return self.errors[name][0]
        return next(iter(self.errors.values()))[0]


class PreferencesForm(forms.Form):
    """Which newsletters to get, which grade alerts to drop and one alert to add, saved together."""

    newsletters = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": UNKNOWN_NEWSLETTER},
    )
    remove = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "That alert has already been removed."},
    )
    token = forms.CharField(
        required=False,
        max_length=120,
        label="Token",
        help_text="Its symbol (like ETH) or its slug (like ethereum).",
    )
    grade = forms.ChoiceField(
        choices=TokenFollow.Grade.choices,
        initial=TokenFollow.Grade.TRADER,
        error_messages={"invalid_choice": "Pick the Trader Grade or the Investor Grade."},
    )
    min_change = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label="When it moves by at least (points in a day)",
        error_messages={
            "invalid": "Enter the change as a whole number of points.",
            "min_value": "The change must be at least 1 point.",
            "max_value": "The change can be at most 100 points.",
        },
    )
    level = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label="When it crosses the level",
        error_messages={
            "invalid": "Enter the level as a whole number from 1 to 100.",
            "min_value": "The level must be between 1 and 100.",
            "max_value": "The level must be between 1 and 100.",
        },
    )

    def __init__(self, *args, newsletters, follows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [(newsletter.pk, newsletter.title) for newsletter in newsletters]
        self.fields["remove"].choices = [(follow.pk, str(follow.token)) for follow in follows]

    def clean_token(self):
        query = self.cleaned_data["token"].strip()
        if not query:
            return None
        token = Token.objects.filter(slug=query.lower()).first()
        if token is not None:
            return token
        matches = list(Token.objects.filter(symbol__iexact=query).order_by("-market_cap", "slug")[:6])
        if not matches:
            raise forms.ValidationError(f"No token has the symbol or slug “{query}”. Check the spelling.")
        if len(matches) > 1:
            slugs = ", ".join(token.slug for token in matches[:5])
            raise forms.ValidationError(
                f"Several tokens trade as {query.upper()}. Enter the slug of the one you mean ({slugs})."
            )
        return matches[0]

    def clean(self):
        data = super().clean()
        has_trigger = data.get("min_change") is not None or data.get("level") is not None
        trigger_errors = "min_change" in self.errors or "level" in self.errors
        if data.get("token") and not has_trigger and not trigger_errors:
            self.add_error("min_change", "Say when to alert you: a change in points, a level, or both.")
        elif "token" in data and data["token"] is None and has_trigger:
            self.add_error("token", "Enter the token to alert you about.")
        return data

    def new_follow(self):
        data = self.cleaned_data
        if not data.get("token"):
            return None
        return subscribing.NewFollow(
            token=data["token"],
            grade=data["grade"],
            min_change=data.get("min_change"),
            level=data.get("level"),
        )
