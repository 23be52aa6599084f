"""Real faults for tests: a redis-server of the test's own (cache or broker) that it can stop,
hang and start again, a server that takes connections and never answers, and a host that
takes no connection (on loopback, nothing leaves the machine)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import redis


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server on a free loopback port, without persistence, in ``folder`` (a new
    temporary folder by default)."""

    def __init__(self, folder=None):
        self.folder = folder or tempfile.mkdtemp(prefix="redis-")
        self.port = free_port()
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(  # noqa: S603 - the installed binary, our own arguments
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self, keep_data=False):
        """Down: the port refuses connections. What Redis held is gone, unless ``keep_data``:
        then it is snapshotted first and back on the next start, as with a Redis that
        persists, or one cut off by the network rather than stopped."""
        if self.process and self.process.poll() is None:
            self.resume()
            if keep_data:
                self.client().save()
            self.process.terminate()
            self.process.wait(timeout=10)

    def hang(self):
        """Hung: connections are taken by the kernel, but nothing answers; data is kept."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def queued(self):
        """How many task messages wait in Celery's default queue."""
        return self.client().llen("celery")


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
def silent_host():
    """A loopback port whose listener never accepts and whose queue is full: a connection
    attempt waits for an answer that never comes, like a host behind a firewall that drops."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)  # takes the one queue place
    try:
        yield port
    finally:
        filler.close()
        listener.close()
