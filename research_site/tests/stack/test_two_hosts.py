"""Two app hosts, tested from outside (two_hosts.py): each its own gunicorn, Celery worker
and disk, on one PostgreSQL, one Redis and one S3 server, behind nginx (round robin) and
Varnish. A request meant for one host goes straight to its gunicorn, as nginx would send
it; a reader's goes through nginx or Varnish. What one host does, the other must see.
"""

import csv
import io
import re
import threading
import urllib.request
import uuid
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from research_site.tests.stack.conftest import started
from research_site.tests.stack.harness import missing_tools
from research_site.tests.stack.test_edge import VISIBLE_WITHIN
from research_site.tests.stack.test_production_stack import (
    ENDPOINTS,
    send_from_the_admin,
    send_state,
    signed_in,
    wait_for,
)
from research_site.tests.stack.two_hosts import BUCKET, TwoHostStack, missing_s3_server
from research_site.tests.stack.varnish import missing_varnish

pytestmark = [pytest.mark.stack, pytest.mark.edge, pytest.mark.s3]

HOSTS = ("a", "b")
CATEGORY = "/awards/moon-awards-2024/layer-one-of-the-year/"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    reason = missing_tools() or missing_varnish() or missing_s3_server()
    if reason:
        pytest.skip(reason)
    yield from started(TwoHostStack(tmp_path_factory.mktemp("two-hosts")))


@pytest.fixture(scope="module")
def article(stack):
    return stack.published_article()


def publish_through(stack, host, pk, **fields):
    """Save a draft of page `pk` with `fields`, then publish it as a moderator in host
    `host`'s admin (Wagtail's bulk Publish action, over HTTP)."""
    assignments = "; ".join(f"page.{name} = {value!r}" for name, value in fields.items())
    stack.django(
        f"from blog.models import ArticlePage; page = ArticlePage.objects.get(pk={pk}); "
        f"{assignments}; page.save_revision()"
    )
    moderator = signed_in(stack.host_client(host), "moderator")
    published = moderator.post_form(f"/admin/bulk/wagtailcore/page/publish/?id={pk}", {})
    assert published.status == 302, published
    (live,) = stack.sql("SELECT NOT has_unpublished_changes FROM wagtailcore_page WHERE id = %s", [pk])[0]
    assert live, "the draft was not published"


def png(color):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), color).save(buffer, "PNG")
    return buffer.getvalue()


def fetch(url):
    """GET `url` as a browser would, with no credentials: (status, Content-Type, body)."""
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - our local S3 server
        return answer.status, answer.headers["Content-Type"], answer.read()


def test_nginx_hands_requests_to_both_hosts_in_turn(stack, article):
    path, _ = article
    reader = stack.client()
    served = Counter(stack.host_of(reader.get(path)) for _ in range(10))
    assert served["a"] >= 4 and served["b"] >= 4, served
    for log in (stack.web.log, stack.web_b.log):  # each gunicorn's own access log has the page
        assert f"GET {path} HTTP" in log.read_text(errors="replace"), log.name


def test_an_image_uploaded_through_one_host_shows_in_a_page_served_by_the_other(stack, article):
    path, pk = article
    title = f"Two hosts {uuid.uuid4().hex[:8]}"
    editor = signed_in(stack.host_client("a"), "editor")
    (root_collection,) = stack.sql("SELECT id FROM wagtailcore_collection WHERE depth = 1")[0]
    uploaded = editor.post_form(
        "/admin/images/add/",
        {"title": title, "collection": root_collection},
        files={"file": ("two-hosts.png", png("orange"), "image/png")},
    )
    assert uploaded.status == 302, uploaded
    (image_id, key) = stack.sql("SELECT id, file FROM wagtailimages_image WHERE title = %s", [title])[0]
    assert key in [item["Key"] for item in stack.bucket().list_objects_v2(Bucket=BUCKET)["Contents"]]

    publish_through(stack, "a", pk, cover_image_id=image_id)
    page = stack.host_client("b").get(path)
    assert page.status == 200, page
    src = BeautifulSoup(page.body, "html.parser").select_one("img.cover-image")["src"]
    # Host B made the rendition from the original in the bucket, and stored it there.
    assert src.startswith(f"{stack.s3_endpoint}/{BUCKET}/images/two-hosts"), src
    status, content_type, content = fetch(src)
    assert (status, content_type) == (200, "image/png")
    assert Image.open(io.BytesIO(content)).convert("RGB").getpixel((0, 0)) == (255, 165, 0)
    assert stack.host_client("a").get(path).text.count(src) == 1  # the same rendition on host A
    assert stack.files_on("a") == stack.files_on("b") == []  # neither host kept a file on its disk


