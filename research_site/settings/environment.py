"""Reading the environment: one `env` that every settings module reads through, with a type.

django-environ does the parsing; SettingsEnv makes it strict where a typo would otherwise
pass unnoticed, and the functions below check the few values that have a format.
"""

import ipaddress
import logging

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured


class SettingsEnv(environ.Env):
    """django-environ's Env, strict where a typo would otherwise pass unnoticed.

    - A malformed value stops start-up with ImproperlyConfigured naming the variable,
      instead of a bare ValueError (or a request-time error) deep in the code.
    - Booleans are true/false, 1/0, yes/no, on/off, y/n (any case; empty is false);
      any other word is an error rather than a silent false.
    - Lists are comma-separated; spaces around items and empty items are dropped.
    - Floats are read as Python reads them (upstream keeps only digits, "," and ".",
      so "1e3" would be 13.0: django-environ issue #664).
    - Values are taken as written: upstream reads a leading "$" as the name of another
      variable (issues #98, #415), which would swap a password such as "$ecret" for
      the default.
    """

    FALSE_STRINGS = ("false", "off", "no", "n", "0", "")
    EXPECTED = {
        bool: "true or false (also 1/0, yes/no, on/off)",
        int: "a whole number",
        float: "a number",
    }

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(var)
        try:
            if raw is not None and raw.startswith("$"):
                return self.parse_value(raw, cast)
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            reason = f"expected {self.EXPECTED[cast]}, got {raw!r}" if cast in self.EXPECTED else exc
            raise ImproperlyConfigured(f"The environment variable {var} is malformed: {reason}") from None

    @classmethod
    def parse_value(cls, value, cast):
        if isinstance(value, str):
            if cast is bool:
                word = value.strip().lower()
                if word in cls.BOOLEAN_TRUE_STRINGS or word in cls.FALSE_STRINGS:
                    return word in cls.BOOLEAN_TRUE_STRINGS
                raise ValueError(value)
            if cast is list:
                return [item.strip() for item in value.split(",") if item.strip()]
            if cast is float:
                return float(value)
        return super().parse_value(value, cast)


def time_of_day(value):
    """ "HH:MM" on a 24-hour clock, as (hour, minute)."""
    hour, colon, minute = value.strip().partition(":")
    if colon and hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
        return int(hour), int(minute)
    raise ValueError(f"expected a 24-hour time HH:MM such as 06:30, got {value!r}")


def throttle_rate(value):
    """A Django REST framework rate, "requests/period" with a period of s, m, h or d."""
    count, _, period = value.partition("/")
    if count.strip().isdigit() and period[:1] in ("s", "m", "h", "d") and "/" not in period:
        return value
    raise ValueError(f"expected requests/period such as 30/minute, got {value!r}")


def proxy_hops(value):
    """How many proxies in front of the app append to X-Forwarded-For: a whole number, 0 or more."""
    if value.strip().isdigit():
        return int(value)
    raise ValueError(f"expected the number of trusted proxies, 0 or more, got {value!r}")


def log_level(value):
    """A logging level name such as INFO or WARNING (any case)."""
    if value.strip().upper() in logging.getLevelNamesMapping():
        return value.strip().upper()
    raise ValueError(f"expected a level such as DEBUG, INFO, WARNING or ERROR, got {value!r}")


def log_format(value):
    """How log lines look: json (one JSON object a line) or text."""
    if value.strip().lower() in ("json", "text"):
        return value.strip().lower()
    raise ValueError(f"expected json or text, got {value!r}")


def ip_networks(value):
    """Comma-separated addresses or networks (127.0.0.1, ::1, 10.0.0.0/8), as networks."""
    networks = []
    for item in value.split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                expected = "IP addresses or networks such as 10.0.0.0/8"
                raise ValueError(f"expected {expected}, got {item.strip()!r}") from None
    return networks


def share(value):
    """A fraction from 0 to 1, such as 0.05."""
    fraction = float(value)
    if 0.0 <= fraction <= 1.0:
        return fraction
    raise ValueError(f"expected a number from 0 to 1, got {value!r}")


def database(url, conn_max_age):
    """A database URL as Django's DATABASES entry, through dj-database-url."""
    if not url:
        raise ValueError("it is empty; leave it unset for SQLite or give a URL such as postgres://host/name")
    database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that skips the round trip on a quiet connection.
        database["ENGINE"] = "core.db.postgresql"
    return database


# Every environment variable is read through this one object, with its type.
env = SettingsEnv()
