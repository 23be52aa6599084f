"""What starts when an operator forgets a variable: never the development site.

The web server's and the worker's entry points default to production settings, which
refuse to start without their secrets; `check --deploy` refuses a deployment whose email
links would not reach the site.
"""

import subprocess
import sys

import pytest
from django.conf import settings

from .test_settings import fresh_env


def run(code_or_args, settings_module=None, **variables):
    env = fresh_env(**variables)
    env.pop("DJANGO_SETTINGS_MODULE")
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("entry_point", ["research_site.wsgi", "research_site.asgi"])
def test_web_entry_points_without_settings_refuse_to_start_without_a_secret(entry_point):
    started = run(f"import {entry_point}", SECRET_KEY="")
    assert started.returncode != 0
    assert "Set SECRET_KEY in the environment." in started.stderr


@pytest.mark.parametrize("entry_point", ["research_site.wsgi", "research_site.asgi", "research_site.celery"])
def test_entry_points_without_settings_run_production_settings(entry_point):
    code = (
        f"import {entry_point}; from django.conf import settings; "
        "print(settings.SETTINGS_MODULE, settings.DEBUG, settings.EMAIL_BACKEND)"
    )
    started = run(code, ALLOWED_HOSTS="example.com", SITE_URL="https://example.com")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [
        "research_site.settings.production",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_a_worker_started_without_settings_does_not_start_on_dev_settings():
    """The worker that once 'sent' a briefing into var/mail now stops for want of a secret."""
    started = run(["-m", "celery", "-A", "research_site", "worker", "--pool=solo"], SECRET_KEY="")
    assert started.returncode != 0
    assert "Set SECRET_KEY in the environment." in started.stderr


def test_manage_py_still_picks_development_settings():
    code = "from django.conf import settings; print(settings.SETTINGS_MODULE)"
    started = run(["manage.py", "shell", "-c", code])
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == "research_site.settings.dev"


def deploy_check(**variables):
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings_module="research_site.settings.production",
        ALLOWED_HOSTS="example.com",
        **variables,
    )


@pytest.mark.parametrize("site_url", [None, "", "http://research.example.com", "https://"])
def test_deploy_check_fails_without_an_https_site_url(site_url):
    variables = {} if site_url is None else {"SITE_URL": site_url}
    checked = deploy_check(**variables)
    assert checked.returncode != 0
    assert "core.E001" in checked.stderr
    assert "SITE_URL" in checked.stderr


def test_deploy_check_passes_with_an_https_site_url():
    checked = deploy_check(SITE_URL="https://research.example.com")
    assert checked.returncode == 0, checked.stderr
