"""The PostgreSQL health check (core.db.postgresql): no round trip on a quiet connection,
and a connection the server cut between requests is replaced before the next query."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health check"),
]


def admin_connection():
    """A second connection to the test database, as an operator's psql would be."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_statement(admin, pid):
    return admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def test_a_quiet_connection_is_usable_without_asking_the_server():
    assert connection.settings_dict["ENGINE"] == "core.db.postgresql"
    pid = backend_pid()
    with admin_connection() as admin:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'the last statement'")
        assert connection.is_usable()
        # The server saw no SELECT 1: its last statement is still ours.
        assert last_statement(admin, pid) == "SELECT 'the last statement'"


def test_a_connection_the_server_ended_between_requests_is_replaced():
    pid = backend_pid()
    with admin_connection() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        # The server ends its side right after; wait until it has.
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.02)
    assert not connection.is_usable()

    # What Django does when the next request starts, then its first query: it answers,
    # from a new connection.
    close_old_connections()
    assert backend_pid() != pid
