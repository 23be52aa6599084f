"""Sponsorship enquiries from the media kit's contact form, mailed to the editors through
the outbox (core.outbox), so a mail server or broker that is down neither loses one nor
fails the enquirer's request.

Who receives them: the SPONSORS_ENQUIRY_EMAIL address when it is set, otherwise every
active user in the Editors group who has an email address.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from core import outbox
from sponsors.models import Package

logger = logging.getLogger(__name__)

ENQUIRY_EMAIL = "sponsors.enquiry"  # its kind in the outbox
EDITORS_GROUP = "Editors"
HONEYPOT = "homepage"
NOT_SURE = ""


class EnquiryForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Your name",
        error_messages={
            "required": "Tell us your name.",
            "max_length": "Keep your name under 120 characters.",
        },
    )
    email = forms.EmailField(
        max_length=254,
        label="Your work email",
        error_messages={
            "required": "Enter an email address we can answer.",
            "invalid": "That does not look like an email address. Check it and try again.",
            "max_length": "That email address is too long.",
        },
    )
    company = forms.CharField(
        max_length=120, required=False, label="Company or project",
        error_messages={"max_length": "Keep the company name under 120 characters."},
    )
    package = forms.ChoiceField(
        required=False, label="Package",
        error_messages={"invalid_choice": "That package is not on offer; choose one from the list."},
    )
    message = forms.CharField(
        min_length=20,
        max_length=3000,
        label="What would you like to promote, and when?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Tell us what you would like to promote.",
            "min_length": "Say a little more (at least 20 characters) so we can answer usefully.",
            "max_length": "Keep the message under 3,000 characters; we can talk about the rest.",
        },
    )
    # Hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    homepage = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = [(NOT_SURE, "Not sure yet")] + [
            (name, name) for name in Package.objects.values_list("name", flat=True)
        ]

    def is_bot(self):
        return bool(self.data.get(HONEYPOT))

    def first_error(self):
        for errors in self.errors.values():
            return errors[0]
        return ""


def recipients():
    """The addresses that receive enquiries: SPONSORS_ENQUIRY_EMAIL, else the active Editors,
    else (no editor has an address) the active superusers; empty only with nobody to tell."""
    if settings.SPONSORS_ENQUIRY_EMAIL:
        return [settings.SPONSORS_ENQUIRY_EMAIL]
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    for who in (users.filter(groups__name=EDITORS_GROUP), users.filter(is_superuser=True)):
        addresses = sorted(set(who.values_list("email", flat=True)))
        if addresses:
            return addresses
    return []


def send(data):
    """Keep one enquiry email per recipient in the outbox; returns how many."""
    to = recipients()
    if not to:
        logger.error("A sponsorship enquiry from %s has no recipient: set SPONSORS_ENQUIRY_EMAIL or give an "
                     "editor or a superuser an email address.", data["email"])
    params = {key: data[key] for key in ("name", "email", "company", "package", "message")}
    for address in to:
        outbox.send(ENQUIRY_EMAIL, address, **params)
    return len(to)


def enquiry_email(to, name, email, company, package, message):
    """The outbox's composer for enquiries: replying answers the enquirer."""
    who = f"{name} ({company})" if company else name
    return outbox.Email(
        subject=f"Sponsorship enquiry from {who}"[:200],
        text=(
            "A sponsorship enquiry came in through the media kit (/advertise/).\n\n"
            f"Name: {name}\nEmail: {email}\nCompany: {company or '-'}\n"
            f"Package: {package or 'Not sure yet'}\n\n{message}\n\n"
            "Reply to this email to answer them."
        ),
        headers={"Reply-To": email},
    )
