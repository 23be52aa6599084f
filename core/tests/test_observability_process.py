"""Error reports and log lines as an operator gets them: each test runs one request in a
fresh process on the production settings (core.tests.observability_probe), since both are
set up once, when a process starts."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.db import connection

from core.tests.faults import free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the fresh process reads the test database over PostgreSQL"
    ),
]

KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")


def probe(method, path, tmp_path, headers=(), **variables):
    """One request in a fresh production process: (its answer, its log lines as text)."""
    database = connection.settings_dict
    env = {name: value for name, value in os.environ.items() if name in KEPT}
    env.update(
        DJANGO_SETTINGS_MODULE="research_site.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x9Q#" * 12,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        CACHE_DIR=str(tmp_path / "cache"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(variables)
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "core.tests.observability_probe", method, path, *headers],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


class SentryIngest:
    """A stand-in for Sentry's ingestion endpoint on a free loopback port: keeps every
    envelope posted to /api/<project>/envelope/, decompressed."""

    def __init__(self, project="42"):
        self.envelopes = []
        ingest = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path.startswith(f"/api/{project}/envelope/"):
                    ingest.envelopes.append(body.decode())
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.dsn = f"http://publickey@127.0.0.1:{self.server.server_port}/{project}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        """Every item of every envelope, as JSON, headers included."""
        lines = [line for envelope in self.envelopes for line in envelope.splitlines()]
        return [json.loads(line) for line in lines if line.strip()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sentry():
    ingest = SentryIngest()
    yield ingest
    ingest.close()


def test_an_error_in_a_view_reaches_sentry_without_the_visitors_email(sentry, tmp_path):
    answer, _ = probe(
        "POST", "/probe/fail?email=ada%40example.com", tmp_path,
        headers=["X-Request-ID=probe-request-1"],
        SENTRY_DSN=sentry.dsn, SENTRY_ENVIRONMENT="staging", SENTRY_RELEASE="abc123",
    )

    assert answer["status"] == 500
    assert sentry.envelopes, "no envelope reached the Sentry endpoint"
    events = [item for item in sentry.events() if item.get("exception")]
    assert len(events) == 1
    event = events[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "Probe failure while signing up [email]"
    assert event["environment"] == "staging"
    assert event["release"] == "abc123"
    assert event["tags"]["request_id"] == "probe-request-1"
    everything = "\n".join(sentry.envelopes)
    assert "ada@example.com" not in everything
    assert "ada%40example.com" not in everything.lower()
    assert "hello" not in json.dumps(event.get("request", {}))  # the form body is never sent


def test_without_a_dsn_nothing_is_sent(sentry, tmp_path):
    answer, _ = probe("POST", "/probe/fail", tmp_path)

    assert answer["status"] == 500
    assert sentry.envelopes == []


def json_lines(stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines
    return [json.loads(line) for line in lines]  # each line is one JSON object, or this fails


def test_every_log_line_of_a_request_is_json_with_the_proxys_request_id(tmp_path):
    answer, stderr = probe("GET", "/probe/log", tmp_path, headers=["X-Request-ID=7f3c2a9e-nginx.id:1"])

    assert answer["headers"]["X-Request-ID"] == "7f3c2a9e-nginx.id:1"
    records = json_lines(stderr)
    mine = [record for record in records if record["logger"] == "core.tests.probe"]
    assert [record["message"] for record in mine] == [
        "Probe view handling /probe/log", "Probe view caught a problem",
    ]
    for record in mine:
        assert record["request_id"] == "7f3c2a9e-nginx.id:1"
        assert {"timestamp", "level", "logger", "message", "request_id"} <= record.keys()
    assert mine[0]["level"] == "INFO" and "exception" not in mine[0]
    assert mine[1]["level"] == "ERROR"
    assert "ValueError: a handled problem" in mine[1]["exception"]


@pytest.mark.parametrize(
    "forged",
    ["x" * 500, "<script>alert(1)</script>", "id with spaces", ""],
    ids=["long", "markup", "spaces", "empty"],
)
def test_a_forged_request_id_is_replaced_by_a_new_one(tmp_path, forged):
    answer, stderr = probe("GET", "/probe/log", tmp_path, headers=[f"X-Request-ID={forged}"])

    request_id = answer["headers"]["X-Request-ID"]
    assert request_id != forged
    assert len(request_id) == 32 and int(request_id, 16) >= 0  # a uuid4 hex
    mine = [record for record in json_lines(stderr) if record["logger"] == "core.tests.probe"]
    assert {record["request_id"] for record in mine} == {request_id}


def test_a_500_is_logged_as_json_with_its_traceback_and_request_id(tmp_path):
    answer, stderr = probe("GET", "/probe/fail", tmp_path)

    errors = [record for record in json_lines(stderr) if record["logger"] == "django.request"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == answer["headers"]["X-Request-ID"]
    assert "RuntimeError: Probe failure" in errors[0]["exception"]


def test_text_logs_when_asked(tmp_path):
    answer, stderr = probe("GET", "/probe/log", tmp_path, LOG_FORMAT="text")

    line = next(line for line in stderr.splitlines() if "Probe view handling" in line)
    request_id = answer["headers"]["X-Request-ID"]
    assert f"INFO core.tests.probe [{request_id}] Probe view handling /probe/log" in line


def test_readyz_names_a_database_that_is_down(tmp_path):
    answer, stderr = probe(
        "GET", "/readyz", tmp_path,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nothing", READYZ_TIMEOUT_SECONDS="3",
    )

    assert answer["status"] == 503
    assert json.loads(answer["body"])["down"] == ["database"]
    records = json_lines(stderr)
    warnings = [record["message"] for record in records if record["logger"] == "core.observability.health"]
    assert any(message.startswith("Readiness: database is down") for message in warnings)
