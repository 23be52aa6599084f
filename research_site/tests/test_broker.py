"""A request that queues a task is not held by a broker that is down: the publish fails
within a couple of seconds, and the caller gets the error (what it does with it is its
own business)."""

import time

import pytest
from kombu.exceptions import OperationalError

from core.tests.faults import free_port, silent_host
from research_site.celery import app

# Seconds: the 1 s connect timeout and a loaded machine (Celery's default of 4 s is over).
PROMPT = 3
pytestmark = pytest.mark.filterwarnings("ignore:task_always_eager has no effect on send_task")


def publish(broker_url):
    started = time.monotonic()
    with pytest.raises(OperationalError), app.connection_for_write(broker_url) as connection:
        app.send_task("core.tasks.publish_scheduled_pages", connection=connection)
    return time.monotonic() - started


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_a_broker_that_refuses_fails_the_publish_at_once(scheme):
    assert publish(f"{scheme}://127.0.0.1:{free_port()}//") < PROMPT


def test_a_silent_amqp_broker_fails_the_publish_within_the_connect_timeout():
    with silent_host() as port:
        assert publish(f"amqp://guest:guest@127.0.0.1:{port}//") < PROMPT


def test_a_silent_redis_broker_fails_the_publish_within_the_connect_timeout():
    with silent_host() as port:
        assert publish(f"redis://127.0.0.1:{port}/0") < PROMPT
