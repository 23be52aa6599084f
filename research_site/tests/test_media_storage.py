"""Uploads in S3-compatible object storage, so web servers need no shared disk.

The bucket is a real S3 API server on a free local port (moto's server mode, in its own
process); the site talks to it over HTTP through django-storages and boto3, as it would to
AWS, MinIO or R2. The server's access log tells which requests it received.
"""

import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from blog.tests.factories import ArticlePageFactory, body
from core import security
from core.tests.faults import silent_host

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

Image = get_image_model()
Document = get_document_model()
Rendition = Image.get_rendition_model()
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}
REQUEST_LINE = re.compile(r'"(?:\x1b\[[0-9;]*m)*([A-Z]+) (\S+) HTTP/[0-9.]+')


class S3Server:
    """moto's S3 API server in a process of its own, and what its access log says it received."""

    def __init__(self, folder):
        self.log = Path(folder) / "moto.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        deadline = time.monotonic() + 30
        while not (found := re.search(r"Running on http://127\.0\.0\.1:(\d+)", self.log.read_text())):
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)
        self.endpoint = f"http://127.0.0.1:{found[1]}"
        self.client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", **CREDENTIALS)

    def requests(self, bucket):
        """(method, path) of every request the server has answered for ``bucket``."""
        seen = REQUEST_LINE.findall(self.log.read_text(errors="replace"))
        return [(method, path) for method, path in seen if path.lstrip("/").startswith(bucket)]

    def keys(self, bucket):
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


def use_bucket(settings, server, **overrides):
    """A new, empty bucket on the server, with the settings the site reads when
    AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL are set; returns its name."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    server.client.create_bucket(Bucket=name)
    values = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_SESSION_TOKEN": None,
        "AWS_LOCATION": "",
        "AWS_S3_CUSTOM_DOMAIN": None,
        **overrides,
    }
    for setting, value in values.items():
        setattr(settings, setting, value)
    # Changing STORAGES makes Django drop the storages it built (django.test.signals).
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    security.media_origin.cache_clear()
    # The policy an operator applies, as `manage.py media_bucket_policy` prints it.
    policy = StringIO()
    call_command("media_bucket_policy", stdout=policy)
    server.client.put_bucket_policy(Bucket=name, Policy=policy.getvalue())
    return name


@pytest.fixture
def bucket(settings, s3_server):
    yield use_bucket(settings, s3_server)
    security.media_origin.cache_clear()


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="a-long-password")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def png(width=320, height=180, color="teal"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def upload_image(client, name="chart.png", content=None):
    response = client.post(
        "/admin/images/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content or png(), content_type="image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Image.objects.latest("pk")


def upload_document(client, name, content):
    response = client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.latest("pk")


def files_under(folder):
    """Every file below ``folder`` (MEDIA_ROOT), relative to it."""
    return sorted(str(path.relative_to(folder)) for path in Path(folder).rglob("*") if path.is_file())


def policy(response):
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def fetch(url):
    """GET ``url`` as a browser would: no credentials, no signature."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - our local server
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, b""


def test_an_image_uploaded_in_the_admin_goes_to_the_bucket_not_the_disk(settings, s3_server, bucket, editor):
    image = upload_image(editor, "grades-chart.png")

    assert image.file.name.startswith("original_images/grades-chart")
    assert s3_server.keys(bucket) == [image.file.name]
    stored = s3_server.client.get_object(Bucket=bucket, Key=image.file.name)
    assert PillowImage.open(stored["Body"]).size == (320, 180)
    assert (image.width, image.height) == (320, 180)
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_second_upload_with_the_same_name_keeps_the_first(s3_server, bucket, editor):
    first = upload_image(editor, "chart.png", png(color="red"))
    second = upload_image(editor, "chart.png", png(color="blue"))

    assert first.file.name != second.file.name
    assert s3_server.keys(bucket) == sorted([first.file.name, second.file.name])
    for image, color in ((first, (255, 0, 0)), (second, (0, 0, 255))):
        stored = s3_server.client.get_object(Bucket=bucket, Key=image.file.name)["Body"]
        assert PillowImage.open(stored).convert("RGB").getpixel((0, 0)) == color


