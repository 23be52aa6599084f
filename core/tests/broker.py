"""The project's tasks published to a broker of the test's own (core.tests.faults.RedisServer)
instead of run eagerly."""

import contextlib

from celery import Celery, current_app


@contextlib.contextmanager
def tasks_sent_to(broker_url):
    """While inside, the project's tasks are published to ``broker_url`` (and not run in the
    test's process): an app configured from the settings, as the web process is."""
    app = Celery("broker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        # Its pooled connections stay in kombu's registry, shared with the next app that
        # names the same broker; nothing holds them open once the server is stopped.
        previous.set_current()
