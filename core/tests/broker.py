"""A Celery broker of the test's own: a real redis-server on a free port that a test can
stop and start again, and the project's tasks published to it instead of run eagerly."""

import contextlib
import shutil
import socket
import subprocess
import threading
import time

import pytest
from celery import Celery, current_app


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BIND = ("--bind", "127.0.0.1")


class RedisServer:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.skip("needs redis-server")
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [self.binary, "--port", str(self.port), *BIND, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def queued(self):
        """How many task messages wait in Celery's default queue."""
        with socket.create_connection(("127.0.0.1", self.port), 2) as sock:
            sock.sendall(b"LLEN celery\r\n")
            return int(sock.recv(64).strip().lstrip(b":"))


class SilentServer:
    """A TCP server that accepts connections and never says a word: a hung broker."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.sock.accept()[0])

    def close(self):
        for connection in self.accepted:
            connection.close()
        self.sock.close()


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
