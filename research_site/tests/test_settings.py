"""Settings read from the environment, as an operator starting the site sees them.

Each test starts a fresh Python process on the production settings (the environment is
read once, at import), with only the variables it names set.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from research_site.settings.environment import SettingsEnv

# Kept from the calling environment; every other variable is left out, so a variable set
# in a developer's shell or in CI cannot change what these tests read.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
SECRET = "a-long-random-production-secret-" + "x9Q#" * 12

BOOLEANS = (
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "SECURE_SSL_REDIRECT",
    "NEWSLETTERS_SEND_ON_PUBLISH",
    "NEWSLETTERS_BRIEFING_AUTOPUBLISH",
)


def fresh_env(module="production", **variables):
    env = {name: value for name, value in os.environ.items() if name in KEPT}
    env.update(DJANGO_SETTINGS_MODULE=f"research_site.settings.{module}", SECRET_KEY=SECRET)
    env.update(variables)
    return env


def read_settings(*names, module="production", **variables):
    """The named settings as a fresh process on `module` reads them, through JSON."""
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", code, *names],
        cwd=settings.BASE_DIR,
        env=fresh_env(module, **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def start_up(**variables):
    """`manage.py check` on the production settings: what starting the site runs first."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=fresh_env(ALLOWED_HOSTS="example.com", **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("True", True),
        ("true", True),
        ("1", True),
        ("yes", True),
        ("False", False),
        ("false", False),
        ("0", False),
    ],
)
def test_booleans_accept_the_usual_spellings(spelling, expected):
    # Defaults differ (SECURE_SSL_REDIRECT and NEWSLETTERS_SEND_ON_PUBLISH are on), so
    # each spelling moves some of them away from their default.
    read = read_settings(*BOOLEANS, **dict.fromkeys(BOOLEANS, spelling))
    assert read == dict.fromkeys(BOOLEANS, expected)