@pytest.mark.parametrize("host", HOSTS)
def test_a_publish_through_either_host_shows_on_both_and_is_purged_at_the_edge(stack, article, host):
    path, pk = article
    reader = stack.edge_client()
    reader.get(path)
    assert reader.get(path).headers["X-Cache"] == "HIT"
    title = f"Published on host {host} {uuid.uuid4().hex[:8]}"

    publish_through(stack, host, pk, title=title)
    # The edge dropped its copy when the host purged it, long before its s-maxage ran out.
    wait_for(lambda: title in reader.get(path).text, VISIBLE_WITHIN, "the new title through the edge")
    for other in HOSTS:
        assert title in stack.host_client(other).get(path).text, f"host {other} serves the old page"


@pytest.mark.parametrize("endpoint", ["api", "signup"])
def test_a_rate_limit_reached_across_both_hosts_refuses_on_both(stack, endpoint):
    call, limit = ENDPOINTS[endpoint]
    address = stack.new_address()  # one client, its requests alternating between the hosts
    clients = [stack.host_client(host, source=address) for host in HOSTS]
    tries = limit + 4
    statuses = [call(clients[n % 2], n).status for n in range(tries)]
    assert statuses == [200] * limit + [429] * (tries - limit)
    # Both hosts refuse from here on: neither kept a count of its own.
    assert [call(client, tries).status for client in clients] == [429, 429]


def results(client):
    """{nominee: votes} from the category's results CSV."""
    answer = client.get(f"{CATEGORY}results.csv")
    assert answer.status == 200, answer
    return {row["nominee"]: int(row["votes"]) for row in csv.DictReader(io.StringIO(answer.text))}


def ballot_link(stack, email):
    """The confirmation link (a path) mailed to `email`, by whichever host's relay."""
    relays = stack.relays().values()
    messages = wait_for(lambda: [m for relay in relays for m in relay.to(email)], 30, f"mail to {email}")
    return re.search(r"https://stack\.test(/awards/vote/\S+/)", messages[0].get_content()).group(1)


def test_votes_through_both_hosts_count_in_one_tally(stack):
    nominee_id, name = stack.sql(
        "SELECT n.id, n.name FROM awards_nominee n JOIN awards_category c ON c.id = n.category_id "
        "WHERE c.slug = 'layer-one-of-the-year' ORDER BY n.id LIMIT 1"
    )[0]
    before = results(stack.host_client("a")).get(name, 0)
    voters = [f"voter-{n}-{uuid.uuid4().hex[:6]}@example.com" for n in range(6)]
    for n, email in enumerate(voters):  # asked for through host A and host B in turn
        asked = stack.host_client(HOSTS[n % 2]).post_form(CATEGORY, {"nominee": nominee_id, "email": email})
        assert asked.status == 302, asked
    links = [ballot_link(stack, email) for email in voters]

    answers = {}

    def confirm(n, link):  # through the other host than the one the vote was asked on
        answers[n] = stack.host_client(HOSTS[(n + 1) % 2]).post_form(link, {})

    threads = [threading.Thread(target=confirm, args=pair) for pair in enumerate(links)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answers[n].status for n in range(len(voters))] == [200] * len(voters)
    assert all("Your vote counted" in answer.text for answer in answers.values())
    seen = [results(stack.host_client(host)) for host in HOSTS]
    assert seen[0] == seen[1]
    assert seen[0][name] == before + len(voters)


def test_a_send_started_on_one_host_is_worked_by_the_workers_of_both(stack):
    count = 200
    send_id, readers = send_from_the_admin(stack, "twohosts", count, client=stack.host_client("a"))
    wait_for(lambda: send_state(stack, send_id)[0] == "finished", 90, "the send to finish")
    assert send_state(stack, send_id) == ("finished", {"sent": count})

    by_relay = {host: relay.received() for host, relay in stack.relays().items()}
    delivered = {host: sum(received[address] for address in readers) for host, received in by_relay.items()}
    assert {address: by_relay["a"][address] + by_relay["b"][address] for address in readers} == dict.fromkeys(
        readers, 1
    )
    assert delivered["a"] > 0 and delivered["b"] > 0, delivered  # host B's workers sent some too
    print(f"\nmessages sent by host A's workers: {delivered['a']}, by host B's: {delivered['b']}")
