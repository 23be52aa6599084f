"""Error reports to Sentry, switched on by SENTRY_DSN (production settings call ``init``).

We hold subscribers' and voters' email addresses, so reports carry as little personal data
as still lets someone fix the bug: no cookies, users or IP addresses (send_default_pii off),
no request bodies, no local variables of stack frames, and every email address left in
what remains (an exception's message, a URL, a log line kept as a breadcrumb) is replaced
with "[email]" before the event leaves the process.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

# An address as typed, or percent-encoded in a URL or form body (ada%40example.com).
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
REDACTED = "[email]"


def scrub(value):
    """``value`` with every email address in every string replaced, keys included."""
    if isinstance(value, str):
        return EMAIL.sub(REDACTED, value)
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    return value


def before_send(event, hint):
    return scrub(event)


def init(dsn, environment, release, traces_sample_rate):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=lambda crumb, hint: scrub(crumb),
    )