def test_unset_variables_keep_their_documented_defaults():
    read = read_settings(
        *BOOLEANS,
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASES",
        "CACHES",
        "CELERY_BROKER_URL",
        "MEDIA_ROOT",
        "PAGE_CACHE_SECONDS",
        "FRAGMENT_CACHE_SECONDS",
        "TRUSTED_PROXY_HOPS",
        "WAGTAILADMIN_BASE_URL",
        "DEFAULT_FROM_EMAIL",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_TIMEOUT",
        "SECURE_HSTS_SECONDS",
        "LOGGING",
        "RATINGS_PROVIDER",
        "RATINGS_PROVIDER_OPTIONS",
        "RATINGS_TOKENS",
        "API_RATE_ANONYMOUS",
        "API_RATE_KEY",
        "API_CACHE_SECONDS",
        "AWARDS_RATE_PER_IP",
        "AWARDS_RATE_PER_EMAIL_DOMAIN",
        "AWARDS_RATE_PER_ADDRESS",
        "AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN",
        "AWARDS_RESULTS_CACHE_SECONDS",
        "SITE_URL",
        "NEWSLETTERS_RATE_PER_IP",
        "NEWSLETTERS_BRIEFING_HOUR",
        "NEWSLETTERS_BRIEFING_MINUTE",
        "NEWSLETTERS_EMAIL_BACKEND",
        "NEWSLETTERS_BATCH_SIZE",
        "NEWSLETTERS_CLAIM_SECONDS",
        "NEWSLETTERS_WORKERS",
        "NEWSLETTERS_PAUSE_SECONDS",
        "CELERY_BEAT_SCHEDULE",
        "ANYMAIL",
        "OUTBOX_RETRY_SECONDS",
        "CELERY_BROKER_CONNECTION_TIMEOUT",
        "CELERY_BROKER_TRANSPORT_OPTIONS",
        "CSP_EMBED_ORIGINS",
    )
    base_dir = settings.BASE_DIR
    database = read.pop("DATABASES")["default"]
    assert (database["ENGINE"], database["NAME"]) == (
        "django.db.backends.sqlite3",
        str(base_dir / "db.sqlite3"),
    )
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    # A folder of var/cache named after the database (research_site/tests/test_cache_isolation.py).
    assert Path(read.pop("CACHES")["default"]["LOCATION"]).parent == base_dir / "var" / "cache"
    assert read.pop("LOGGING")["root"]["level"] == "INFO"
    schedule = read.pop("CELERY_BEAT_SCHEDULE")
    assert schedule["resume-stalled-sends"]["schedule"] == 60.0
    assert schedule["drain-outbox"] == {"task": "core.drain_outbox", "schedule": 60.0}
    assert read == {
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "SECURE_SSL_REDIRECT": True,
        "NEWSLETTERS_SEND_ON_PUBLISH": True,
        "NEWSLETTERS_BRIEFING_AUTOPUBLISH": False,
        "ALLOWED_HOSTS": [],
        "CSRF_TRUSTED_ORIGINS": [],
        "CELERY_BROKER_URL": "",
        "MEDIA_ROOT": str(base_dir / "var" / "media"),
        "PAGE_CACHE_SECONDS": 300,
        "FRAGMENT_CACHE_SECONDS": 3600,
        "TRUSTED_PROXY_HOPS": 0,
        "WAGTAILADMIN_BASE_URL": "",
        "DEFAULT_FROM_EMAIL": "Token Research <research@localhost>",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 30,
        "SECURE_HSTS_SECONDS": 365 * 24 * 60 * 60,
        "RATINGS_PROVIDER": "demo",
        "RATINGS_PROVIDER_OPTIONS": {
            "demo": {"seed": 2024, "universe": 6400},
            "csv": {"path": ""},
            "coingecko": {
                "base_url": "https://api.coingecko.com/api/v3",
                "api_key": "",
                "requests_per_minute": 25,
            },
        },
        "RATINGS_TOKENS": 6000,
        "API_RATE_ANONYMOUS": "30/minute",
        "API_RATE_KEY": "600/minute",
        "API_CACHE_SECONDS": 300,
        "AWARDS_RATE_PER_IP": [20, 3600],
        "AWARDS_RATE_PER_EMAIL_DOMAIN": [300, 3600],
        "AWARDS_RATE_PER_ADDRESS": [5, 3600],
        "AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN": [10, 3600],
        "AWARDS_RESULTS_CACHE_SECONDS": 2,
        "SITE_URL": "",
        "NEWSLETTERS_RATE_PER_IP": [10, 3600],
        "NEWSLETTERS_BRIEFING_HOUR": 6,
        "NEWSLETTERS_BRIEFING_MINUTE": 30,
        "NEWSLETTERS_EMAIL_BACKEND": "",
        "NEWSLETTERS_BATCH_SIZE": 100,
        "NEWSLETTERS_CLAIM_SECONDS": 300,
        "NEWSLETTERS_WORKERS": 2,
        "NEWSLETTERS_PAUSE_SECONDS": 60,
        "ANYMAIL": {"WEBHOOK_SECRET": ""},
        "OUTBOX_RETRY_SECONDS": 60,
        "CELERY_BROKER_CONNECTION_TIMEOUT": 1.0,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "visibility_timeout": 6 * 60 * 60,
            "socket_connect_timeout": 1.0,
            "socket_timeout": 2.0,
        },
        "CSP_EMBED_ORIGINS": ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    }


