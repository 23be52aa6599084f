"""A production-shaped stack, started by the tests themselves.

nginx (Debian's) proxies to gunicorn running the production settings, on a PostgreSQL
database of the stack's own, with a Redis of its own (cache and Celery broker), a Celery
worker and beat, and an aiosmtpd mail server. Every server listens on a free loopback
port and keeps its files (logs, media, static files, caches) in one folder, so nothing is
shared with `make run` or with another test run; the settings come from environment
variables only, as an operator would give them.

Tests talk to it as a visitor would (Client: plain HTTP through nginx, from any loopback
address) and break it as an operator might (stop Redis or the mail server, start it
again on the same port).
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from email import message_from_string, policy
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
HERE = Path(__file__).resolve().parent
HOST = "stack.test"  # the public host name: the Host header nginx passes on, and SITE_URL's
POSTGRES_URL = os.environ.get("STACK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Kept from the calling environment; nothing else leaks in (a developer's DATABASE_URL or
# EMAIL_BACKEND must not change what the stack runs).
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
MAIL_DELAY = 0.03  # seconds the mail server takes over each message: a send lasts long enough to cut

# The stack's settings, as environment variables. Small limits and short retry periods
# make each behaviour show within seconds.
SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "research_site.settings.production",
    "ALLOWED_HOSTS": HOST,
    "SITE_URL": f"https://{HOST}",
    "TRUSTED_PROXY_HOPS": "1",  # nginx
    "EMAIL_TIMEOUT": "5",
    "LOG_LEVEL": "INFO",
    "RATINGS_TOKENS": "120",  # a small demo market: the stack starts in seconds
    "API_RATE_ANONYMOUS": "20/minute",
    "NEWSLETTERS_RATE_PER_IP": "5",
    "NEWSLETTERS_SEND_ON_PUBLISH": "false",  # issues go out from the admin's Send button
    "NEWSLETTERS_RESUME_SECONDS": "2",
    "NEWSLETTERS_PAUSE_SECONDS": "3",
    "OUTBOX_RETRY_SECONDS": "2",
}


def migrated_template_name():
    """The name of a migrated, empty stack database for exactly these migrations and pins."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("*/migrations/*.py"), ROOT / "requirements.txt"]):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return f"stack_migrated_{digest.hexdigest()[:16]}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def nginx_binary():
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def missing_tools():
    """Why the stack cannot start here, or None."""
    if not nginx_binary():
        return "nginx not installed: apt-get install nginx (or `make stack-tools`)"
    if not shutil.which("redis-server"):
        return "redis-server not installed: apt-get install redis-server (or `make stack-tools`)"
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0]
        return f"PostgreSQL not reachable at {POSTGRES_URL} (set STACK_POSTGRES_URL): {reason}"
    return None


def wait_until(condition, timeout, what, service=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if service is not None and not service.running:
            raise RuntimeError(f"{service.name} exited while waiting for {what}:\n{service.tail()}")
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def tail(path, lines=40):
    if not path.exists():
        return f"({path.name}: no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Service:
    """One server process that the stack can stop and start again on the same port."""

    def __init__(
        self, name, argv, folder, env=None, ready=None, timeout=60, stop_signal=signal.SIGTERM, cwd=ROOT
    ):
        self.name, self.argv, self.env, self.ready, self.timeout = name, argv, env, ready, timeout
        self.cwd = cwd
        self.stop_signal = stop_signal
        self.log = folder / f"{name}.log"
        self.process = None
        self.stopping = False

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def start(self, wait=True):
        assert not self.running, f"{self.name} is already running"
        self.stopping = False
        with self.log.open("a") as log:
            log.write(f"--- start {time.strftime('%H:%M:%S')}\n")
            log.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our own programs and arguments
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so its children go with it
            )
        if wait:
            self.wait_ready()

    def wait_ready(self):
        if self.ready is not None:
            wait_until(self.ready, self.timeout, f"{self.name} to answer", self)

    def stop(self, timeout=20):
        if not self.running:
            return
        self.signal_stop()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):  # workers the parent left behind
            os.killpg(self.process.pid, signal.SIGKILL)

    def signal_stop(self):
        """Ask it to stop (once), without waiting."""
        if self.running and not self.stopping:
            self.process.send_signal(self.stop_signal)
            self.stopping = True

    def tail(self, lines=40):
        return tail(self.log, lines)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.text[:200]!r}>"


class Client:
    """A visitor: plain HTTP from one loopback address (any of 127/8 works on Linux), with
    its own cookies. `forwarded_for` sends an X-Forwarded-For header of the client's making;
    `headers` go with every request (what a proxy in front would add)."""

    def __init__(self, port, source="127.0.0.1", host=HOST, headers=None):
        self.port, self.source, self.host = port, source, host
        self.headers = headers or {}
        self.cookies = {}

    def request(self, method, path, form=None, headers=None, forwarded_for=None, timeout=30, files=None):
        """`files` ({field: (file name, bytes, content type)}) sends `form` and them as
        multipart/form-data, as a browser uploads."""
        sent = {"Host": self.host, "User-Agent": "stack-test", **self.headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if forwarded_for is not None:
            sent["X-Forwarded-For"] = forwarded_for
        body = None
        if files:
            body, sent["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, form, **kwargs):
        return self.request("POST", path, form=form, **kwargs)

    def post_form(self, path, form, files=None, **kwargs):
        """Submit the form on the page at `path` as a browser would: with its CSRF token, and
        the Origin and Referer of the https site."""
        html = self.get(path, **kwargs).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token, f"no CSRF token on {path}"
        headers = {"Origin": f"https://{self.host}", "Referer": f"https://{self.host}{path}"}
        form = {**form, "csrfmiddlewaretoken": token.group(1)}
        return self.request("POST", path, form=form, files=files, headers=headers, **kwargs)


def multipart(form, files):
    """(body, Content-Type) of a multipart/form-data request carrying `form` and `files`."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in form.items()
    ]
    for name, (filename, content, content_type) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n")
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class MailServer(Service):
    """aiosmtpd in its own process (smtp_sink.py); each message it accepted is a file."""

    def __init__(self, folder, port, env, name="smtp"):
        self.folder, self.port = folder / name.replace("smtp", "mail"), port
        argv = [PYTHON, str(HERE / "smtp_sink.py"), "--port", str(port), "--folder", str(self.folder),
                "--delay", str(MAIL_DELAY)]
        super().__init__(name, argv, folder, env=env, ready=lambda: port_open(port))

    def stop(self, timeout=20):
        super().stop(timeout)
        wait_until(lambda: not port_open(self.port), 10, "the mail server's port to close")

    def messages(self):
        """[(recipients, parsed message)] in the order they were accepted."""
        found = []
        for path in sorted(self.folder.glob("*.json")):
            record = json.loads(path.read_text())
            found.append((record["to"], message_from_string(record["data"], policy=policy.default)))
        return found

    def received(self):
        """How many messages each address received."""
        return Counter(address for recipients, _ in self.messages() for address in recipients)

    def to(self, address):
        return [message for recipients, message in self.messages() if address in recipients]


class Stack:
    def __init__(self, folder):
        self.folder = folder
        self.ports = {name: free_port() for name in ("nginx", "gunicorn", "redis", "smtp")}
        self.database = f"stack_{secrets.token_hex(4)}"
        parts = urlsplit(POSTGRES_URL)
        self.database_url = urlunsplit(parts._replace(path=f"/{self.database}"))
        self.env = {name: value for name, value in os.environ.items() if name in KEPT}
        self.env.update(SETTINGS)
        self.env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://127.0.0.1:{self.ports['redis']}/0",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.ports["smtp"]),
            MEDIA_ROOT=str(folder / "media"),
            STATIC_ROOT=str(folder / "static"),
            CACHE_DIR=str(folder / "cache"),
        )
        self._next_address = 10

        redis_dir = folder / "redis"
        redis_dir.mkdir()
        self.redis = Service(
            "redis",
            ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(redis_dir), "--daemonize", "no"],
            folder,
            ready=self._redis_answers,
        )
        self.mail = MailServer(folder, self.ports["smtp"], self.env)
        self.web = self._gunicorn("gunicorn", self.ports["gunicorn"], self.env)
        self.worker = self._celery_worker("celery-worker", self.database, self.env)
        self.beat = Service(
            "celery-beat",
            [PYTHON, "-m", "celery", "-A", "research_site", "beat", "--loglevel=INFO",
             "-s", str(folder / "celerybeat-schedule")],
            folder,
            env=self.env,
        )
        self.nginx_conf = folder / "nginx.conf"
        self.nginx = Service(
            "nginx",
            [nginx_binary(), "-p", str(folder), "-c", str(self.nginx_conf),
             "-e", str(folder / "nginx-error.log")],
            folder,
            ready=lambda: self._answers(self.ports["nginx"]),
        )
        self.services = [self.redis, self.mail, self.web, self.worker, self.beat, self.nginx]
        self.app = [self.web, self.worker, self.beat, self.nginx]  # started once the database is ready
        self.upstreams = [self.ports["gunicorn"]]  # the app hosts nginx spreads requests over

    def _gunicorn(self, name, port, env, cwd=ROOT):
        return Service(
            name,
            [PYTHON, "-m", "gunicorn", "research_site.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"],
            self.folder,
            env=env,
            ready=lambda: self._answers(port, {"X-Forwarded-Proto": "https"}),
            stop_signal=signal.SIGINT,  # quick shutdown: no request is left to finish
            cwd=cwd,
        )

    def _celery_worker(self, name, node, env, cwd=ROOT):
        worker = Service(
            name,
            [PYTHON, "-m", "celery", "-A", "research_site", "worker", "--loglevel=INFO", "--concurrency=2",
             "-n", f"{node}@%h"],
            self.folder,
            env=env,
            cwd=cwd,
        )
        worker.ready = lambda: " ready." in worker.log.read_text(errors="replace")
        return worker

    # --- Starting and stopping ---

    def start(self):
        self.redis.start(wait=False)
        self.mail.start(wait=False)
        from_template = self._create_database()
        preparing = {"migrate": self._manage_in_background("migrate", "--noinput"), **self._collect_static()}
        for name, process in preparing.items():
            if process.wait(300):
                raise RuntimeError(f"manage.py {name} failed:\n{tail(self.folder / f'{name}.log')}")
        if not from_template:
            self._keep_as_template()
        self.redis.wait_ready()
        self.manage("load_demo", "--users")  # admin/admin, editor/editor, moderator/moderator
        self._write_nginx_conf()
        for service in self.app:
            service.start(wait=False)
        for service in (self.mail, *self.app):
            service.wait_ready()

    def close(self):
        for service in reversed(self.services):  # all at once: each takes a few seconds
            service.signal_stop()
        for service in reversed(self.services):
            service.stop()
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        for bulky in ("media", "static", "cache"):  # the logs stay, for a look after a failure
            shutil.rmtree(self.folder / bulky, ignore_errors=True)

    def _create_database(self):
        """Create the stack's database, as a copy of a migrated one when an earlier stack left
        one for these migrations (the next migrate then has nothing to do); returns whether
        it did."""
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            template = migrated_template_name()
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
            if found:
                connection.execute(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')
            else:
                connection.execute(f'CREATE DATABASE "{self.database}"')
            # A throwaway database need not wait for the disk at each commit (a crash of the
            # test machine is not what is under test); migrate and load_demo go twice as fast.
            connection.execute(f'ALTER DATABASE "{self.database}" SET synchronous_commit TO off')

    def _keep_as_template(self):
        """Copy the just-migrated database (nothing else is connected yet) for the next
        stacks, under a name that changes with any migration or requirement; copies made for
        other migrations are dropped."""
        import psycopg

        template = migrated_template_name()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            stale = connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'stack_migrated_%%' AND datname <> %s",
                [template],
            ).fetchall()
            for (name,) in stale:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            building = f"{template}_{secrets.token_hex(3)}"  # renamed only once complete
            connection.execute(f'CREATE DATABASE "{building}" TEMPLATE "{self.database}"')
            try:
                connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            except psycopg.errors.DuplicateDatabase:  # another run kept one first
                connection.execute(f'DROP DATABASE "{building}"')

    def _collect_static(self):
        """{log name: process} collecting the static files into each app host's STATIC_ROOT."""
        return {"collectstatic": self._manage_in_background("collectstatic", "--noinput")}

    def _manage_in_background(self, *args, env=None, log_name=None):
        log = (self.folder / f"{log_name or args[0]}.log").open("w")
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def manage(self, *args, timeout=300):
        """Run a manage.py command in the stack's environment; its output."""
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def django(self, code):
        """Run Python code in the stack's environment (manage.py shell); what it printed."""
        return self.manage("shell", "-c", code)

    def _write_nginx_conf(self):
        temp = self.folder / "nginx-temp"
        temp.mkdir(exist_ok=True)
        # As root, nginx's workers would drop to "nobody", who cannot enter a private temp folder.
        user = "user root;" if os.geteuid() == 0 else ""
        upstreams = " ".join(f"server 127.0.0.1:{port};" for port in self.upstreams)
        self.nginx_conf.write_text(
            f"""
{user}
daemon off;
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {self.folder}/nginx-access.log;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    types {{
        image/jpeg jpg jpeg; image/png png; image/gif gif; image/webp webp; application/pdf pdf;
    }}
    default_type application/octet-stream;
    upstream django {{ {upstreams} }}  # round robin
    server {{
        listen 127.0.0.1:{self.ports["nginx"]};
        server_name {HOST};
        client_max_body_size 20m;
        # Uploaded images straight from disk; documents only through Django's view, which
        # serves each as a download (a stored .html or .svg must never render here).
        location /media/documents/ {{ return 404; }}
        location /media/ {{ alias {self.folder}/media/; }}
        location / {{
            proxy_pass http://django;
            proxy_redirect off;
            proxy_read_timeout 30s;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Request-ID $request_id;
            add_header X-Upstream $upstream_addr always;  # which app host answered
        }}
    }}
}}
"""
        )

    def route_to(self, ports):
        """Send nginx's requests to these gunicorns from now on (a graceful reload)."""
        self.upstreams = list(ports)
        self._write_nginx_conf()
        self.nginx.process.send_signal(signal.SIGHUP)

    def _redis_answers(self):
        address = ("127.0.0.1", self.ports["redis"])
        with contextlib.suppress(OSError), socket.create_connection(address, 0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    def _answers(self, port, headers=None):
        with contextlib.suppress(OSError, http.client.HTTPException):
            return Client(port).get("/healthz", headers=headers, timeout=2).status == 200
        return False

    # --- Using it ---

    def client(self, source=None):
        """A visitor through nginx, from a loopback address no other client of this stack has."""
        return Client(self.ports["nginx"], source or self.new_address())

    def new_address(self):
        """A loopback address no other client of this stack has."""
        self._next_address += 1
        return f"127.0.0.{self._next_address - 1}"

    def direct_client(self):
        """Straight to gunicorn, past nginx."""
        return Client(self.ports["gunicorn"])

    def sql(self, query, params=()):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    def log_tails(self, lines=30):
        names = [service.log for service in self.services] + [self.folder / "nginx-error.log"]
        return "\n\n".join(f"== {path.name}\n{tail(path, lines)}" for path in names)
