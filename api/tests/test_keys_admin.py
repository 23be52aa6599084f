"""API keys in the Wagtail admin: moderators find and revoke them, editors never see them,
and a revoked key is refused by the API from its next request."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from api.models import ApiKey

pytestmark = pytest.mark.django_db

KEYS = "/admin/api-keys/"


def user_in(django_user_model, group):
    user = django_user_model.objects.create_user(group.lower(), password="a-long-password")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def moderator(client, django_user_model):
    client.force_login(user_in(django_user_model, "Moderators"))
    return client


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(user_in(django_user_model, "Editors"))
    return client


@pytest.fixture
def keys(generous_limits):
    issued = {email: ApiKey.issue(email, f"nonce-{email}") for email in ("ada@example.com", "bob@lab.org")}
    return {email: (key, raw) for email, (key, raw) in issued.items()}


def listed_emails(response):
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("table.listing tbody tr")
    return [re.search(r"\S+@\S+", row.get_text(" ")).group(0) for row in rows]


def test_moderators_list_search_filter_and_sort_keys_without_ever_seeing_one(moderator, keys):
    ada, ada_raw = keys["ada@example.com"]
    bob, _ = keys["bob@lab.org"]
    listing = moderator.get(KEYS)
    assert sorted(listed_emails(listing)) == ["ada@example.com", "bob@lab.org"]
    html = listing.content.decode()
    assert f"trk_{ada.prefix}…" in html and ada_raw not in html and ada.key_hash not in html

    assert listed_emails(moderator.get(KEYS, {"q": "lab.org"})) == ["bob@lab.org"]
    assert listed_emails(moderator.get(KEYS, {"q": f"trk_{ada.prefix}"})) == ["ada@example.com"]
    assert listed_emails(moderator.get(KEYS, {"q": ada_raw})) == ["ada@example.com"]  # pasted whole

    ApiKey.revoke([bob])
    assert listed_emails(moderator.get(KEYS, {"status": "revoked"})) == ["bob@lab.org"]
    assert listed_emails(moderator.get(KEYS, {"status": "active"})) == ["ada@example.com"]
    assert listed_emails(moderator.get(KEYS, {"ordering": "email"})) == ["ada@example.com", "bob@lab.org"]
    assert listed_emails(moderator.get(KEYS, {"ordering": "-email"})) == ["bob@lab.org", "ada@example.com"]

    inspect = moderator.get(f"{KEYS}inspect/{ada.pk}/").content.decode()
    assert f"trk_{ada.prefix}…" in inspect and ada_raw not in inspect and ada.key_hash not in inspect


def test_a_revoked_key_is_refused_from_its_next_request(moderator, client, keys):
    key, raw = keys["ada@example.com"]
    assert client.get("/api/v1/tokens/", HTTP_X_API_KEY=raw).status_code == 200

    confirm = moderator.get(f"{KEYS}revoke/{key.pk}/")
    assert "Yes, revoke" in confirm.content.decode()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None  # asking changes nothing
    assert moderator.post(f"{KEYS}revoke/{key.pk}/").status_code == 302

    refused = client.get("/api/v1/tokens/", HTTP_X_API_KEY=raw)
    assert refused.status_code == 401
    error = refused.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["message"].startswith(f"This API key (trk_{key.prefix}…) was revoked on ")
    assert ApiKey.objects.filter(pk=key.pk).exists()  # kept, as the record
    assert ModelLogEntry.objects.filter(action="api.revoke_key", object_id=str(key.pk)).exists()


def test_bulk_revoke_revokes_the_selected_keys(moderator, client, keys):
    (ada, ada_raw), (bob, bob_raw) = keys["ada@example.com"], keys["bob@lab.org"]
    url = f"/admin/bulk/api/apikey/revoke/?id={ada.pk}&id={bob.pk}&next={KEYS}"
    assert "Yes, revoke" in moderator.get(url).content.decode()
    assert moderator.post(url).status_code == 302
    assert ApiKey.objects.filter(revoked_at=None).count() == 0
    for raw in (ada_raw, bob_raw):
        assert client.get("/api/v1/", HTTP_X_API_KEY=raw).status_code == 401


def test_editors_cannot_see_or_revoke_keys(editor, client, keys):
    key, raw = keys["ada@example.com"]
    for url in (KEYS, f"{KEYS}inspect/{key.pk}/", f"{KEYS}revoke/{key.pk}/"):
        assert editor.get(url).status_code in (302, 403)
    assert editor.post(f"{KEYS}revoke/{key.pk}/").status_code in (302, 403)
    assert editor.post(f"/admin/bulk/api/apikey/revoke/?id={key.pk}").status_code in (302, 403)
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
    assert "API keys" not in editor.get("/admin/").content.decode()
    assert client.get("/api/v1/", HTTP_X_API_KEY=raw).status_code == 200


def test_nobody_adds_edits_or_deletes_a_key_in_the_admin(admin_client, keys):
    key, _ = keys["ada@example.com"]
    for url in (f"{KEYS}new/", f"{KEYS}edit/{key.pk}/", f"{KEYS}delete/{key.pk}/"):
        assert admin_client.get(url).status_code in (302, 403)
    assert admin_client.post(f"{KEYS}delete/{key.pk}/").status_code in (302, 403)
    assert ApiKey.objects.filter(pk=key.pk).exists()
    assert admin_client.get(KEYS).status_code == 200  # a superuser sees and revokes, like a moderator
