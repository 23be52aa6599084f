"""Two app hosts behind one nginx and one Varnish, sharing nothing but network services.

Each host has a folder of its own, as a separate machine has its own disk: its working
directory, MEDIA_ROOT, STATIC_ROOT (collected on each), CACHE_DIR, TMPDIR and
PROMETHEUS_MULTIPROC_DIR; and its own gunicorn, Celery worker and mail relay (the mail
server each host's EMAIL_PORT names, so the messages a host's workers sent can be told
apart). What they share goes over the network: one PostgreSQL database, one Redis (cache,
rate limits, Celery broker), one S3 API server (moto's server mode, on a free port) for
uploads and renditions, and Varnish, which both purge (VARNISH_PURGE_URLS). nginx hands
requests to the two gunicorns in turn (round robin) and names the one that answered in an
X-Upstream header. One Celery beat, on host A. Host A's processes keep the one-host
stack's names (gunicorn, celery-worker, smtp); host B's end in -b.
"""

import importlib.util
import shutil

import boto3

from research_site.tests.stack.harness import PYTHON, ROOT, Client, MailServer, Service, free_port, port_open
from research_site.tests.stack.varnish import EdgeStack

BUCKET = "media"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "stack-key", "AWS_SECRET_ACCESS_KEY": "stack-secret"}
# What each host keeps on its own disk: setting, folder.
HOST_FOLDERS = {
    "MEDIA_ROOT": "media",
    "STATIC_ROOT": "static",
    "CACHE_DIR": "cache",
    "TMPDIR": "tmp",  # uploads in progress (Django's temporary files)
    "PROMETHEUS_MULTIPROC_DIR": "metrics",
}


def missing_s3_server():
    """Why moto's S3 server cannot run here, or None."""
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        return "moto's server mode not installed: pip install -r requirements-dev.txt (moto[server])"
    return None


def host_settings(folder):
    """The environment that gives a host `folder` as its own disk (created empty)."""
    for name in HOST_FOLDERS.values():
        (folder / name).mkdir(parents=True)
    return {setting: str(folder / name) for setting, name in HOST_FOLDERS.items()}


class TwoHostStack(EdgeStack):
    def __init__(self, folder):
        super().__init__(folder)
        self.ports.update(gunicorn_b=free_port(), smtp_b=free_port(), s3=free_port())
        self.s3_endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.env.update(
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=self.s3_endpoint,
            AWS_S3_REGION_NAME="us-east-1",
            **S3_CREDENTIALS,
            # Four sending tasks a send, batches of ten: the four worker processes take some each.
            NEWSLETTERS_WORKERS="4",
            NEWSLETTERS_BATCH_SIZE="10",
            PYTHONPATH=str(ROOT),  # the code, imported from each host's own working directory
        )
        self.host_folders = {"a": folder / "host-a", "b": folder / "host-b"}
        self.env.update(host_settings(self.host_folders["a"]))  # shared by reference with host A's services
        self.env_b = {
            **self.env,
            **host_settings(self.host_folders["b"]),
            "EMAIL_PORT": str(self.ports["smtp_b"]),
        }
        for service in (self.web, self.worker, self.beat):
            service.cwd = self.host_folders["a"]

        self.s3 = Service(
            "s3",
            [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.ports["s3"])],
            folder,
            env=self.env,
            ready=lambda: port_open(self.ports["s3"]),
        )
        self.mail_b = MailServer(folder, self.ports["smtp_b"], self.env_b, name="smtp-b")
        home_b = self.host_folders["b"]
        self.web_b = self._gunicorn("gunicorn-b", self.ports["gunicorn_b"], self.env_b, home_b)
        self.worker_b = self._celery_worker("celery-worker-b", f"{self.database}-b", self.env_b, home_b)
        self.services[:0] = [self.s3]
        self.services[-1:-1] = [self.mail_b, self.web_b, self.worker_b]  # before Varnish
        self.app[:0] = [self.mail_b, self.web_b, self.worker_b]
        self.upstreams.append(self.ports["gunicorn_b"])

    def start(self):
        self.s3.start()
        self.bucket().create_bucket(Bucket=BUCKET)
        super().start()  # load_demo puts the demo's images in the bucket
        # Renditions public, originals and documents not: the policy an operator applies.
        self.bucket().put_bucket_policy(Bucket=BUCKET, Policy=self.manage("media_bucket_policy"))

    def _collect_static(self):
        collect_b = self._manage_in_background(
            "collectstatic", "--noinput", env=self.env_b, log_name="collectstatic-b"
        )
        return {**super()._collect_static(), "collectstatic-b": collect_b}

    def close(self):
        super().close()
        for folder in (*self.host_folders.values(), self.folder / "varnish-work"):
            shutil.rmtree(folder, ignore_errors=True)

    # --- Using it ---

    def bucket(self):
        """A boto3 client of the S3 server, with the hosts' credentials."""
        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def host_client(self, host, source=None):
        """Straight to host `host` ("a" or "b"), past nginx, with the X-Forwarded-Proto nginx
        adds; from a loopback address of its own unless `source` is given."""
        port = self.ports["gunicorn" if host == "a" else "gunicorn_b"]
        return Client(port, source or self.new_address(), headers={"X-Forwarded-Proto": "https"})

    def published_article(self):
        """(path, pk) of the newest published article."""
        url_path, pk = self.sql(
            "SELECT p.url_path, p.id FROM wagtailcore_page p JOIN blog_articlepage a ON a.page_ptr_id = p.id "
            "WHERE p.live ORDER BY p.id DESC LIMIT 1"
        )[0]
        return "/" + url_path.split("/", 2)[2], pk  # a url_path starts with the site root's slug

    def host_of(self, response):
        """Which host ("a" or "b") answered a request that came through nginx."""
        port = int(response.headers["X-Upstream"].rsplit(":", 1)[1])
        return {self.ports["gunicorn"]: "a", self.ports["gunicorn_b"]: "b"}[port]

    def relays(self):
        """Each host's mail relay: {"a": MailServer, "b": MailServer}."""
        return {"a": self.mail, "b": self.mail_b}

    def files_on(self, host):
        """Every file in host `host`'s MEDIA_ROOT, relative to it."""
        media = self.host_folders[host] / "media"
        return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())
