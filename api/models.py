import hashlib
import secrets

from django.db import models
from django.utils import timezone

KEY_PREFIX = "trk"


def hash_key(raw_key):
    # Keys are 256-bit random strings, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A free API key. Only its hash is stored; the key itself is shown once."""

    email = models.EmailField()
    prefix = models.CharField(
        max_length=12, unique=True, help_text="Identifies the key in logs and support mail."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # The verification link that made this key; unique, so one link makes one key.
    link_nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A revoked key stays, as the record of who had it; the API refuses it from then on.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        permissions = [("revoke_apikey", "Can revoke API keys")]

    def __str__(self):
        return f"{self.key_prefix()} ({self.email})"

    def key_prefix(self):
        """How a key is named anywhere but its owner's screen: its first part, never the key."""
        return f"{KEY_PREFIX}_{self.prefix}…"

    key_prefix.short_description = "Key"
    key_prefix.admin_order_field = "prefix"

    @classmethod
    def revoke(cls, keys):
        """Revoke those of ``keys`` still active, at once; return them."""
        active = [key for key in keys if key.revoked_at is None]
        now = timezone.now()
        cls.objects.filter(pk__in=[key.pk for key in active], revoked_at=None).update(revoked_at=now)
        for key in active:
            key.revoked_at = now
        return active

    @classmethod
    def issue(cls, email, link_nonce):
        """Create a key; return (ApiKey, the raw key to show once)."""
        prefix = secrets.token_hex(4)
        raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = cls.objects.create(email=email, prefix=prefix, key_hash=hash_key(raw), link_nonce=link_nonce)
        return key, raw

    @classmethod
    def find(cls, raw_key):
        parts = raw_key.split("_")
        if len(parts) < 3 or parts[0] != KEY_PREFIX:
            return None
        key = cls.objects.filter(prefix=parts[1]).first()
        if key is None or not secrets.compare_digest(key.key_hash, hash_key(raw_key)):
            return None
        return key  # revoked or not: the caller says which
