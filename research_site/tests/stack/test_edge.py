"""The edge cache, tested from outside: Debian's Varnish running deploy/varnish/default.vcl
in front of the production-shaped stack (varnish.py), with the app purging it
(FRONTEND_CACHE=varnish). Every request goes over HTTP through Varnish, as a reader's
would; the test that stops the app puts it back and comes last.
"""

import json
import shutil
import threading
import time
import uuid

import pytest

from research_site.tests.stack.conftest import started
from research_site.tests.stack.harness import missing_tools
from research_site.tests.stack.varnish import EdgeStack, missing_varnish

pytestmark = [pytest.mark.stack, pytest.mark.edge]

VISIBLE_WITHIN = 1.0  # seconds from a publish to its page through the edge


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    reason = missing_tools() or missing_varnish()
    if reason:
        pytest.skip(reason)
    running = EdgeStack(tmp_path_factory.mktemp("edge"))
    try:
        yield from started(running)
    finally:
        shutil.rmtree(running.folder / "varnish-work", ignore_errors=True)


@pytest.fixture(scope="module")
def article(stack):
    """(path, pk) of a published article."""
    found = json.loads(
        stack.django(
            "import json; from blog.models import ArticlePage; "
            "page = ArticlePage.objects.live().order_by('pk').last(); "
            "print(json.dumps([page.url, page.pk]))"
        ).strip().splitlines()[-1]
    )
    return found[0], found[1]


def test_a_second_anonymous_read_is_a_hit_whatever_cookies_it_carries(stack, article):
    path, _ = article
    reader = stack.edge_client()
    first = reader.get(path)
    assert first.status == 200, first
    assert first.headers["Cache-Control"].startswith("public,")
    assert "s-maxage=300" in first.headers["Cache-Control"]

    again = stack.edge_client()
    again.cookies["_ga"] = "GA1.1.42.42"  # an analytics cookie neither splits nor skips the cache
    second = again.get(path)
    assert second.status == 200
    assert second.headers["X-Cache"] == "HIT", second.headers
    assert second.body == first.body or first.headers["X-Cache"] == "HIT"
    assert second.headers.get("Set-Cookie") is None


def sign_in(stack):
    client = stack.edge_client()
    response = client.post_form("/admin/login/", {"username": "admin", "password": "admin"})
    assert response.status == 302, response
    assert "sessionid" in client.cookies
    return client


def test_the_admin_with_a_session_is_never_cached(stack):
    admin = sign_in(stack)
    answers = [admin.get("/admin/") for _ in range(2)]
    for answer in answers:
        assert answer.status == 200
        assert answer.headers["X-Cache"] == "PASS"
        assert "private" in answer.headers["Cache-Control"]
        assert "no-store" in answer.headers["Cache-Control"]
    # Nor is the page a visitor without a session gets there.
    stranger = stack.edge_client().get("/admin/")
    assert stranger.status == 302 and stranger.headers["X-Cache"] == "PASS"


def test_a_signed_in_users_page_is_not_stored(stack, article):
    path, _ = article
    fresh = f"{path}?from=edge-{uuid.uuid4().hex[:8]}"  # a URL nobody has read yet
    admin = sign_in(stack)
    theirs = admin.get(fresh)
    assert theirs.status == 200
    assert theirs.headers["X-Cache"] == "PASS"
    assert "private" in theirs.headers["Cache-Control"]
    assert "userbar" in theirs.text  # the editor's own page

    anonymous = stack.edge_client().get(fresh)
    assert anonymous.headers["X-Cache"] == "MISS"  # nothing was stored from the editor's visit
    assert "userbar" not in anonymous.text
    assert admin.get(fresh).headers["X-Cache"] == "PASS"  # nor is the anonymous copy served to them


def test_purges_are_refused_from_anywhere_but_the_app_hosts(stack, article):
    path, _ = article
    reader = stack.edge_client()
    reader.get(path)
    assert reader.get(path).headers["X-Cache"] == "HIT"

    stranger = stack.edge_client(source="127.0.0.99")
    for method in ("PURGE", "BAN"):
        refused = stranger.request(method, path)
        assert refused.status == 405, (method, refused)
    assert reader.get(path).headers["X-Cache"] == "HIT"  # nothing was dropped

    app_host = stack.edge_client(source="127.0.0.1")
    assert app_host.request("PURGE", path).status == 200
    assert reader.get(path).headers["X-Cache"] == "MISS"


def test_a_publish_is_visible_through_the_edge_within_a_second(stack, article, record_property):
    path, pk = article
    reader = stack.edge_client()
    reader.get(path)
    assert reader.get(path).headers["X-Cache"] == "HIT"
    title = f"Edge test {uuid.uuid4().hex[:8]}"

    seen = {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            answer = reader.get(path)
            if title in answer.text:
                seen["at"] = time.time()
                return
            seen["last"] = answer.headers["X-Cache"]
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        output = stack.django(
            "import time; from blog.models import ArticlePage; "
            f"page = ArticlePage.objects.get(pk={pk}); page.title = {title!r}; "
            "started = time.time(); page.save_revision().publish(); print(started, time.time())"
        )
        started, returned = map(float, output.strip().splitlines()[-1].split())
        watcher.join(timeout=10)
    finally:
        stop.set()
    assert "at" in seen, f"the new title never showed through the edge (last answer: {seen.get('last')})"
    latency = seen["at"] - started
    record_property("publish_to_visible_seconds", round(latency, 3))
    print(f"publish to visible through Varnish: {latency:.3f} s (publish: {returned - started:.3f} s)")
    assert seen.get("last") == "HIT"  # the old version was served from the edge until the purge
    assert latency < VISIBLE_WITHIN


def test_a_kept_page_is_served_stale_while_the_app_is_down(stack, article):
    path, _ = article
    reader = stack.edge_client()
    for url in (path, "/api/v1/grades/"):
        reader.get(url)
        assert reader.get(url).headers["X-Cache"] == "HIT", url
    kept = reader.get("/api/v1/grades/").body

    stack.web.stop()
    try:
        time.sleep(2)  # the API copy (EDGE_API_CACHE_SECONDS=1) is now past its s-maxage
        for wait in (0, 4):  # before and after the health probe marks the app sick
            time.sleep(wait)
            page = reader.get(path)
            assert page.status == 200, page
            api = reader.get("/api/v1/grades/")
            assert api.status == 200, api
            assert api.body == kept
            assert int(api.headers["Age"]) >= 2  # stale: served past its one second
        # What was never kept cannot be served.
        assert reader.get(f"{path}?never-read={uuid.uuid4().hex}").status == 503
    finally:
        stack.web.start()