def test_values_are_read_with_their_types():
    read = read_settings(
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASES",
        "PAGE_CACHE_SECONDS",
        "EMAIL_PORT",
        "AWARDS_RATE_PER_IP",
        "CELERY_BEAT_SCHEDULE",
        "NEWSLETTERS_BRIEFING_HOUR",
        "NEWSLETTERS_BRIEFING_MINUTE",
        "NEWSLETTERS_PAUSE_SECONDS",
        "SITE_URL",
        "LOGGING",
        "API_RATE_KEY",
        "OUTBOX_RETRY_SECONDS",
        "CELERY_BROKER_TRANSPORT_OPTIONS",
        "CONTENT_SECURITY_POLICY",
        ALLOWED_HOSTS="a.com, b.com",
        CSRF_TRUSTED_ORIGINS="https://a.com,,https://b.com,",
        DATABASE_URL="postgres://reader:pw@db.internal:5433/research",
        DB_CONN_MAX_AGE="0",
        PAGE_CACHE_SECONDS="45",
        EMAIL_PORT="587",
        AWARDS_RATE_PER_IP="7",
        NEWSLETTERS_RESUME_SECONDS="0.5",
        NEWSLETTERS_BRIEFING_TIME="7:05",
        NEWSLETTERS_PAUSE_SECONDS="90",
        SITE_URL="https://research.example.com",
        LOG_LEVEL="warning",
        API_RATE_KEY="100/hour",
        OUTBOX_RETRY_SECONDS="15",
        CELERY_BROKER_CONNECTION_TIMEOUT="0.5",
        CELERY_BROKER_SOCKET_TIMEOUT="3",
        CSP_EMBED_ORIGINS="https://video.example.com, https://player.example.org",
    )
    assert read["ALLOWED_HOSTS"] == ["a.com", "b.com"]
    assert read["CSRF_TRUSTED_ORIGINS"] == ["https://a.com", "https://b.com"]
    database = read["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"]) == (
        "core.db.postgresql",
        "db.internal",
        5433,
        "research",
    )
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (0, True)
    assert (read["PAGE_CACHE_SECONDS"], read["EMAIL_PORT"], read["AWARDS_RATE_PER_IP"]) == (
        45,
        587,
        [7, 3600],
    )
    assert read["CELERY_BEAT_SCHEDULE"]["resume-stalled-sends"]["schedule"] == 0.5
    assert (read["NEWSLETTERS_BRIEFING_HOUR"], read["NEWSLETTERS_BRIEFING_MINUTE"]) == (7, 5)
    assert read["NEWSLETTERS_PAUSE_SECONDS"] == 90
    assert read["SITE_URL"] == "https://research.example.com"
    assert read["LOGGING"]["root"]["level"] == "WARNING"
    assert read["API_RATE_KEY"] == "100/hour"
    assert read["OUTBOX_RETRY_SECONDS"] == 15
    assert read["CELERY_BEAT_SCHEDULE"]["drain-outbox"]["schedule"] == 15.0
    assert read["CELERY_BROKER_TRANSPORT_OPTIONS"] == {
        "visibility_timeout": 6 * 60 * 60,
        "socket_connect_timeout": 0.5,
        "socket_timeout": 3.0,
    }
    frame_src = read["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-src"]
    assert frame_src == ["https://video.example.com", "https://player.example.org"]


def test_secrets_starting_with_a_dollar_are_taken_as_written():
    read = read_settings(
        "SECRET_KEY",
        "EMAIL_HOST_PASSWORD",
        SECRET_KEY="$" + SECRET,
        EMAIL_HOST_PASSWORD="$ecret",
        ecret="other",
    )
    assert read == {"SECRET_KEY": "$" + SECRET, "EMAIL_HOST_PASSWORD": "$ecret"}


@pytest.mark.parametrize(
    "variable, value",
    [
        ("PAGE_CACHE_SECONDS", "abc"),
        ("EMAIL_PORT", "25.0"),
        ("NEWSLETTERS_BRIEFING_TIME", "25:99"),
        ("NEWSLETTERS_RESUME_SECONDS", "soon"),
        ("EMAIL_USE_TLS", "ture"),
        ("API_RATE_ANONYMOUS", "30 per minute"),
        ("LOG_LEVEL", "loud"),
        ("TRUSTED_PROXY_HOPS", "-1"),
        ("DATABASE_URL", "postgre://reader@db/research"),
        ("DATABASE_URL", ""),
    ],
)
def test_a_malformed_value_stops_start_up_with_a_message_naming_the_variable(variable, value):
    result = start_up(**{variable: value})

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"environment variable {variable} is malformed" in last_line


def test_well_formed_values_start_up():
    result = start_up(PAGE_CACHE_SECONDS="60", EMAIL_USE_TLS="True", NEWSLETTERS_BRIEFING_TIME="23:59")
    assert result.returncode == 0, result.stderr


# The parsing rules themselves, without a process each.


def parsed(cast, value):
    return SettingsEnv.parse_value(value, cast)


@pytest.mark.parametrize("value", ["true", "True", "TRUE", " yes ", "Y", "on", "1", "ok"])
def test_true_spellings(value):
    assert parsed(bool, value) is True


@pytest.mark.parametrize("value", ["false", "False", "no", "N", "off", "0", ""])
def test_false_spellings(value):
    assert parsed(bool, value) is False


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "-"])
def test_other_words_are_not_booleans(value):
    env = SettingsEnv()
    env.ENVIRON = {"FLAG": value}
    with pytest.raises(ImproperlyConfigured, match="FLAG is malformed: expected true or false"):
        env.bool("FLAG", default=False)


def test_floats_are_read_as_python_reads_them():
    assert parsed(float, "1e3") == 1000.0
    assert parsed(float, "2.5") == 2.5
    with pytest.raises(ValueError):
        parsed(float, "1,000")
