import pytest
from django.core import mail
from django.urls import clear_url_caches, reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_mail(settings, tmp_path):
    """DEBUG on with mail written to files, as `make run` does."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    import importlib

    import research_site.urls

    clear_url_caches()
    importlib.reload(research_site.urls)
    yield tmp_path
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(research_site.urls)


def test_caught_mail_is_listed_and_its_links_can_be_followed(client, dev_mail):
    mail.send_mail("Confirm your vote", "Follow http://127.0.0.1:8000/confirm/abc/", None, ["v@example.com"])

    inbox = client.get(reverse("dev_mail_inbox"))
    assert inbox.status_code == 200
    name = next(dev_mail.glob("*.log")).name
    assert name in inbox.content.decode()

    message = client.get(reverse("dev_mail_message", args=[name]))
    assert message.status_code == 200
    assert '<a href="http://127.0.0.1:8000/confirm/abc/"' in message.content.decode()


def test_only_files_in_the_mail_folder_can_be_read(client, dev_mail):
    assert client.get("/dev/mail/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/dev/mail/no-such-message.log").status_code == 404