def test_a_page_shows_its_images_from_the_bucket_with_plain_cacheable_urls(
    client, settings, s3_server, bucket, editor, blog_index
):
    image = upload_image(editor, "cover.png")
    article = ArticlePageFactory(parent=blog_index, cover_image=image)
    editor.logout()

    response = client.get(article.url)
    assert response.status_code == 200
    src = BeautifulSoup(response.content, "html.parser").select_one("img.cover-image")["src"]
    assert src.startswith(f"{s3_server.endpoint}/{bucket}/images/cover")
    assert "?" not in src  # unsigned: the same URL for every reader, so it can be cached
    rendition_key = src.split(f"/{bucket}/", 1)[1]
    assert rendition_key in s3_server.keys(bucket)
    assert files_under(settings.MEDIA_ROOT) == []

    status, headers, content = fetch(src)
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"] == "public, max-age=86400"
    assert PillowImage.open(io.BytesIO(content)).width == 320  # width-1200 never enlarges
    # Only renditions are public: the original (and any document) is not, at the same address.
    assert fetch(f"{s3_server.endpoint}/{bucket}/{image.file.name}")[0] == 403
    # The Content-Security-Policy lets the page load images from the bucket's origin.
    assert policy(response)["img-src"] == ["'self'", "data:", s3_server.endpoint]


def test_a_page_seen_again_asks_the_bucket_nothing(client, s3_server, bucket, editor, blog_index):
    cover, figure = upload_image(editor, "cover.png"), upload_image(editor, "figure.png")
    article = ArticlePageFactory(
        parent=blog_index,
        cover_image=cover,
        body=body(("image", {"image": figure.pk, "alt_text": "A chart", "caption": "", "source": ""})),
    )
    editor.logout()

    before = len(s3_server.requests(bucket))
    first = client.get(article.url)
    made = s3_server.requests(bucket)[before:]
    assert [path for method, path in made if method == "PUT"] == [  # the renditions, made once
        f"/{bucket}/{rendition.file.name}" for rendition in Rendition.objects.order_by("pk")
    ]

    before = len(s3_server.requests(bucket))
    again = client.get(article.url)
    assert again.status_code == 200 and first.status_code == 200
    assert again.content == first.content
    assert s3_server.requests(bucket)[before:] == []  # no HEAD, GET or PUT per image or per view


def test_behind_a_cdn_images_point_at_its_domain_and_the_policy_allows_it(
    client, settings, s3_server, editor, blog_index
):
    bucket = use_bucket(settings, s3_server, AWS_S3_CUSTOM_DOMAIN="media.research.example")
    image = upload_image(editor, "cover.png")
    article = ArticlePageFactory(parent=blog_index, cover_image=image)
    editor.logout()

    response = client.get(article.url)
    src = BeautifulSoup(response.content, "html.parser").select_one("img.cover-image")["src"]
    assert src.startswith("https://media.research.example/images/cover")
    assert urlsplit(src).path.lstrip("/") in s3_server.keys(bucket)
    assert policy(response)["img-src"] == ["'self'", "data:", "https://media.research.example"]
    security.media_origin.cache_clear()


def test_a_document_goes_to_the_bucket_and_leaves_through_our_view_as_a_download(
    client, settings, s3_server, bucket, editor
):
    content = b"token,grade\nBTC,81\n" * 2000  # larger than one read of the stream
    document = upload_document(editor, "grades.csv", content)
    assert document.file.name.startswith("documents/grades")
    assert s3_server.keys(bucket) == [document.file.name]
    assert files_under(settings.MEDIA_ROOT) == []
    editor.logout()

    served = client.get(document.url)
    assert document.url == f"/documents/{document.pk}/{document.filename}"
    assert served.status_code == 200  # streamed by Wagtail's view, not a redirect to the bucket
    assert served["Content-Disposition"].startswith(f"attachment; filename={document.filename}")
    assert served["Content-Type"] == "text/csv"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Length"] == str(len(content))
    assert b"".join(served.streaming_content) == content
    assert fetch(f"{s3_server.endpoint}/{bucket}/{document.file.name}")[0] == 403  # never directly


def test_an_unreachable_bucket_fails_an_upload_in_seconds_not_minutes(settings, s3_server):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    use_bucket(settings, s3_server)
    with silent_host() as port:  # takes no connection: a bucket behind a dropping firewall
        settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{port}"
        settings.STORAGES = {**settings.STORAGES}  # storages rebuilt with the new endpoint
        started = time.monotonic()
        with pytest.raises(Exception, match="(?i)connect"):
            default_storage.save("original_images/lost.png", ContentFile(png()))
    assert time.monotonic() - started < 15  # two tries of 2 s to connect; botocore's default: 60 s each


