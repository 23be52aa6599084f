"""Log lines of a Celery task carry the task's id; a task run inside a request (eagerly)
hands the request its own id back when it ends. (Requests: test_observability_process.)"""

import logging

import pytest
from celery import shared_task

from core.observability.logs import RequestIdFilter, current_request_id

logger = logging.getLogger("core.tests.request_ids")


@shared_task(name="core.tests.log_something")
def log_something():
    logger.info("inside the task")


@pytest.fixture
def records():
    kept = []
    handler = logging.Handler(level=logging.INFO)
    handler.addFilter(RequestIdFilter())
    handler.emit = kept.append
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield kept
    logger.removeHandler(handler)


def test_a_task_logs_with_its_id_inside_a_request_that_keeps_its_own(records):
    token = current_request_id.set("request-1")
    try:
        logger.info("before the task")
        task = log_something.apply()
        logger.info("after the task")
    finally:
        current_request_id.reset(token)
    logger.info("outside any request")

    assert [(record.getMessage(), getattr(record, "request_id", None)) for record in records] == [
        ("before the task", "request-1"),
        ("inside the task", task.id),
        ("after the task", "request-1"),
        ("outside any request", None),
    ]


def test_a_failing_task_hands_the_id_back_too(records):
    @shared_task(name="core.tests.fail")
    def fail():
        logger.info("failing")
        raise RuntimeError("no")

    token = current_request_id.set("request-2")
    try:
        task = fail.apply()
        logger.info("after the failure")
    finally:
        current_request_id.reset(token)

    assert task.failed()
    assert [getattr(record, "request_id", None) for record in records] == [task.id, "request-2"]
