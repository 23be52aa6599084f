"""Changes empty the edge once they commit (core.edge), and an edge that is down or hangs
never fails the editor's change. The edge here is a real HTTP server on a free port that
records what it is sent, as Varnish would receive it."""

import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import override_settings
from wagtail.contrib.frontend_cache.utils import purge_url_from_cache

from blog.tests.factories import ArticleIndexPageFactory, ArticlePageFactory, CategoryFactory
from research_site.settings.base import frontend_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Runs what the change left for its commit (the test's own transaction never commits)."""
    return django_capture_on_commit_callbacks


class RecordingEdge:
    """An HTTP server answering 200 to anything, remembering (method, Host, path)."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 - HTTP method names
                received.append((self.command, self.headers["Host"], self.path))
                self.send_response(200)
                self.end_headers()

            do_BAN = do_PURGE  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def edges(settings):
    """Two Varnish nodes, as FRONTEND_CACHE=varnish with two VARNISH_PURGE_URLS would set."""
    nodes = [RecordingEdge(), RecordingEdge()]
    backends = {}
    for number, node in enumerate(nodes, 1):
        backends[f"varnish-{number}"] = {"BACKEND": "core.edge.VarnishBackend", "LOCATION": node.url}
    settings.WAGTAILFRONTENDCACHE = backends
    settings.SITE_URL = "https://research.example"
    yield nodes
    for node in nodes:
        node.close()


def bans(node):
    return [(host, path) for method, host, path in node.received if method == "BAN"]


def test_publishing_empties_every_edge_node_once_it_commits(edges, blog_index, on_commit):
    article = ArticlePageFactory(parent=blog_index, title="First")
    for node in edges:
        node.received.clear()

    article.title = "Second"
    with on_commit(execute=False) as callbacks:
        article.save_revision().publish()
    assert all(node.received == [] for node in edges)  # nothing before the commit

    for callback in callbacks:
        callback()
    for node in edges:
        assert ("research.example", "/") in bans(node)
        assert ("localhost", "/") in bans(node)  # the Wagtail site's own host name
        # ...and Wagtail's own purge of the page's URL.
        assert ("PURGE", "localhost", article.url) in node.received


def test_unpublishing_and_moving_empty_the_edge(edges, blog_index, django_capture_on_commit_callbacks):
    article = ArticlePageFactory(parent=blog_index)
    second_index = ArticleIndexPageFactory(parent=blog_index.get_parent(), slug="elsewhere")
    for action in (lambda: article.unpublish(), lambda: article.move(second_index, pos="last-child")):
        for node in edges:
            node.received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        for node in edges:
            assert ("research.example", "/") in bans(node)


def test_snippet_saves_and_deletes_empty_the_edge(edges, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        category = CategoryFactory(name="DeFi")
    assert ("research.example", "/") in bans(edges[0])

    for node in edges:
        node.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Decentralised finance"
        category.save()
    assert ("research.example", "/") in bans(edges[1])

    for node in edges:
        node.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        category.delete()
    assert ("research.example", "/") in bans(edges[0])


def test_a_change_rolled_back_purges_nothing(edges, db):
    with pytest.raises(RuntimeError), transaction.atomic():
        CategoryFactory(name="Never saved")
        raise RuntimeError("the editor's save failed")
    time.sleep(0.2)
    assert edges[0].received == [] and edges[1].received == []


def test_an_edge_that_is_down_or_hangs_never_fails_the_change(settings, blog_index, caplog, on_commit):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{closed.getsockname()[1]}"
    hanging = socket.socket()  # accepts connections (the kernel's backlog) but never answers
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(8)
    settings.WAGTAILFRONTENDCACHE = {
        "down": {"BACKEND": "core.edge.VarnishBackend", "LOCATION": down, "TIMEOUT": 0.5},
        "hanging": {
            "BACKEND": "core.edge.VarnishBackend",
            "LOCATION": f"http://127.0.0.1:{hanging.getsockname()[1]}",
            "TIMEOUT": 0.5,
        },
    }
    try:
        article = ArticlePageFactory(parent=blog_index, title="Before")
        article.title = "After"
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="core.edge"), on_commit(execute=True):
            article.save_revision().publish()
        took = time.monotonic() - started
    finally:
        hanging.close()

    article.refresh_from_db()
    assert article.title == "After" and article.live
    assert took < 5, took  # each purge gives up after its TIMEOUT
    failures = [record.getMessage() for record in caplog.records if record.name == "core.edge"]
    assert any("BAN" in message and down.removeprefix("http://") in message for message in failures)
    assert any("timed out" in message for message in failures), failures


def test_wagtails_own_purges_wait_for_the_commit(edges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge_url_from_cache("https://research.example/articles/x/")
    assert edges[0].received == []
    for callback in callbacks:
        callback()
    assert ("PURGE", "research.example", "/articles/x/") in edges[0].received


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("varnish", "VARNISH_PURGE_URLS"),
        ("cloudflare", "CLOUDFLARE_ZONE_ID"),
        ("cloudfront", "CLOUDFRONT_DISTRIBUTION_ID"),
        ("fastly", "use varnish, cloudflare or cloudfront"),
    ],
)
def test_an_edge_without_its_settings_refuses_to_start(kind, message):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=message):
        frontend_cache(kind)


def test_no_edge_by_default(db, django_capture_on_commit_callbacks):
    assert frontend_cache("") == {}
    with override_settings(WAGTAILFRONTENDCACHE={}), django_capture_on_commit_callbacks() as callbacks:
        CategoryFactory(name="Quiet")
    assert callbacks == []


def test_the_edge_is_configured_from_the_environment():
    from research_site.tests.test_settings import read_settings, start_up

    read = read_settings(
        "WAGTAILFRONTENDCACHE", "EDGE_CACHE_SECONDS", "EDGE_API_CACHE_SECONDS",
        FRONTEND_CACHE="varnish",
        VARNISH_PURGE_URLS="http://10.0.0.21:6081, http://10.0.0.22:6081",
        EDGE_CACHE_SECONDS="600",
    )
    assert read["WAGTAILFRONTENDCACHE"] == {
        "varnish-1": {"BACKEND": "core.edge.VarnishBackend", "TIMEOUT": 2.0, "LOCATION": "http://10.0.0.21:6081"},
        "varnish-2": {"BACKEND": "core.edge.VarnishBackend", "TIMEOUT": 2.0, "LOCATION": "http://10.0.0.22:6081"},
    }
    assert (read["EDGE_CACHE_SECONDS"], read["EDGE_API_CACHE_SECONDS"]) == (600, 60)
    assert read_settings("WAGTAILFRONTENDCACHE") == {"WAGTAILFRONTENDCACHE": {}}

    refused = start_up(FRONTEND_CACHE="cloudflare", CLOUDFLARE_ZONE_ID="abc")
    assert refused.returncode != 0
    assert "FRONTEND_CACHE=cloudflare needs CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY set." in refused.stderr