def test_without_a_bucket_uploads_stay_on_the_local_disk(settings, editor):
    image = upload_image(editor, "cover.png")
    document = upload_document(editor, "grades.csv", b"token,grade\n")

    assert settings.AWS_STORAGE_BUCKET_NAME == ""
    assert files_under(settings.MEDIA_ROOT) == sorted([image.file.name, document.file.name])
    assert image.file.url == f"/media/{image.file.name}"


def test_the_demo_loads_its_images_into_the_bucket(client, settings, s3_server, bucket):
    call_command("load_demo", stdout=StringIO())

    originals = [image.file.name for image in Image.objects.all()]
    assert len(originals) >= 3
    assert set(originals) <= set(s3_server.keys(bucket))
    assert files_under(settings.MEDIA_ROOT) == []
    home = client.get("/")
    assert home.status_code == 200
    # Every picture, not the sponsor slot's 1-pixel view counter.
    pictures = BeautifulSoup(home.content, "html.parser").select("img:not(.promo-pixel)")
    sources = [img["src"] for img in pictures]
    assert sources and all(src.startswith(f"{s3_server.endpoint}/{bucket}/images/") for src in sources)


AWS_DEFAULTS = {
    "AWS_STORAGE_BUCKET_NAME": "",
    "AWS_S3_ENDPOINT_URL": None,
    "AWS_S3_REGION_NAME": None,
    "AWS_LOCATION": "",
    "AWS_ACCESS_KEY_ID": None,  # the SDK's own chain: an instance or task role
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_S3_CUSTOM_DOMAIN": None,
}


@pytest.mark.parametrize("module", ["production", "dev"])
def test_the_bucket_variable_switches_uploads_to_object_storage(module):
    from research_site.tests.test_settings import read_settings

    unset = read_settings("STORAGES", *AWS_DEFAULTS, module=module)
    assert unset.pop("STORAGES")["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert unset == AWS_DEFAULTS
    read = read_settings(
        "STORAGES",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_CUSTOM_DOMAIN",
        "AWS_QUERYSTRING_AUTH",
        "AWS_S3_FILE_OVERWRITE",
        module=module,
        AWS_STORAGE_BUCKET_NAME="research-media",
        AWS_S3_ENDPOINT_URL="https://account.r2.cloudflarestorage.com",
        AWS_S3_CUSTOM_DOMAIN="media.research.example",
    )
    assert read == {
        "STORAGES": {
            "default": {"BACKEND": "storages.backends.s3.S3Storage"},
            "staticfiles": read["STORAGES"]["staticfiles"],
        },
        "AWS_S3_ENDPOINT_URL": "https://account.r2.cloudflarestorage.com",
        "AWS_S3_CUSTOM_DOMAIN": "media.research.example",
        "AWS_QUERYSTRING_AUTH": False,
        "AWS_S3_FILE_OVERWRITE": False,
    }


def test_the_deploy_check_stays_clean_with_a_bucket(settings):
    from research_site.tests.test_settings import fresh_env

    result = subprocess.run(  # noqa: S603 - our interpreter, our arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=fresh_env(
            ALLOWED_HOSTS="research.example.com",
            SITE_URL="https://research.example.com",
            AWS_STORAGE_BUCKET_NAME="research-media",
            AWS_S3_CUSTOM_DOMAIN="media.research.example",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_bucket_policy_command_says_when_there_is_no_bucket(settings):
    settings.AWS_STORAGE_BUCKET_NAME = ""
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME is not set"):
        call_command("media_bucket_policy", stdout=StringIO())


def test_the_bucket_policy_opens_only_the_renditions_under_the_location(settings):
    settings.AWS_STORAGE_BUCKET_NAME, settings.AWS_LOCATION = "research-media", "staging"
    out = StringIO()
    call_command("media_bucket_policy", stdout=out)
    (statement,) = json.loads(out.getvalue())["Statement"]
    assert statement["Principal"] == "*" and statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == "arn:aws:s3:::research-media/staging/images/*"
