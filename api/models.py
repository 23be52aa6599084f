import hashlib
import secrets

from django.db import models

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
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API key"

    def __str__(self):
        return f"{KEY_PREFIX}_{self.prefix}… ({self.email})"

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
        key = cls.objects.filter(prefix=parts[1], revoked=False).first()
        if key is None or not secrets.compare_digest(key.key_hash, hash_key(raw_key)):
            return None
        return key
