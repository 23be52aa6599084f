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
        label="Reason (goes in the audit log)",
        max_length=255,
        error_messages={"required": "Say why these votes are void; the reason goes in the audit log."},
    )
