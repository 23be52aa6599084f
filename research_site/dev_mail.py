"""Development only: read the mail that Django's file back end caught in var/mail/.

Mounted at /dev/mail/ when DEBUG is on, so a newcomer can follow the links in
confirmation emails without an SMTP server.
"""

from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import path


def _mail_dir():
    return Path(settings.EMAIL_FILE_PATH)


def inbox(request):
    files = sorted(_mail_dir().glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)
    return render(request, "dev_mail/inbox.html", {"files": [f.name for f in files[:200]]})


def message(request, name):
    file = _mail_dir() / name
    if file.parent != _mail_dir() or not file.is_file():
        raise Http404("No such message file.")
    return render(request, "dev_mail/message.html", {"name": name, "text": file.read_text(errors="replace")})


urls = [path("", inbox, name="dev_mail_inbox"), path("<str:name>", message, name="dev_mail_message")]
