"""Uploaded documents: only the allowed types, and always served as downloads."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db

Document = get_document_model()


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="a-long-password")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def upload(client, name, content, content_type):
    return client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": Collection.get_first_root_node().pk,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.html", b"<script>alert(document.cookie)</script>", "text/html"),
        ("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        ("feed.xml", b"<?xml version='1.0'?><x/>", "application/xml"),
        ("app.js", b"alert(1)", "text/javascript"),
    ],
)
def test_the_admin_refuses_a_document_type_a_browser_would_run(editor, name, content, content_type):
    response = upload(editor, name, content, content_type)
    assert response.status_code == 200  # the form again, with its error
    errors = response.context["form"].errors["file"]
    extension = name.rsplit(".", 1)[1]
    assert errors == [
        f"File extension “{extension}” is not allowed. Allowed extensions are: "
        "pdf, csv, txt, xlsx, docx, pptx, odt, ods, odp, zip."
    ]
    assert "is not allowed" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("method.pdf", "application/pdf"), ("grades.csv", "text/csv"), ("notes.txt", "text/plain")],
)
def test_an_allowed_document_is_uploaded_and_served_as_a_download(editor, client, name, content_type):
    response = upload(editor, name, b"%PDF-1.4 <html><script>alert(1)</script>", content_type)
    assert response.status_code == 302
    document = Document.objects.get()

    client.logout()
    served = client.get(document.url)
    assert served.status_code == 200
    assert served["Content-Type"].split(";")[0] == content_type
    assert served["Content-Disposition"].startswith("attachment; filename=")
    assert document.filename in served["Content-Disposition"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(served.streaming_content).startswith(b"%PDF-1.4")


class BucketStorage(Storage):
    """Object storage as Wagtail sees it: files have a URL elsewhere and no local path."""

    files = {}

    def _save(self, name, content):
        self.files[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.files[name], name=name)

    def exists(self, name):
        return name in self.files

    def size(self, name):
        return len(self.files[name])

    def delete(self, name):
        self.files.pop(name, None)

    def url(self, name):
        return f"https://bucket.example.com/{name}"


def test_documents_in_object_storage_still_come_through_our_view_as_downloads(settings, editor, client):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.BucketStorage"},
    }
    upload(editor, "page.txt", b"<html><script>alert(1)</script>", "text/plain")
    document = Document.objects.get()
    assert document.file.url.startswith("https://bucket.example.com/")

    client.logout()
    served = client.get(document.url)  # not a redirect to the bucket, whose headers we do not set
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment; filename=")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] == "text/plain"
