"""The mailbox an address reaches: what each common provider ignores, and nothing more."""

import pytest

from core.fingerprints import PROVIDERS, mailbox, normalize_email


@pytest.mark.parametrize(
    ("typed", "reaches"),
    [
        # Gmail: dots and +tags ignored; googlemail.com is gmail.com.
        ("ada@gmail.com", "ada@gmail.com"),
        ("a.d.a@gmail.com", "ada@gmail.com"),
        ("ada+1@gmail.com", "ada@gmail.com"),
        ("A.Da+awards+2@GMail.com", "ada@gmail.com"),
        ("a.da+x@googlemail.com", "ada@gmail.com"),
        # Microsoft: +tags ignored, dots are part of the name.
        ("ada+1@outlook.com", "ada@outlook.com"),
        ("a.da+news@hotmail.com", "a.da@hotmail.com"),
        ("Ada+x@Live.com", "ada@live.com"),
        ("a.da@outlook.com", "a.da@outlook.com"),
        # Yahoo: "-keyword" marks a disposable address; "+" and dots are kept.
        ("adabase-awards@yahoo.com", "adabase@yahoo.com"),
        ("ada.l@yahoo.com", "ada.l@yahoo.com"),
        ("ada+1@yahoo.com", "ada+1@yahoo.com"),
        # Apple: +tags ignored; one name on icloud.com, me.com and mac.com.
        ("ada+1@icloud.com", "ada@icloud.com"),
        ("ada+x@me.com", "ada@icloud.com"),
        ("Ada@mac.com", "ada@icloud.com"),
        ("a.da@icloud.com", "a.da@icloud.com"),
        # Fastmail: +tags ignored.
        ("ada+1@fastmail.com", "ada@fastmail.com"),
        ("a.da+1@fastmail.fm", "a.da@fastmail.fm"),
        # Proton: +tags, dots, hyphens and underscores ignored; one username on all domains.
        ("ada.love+x@proton.me", "adalove@proton.me"),
        ("ada-love@protonmail.com", "adalove@proton.me"),
        ("ada_love@protonmail.ch", "adalove@proton.me"),
        ("AdaLove@pm.me", "adalove@proton.me"),
        # Any other domain: lower-cased only; +tags, dots and hyphens may name other mailboxes.
        ("Ada.Love+awards@Example.COM", "ada.love+awards@example.com"),
        ("ada-love@university.edu", "ada-love@university.edu"),
        ("ada@gmail.com.evil.example", "ada@gmail.com.evil.example"),
        ("  Ada@Example.com ", "ada@example.com"),
        # Folding never empties a name: such addresses stay apart, not one shared voter.
        ("+x@gmail.com", "+x@gmail.com"),
        ("...@gmail.com", "...@gmail.com"),
    ],
)
def test_mailbox_folds_what_the_provider_ignores(typed, reaches):
    assert mailbox(typed) == reaches


def test_every_provider_domain_folds_to_a_provider_domain():
    for domain, (canonical, _, _) in PROVIDERS.items():
        assert canonical in PROVIDERS, domain
        assert mailbox(f"Ada@{domain.upper()}") == f"ada@{canonical}"


def test_the_stored_spelling_only_trims_and_lower_cases():
    """Newsletters and the address mail is sent to keep this spelling: +tags and dots stay."""
    assert normalize_email(" A.Da+News@GMail.com ") == "a.da+news@gmail.com"
