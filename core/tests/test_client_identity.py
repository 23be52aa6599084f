"""One client identity for every limit, read from the proxy chain the way an operator set it.

Requests carry REMOTE_ADDR and X-Forwarded-For as a real chain would: behind nginx
(TRUSTED_PROXY_HOPS=1) REMOTE_ADDR is nginx's own address and nginx has appended the
client's address to whatever X-Forwarded-For the client sent.
"""

import pytest
from django.test import RequestFactory

from core.ratelimit import UNKNOWN_CLIENT, client_ip

NGINX = "10.0.0.2"
BALANCER = "10.0.0.1"
CLIENT = "203.0.113.9"
OTHER_CLIENT = "198.51.100.7"


def identity(hops, settings, remote_addr=NGINX, forwarded=None):
    settings.TRUSTED_PROXY_HOPS = hops
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    assert identity(0, settings, CLIENT, "198.51.100.1") == CLIENT
    assert identity(0, settings, CLIENT, "not-an-address") == CLIENT
    assert identity(0, settings, CLIENT) == CLIENT


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, CLIENT, CLIENT),  # nginx alone, the client sent no header
        (1, f"1.2.3.4, 5.6.7.8, {CLIENT}", CLIENT),  # the client wrote two entries of its own
        (2, f"{CLIENT}, {BALANCER}", CLIENT),  # a load balancer, then nginx
        (2, f"1.2.3.4, {CLIENT}, {BALANCER}", CLIENT),
        (3, f"1.2.3.4,{CLIENT},198.18.0.1,{BALANCER}", CLIENT),  # a CDN edge in front of those
    ],
)
def test_behind_n_proxies_the_client_is_the_nth_entry_from_the_right(settings, hops, forwarded, expected):
    assert identity(hops, settings, forwarded=forwarded) == expected


@pytest.mark.parametrize(
    "forwarded",
    [
        None,  # the header is missing: the proxy does not set it
        "",
        " , ",
        f"{CLIENT}",  # one entry where two proxies should have written
        "unknown, 10.0.0.1",  # what some proxies write for a hidden client
        "<script>, 10.0.0.1",
        "203.0.113.9:51234, 10.0.0.1",  # a port is not an address
    ],
)
def test_an_entry_that_is_missing_or_not_an_address_falls_back_to_the_nearest_proxy(settings, forwarded):
    assert identity(2, settings, forwarded=forwarded) == NGINX


def test_without_any_readable_address_every_request_shares_one_bucket(settings):
    assert identity(0, settings, remote_addr="") == UNKNOWN_CLIENT
    assert identity(1, settings, remote_addr="", forwarded="nonsense") == UNKNOWN_CLIENT


def test_ipv6_clients_are_grouped_by_their_64(settings):
    first = identity(1, settings, forwarded="2001:db8:1:2:aaaa::1")
    same_line = identity(1, settings, forwarded="2001:db8:1:2:ffff:ffff:ffff:fffe")
    neighbour = identity(1, settings, forwarded="2001:db8:1:3::1")
    assert first == same_line == "2001:db8:1:2::/64"
    assert neighbour == "2001:db8:1:3::/64"
    assert identity(0, settings, remote_addr="2001:DB8:1:2::9") == first  # however it is spelt


def test_ipv4_clients_of_a_dual_stack_socket_count_as_their_ipv4_address(settings):
    assert identity(0, settings, remote_addr=f"::ffff:{CLIENT}") == CLIENT


# Every limit, through the site: forging X-Forwarded-For never buys another try.

ROTATING_FORGERIES = [f"192.0.2.{n}" for n in range(1, 10)]


def as_if_direct(forged):
    """No proxy: the client talks to the app and adds a header of its own."""
    return {"REMOTE_ADDR": CLIENT, "HTTP_X_FORWARDED_FOR": forged}


def as_if_behind_nginx(forged, client=CLIENT):
    """One proxy: the client sends a header, nginx appends the address it saw."""
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"{forged}, {client}"}


@pytest.fixture
def vote_request(db, settings):
    from awards.tests.factories import category_with

    settings.AWARDS_RATE_PER_IP = (3, 3600)
    category, nominees = category_with("DePIN", "AI")

    def post(client, n, **meta):
        data = {"nominee": nominees[0].pk, "email": f"voter{n}@example{n}.com", "homepage": ""}
        return client.post(category.get_absolute_url(), data, **meta)

    return post


@pytest.fixture
def signup_request(db, settings):
    settings.NEWSLETTERS_RATE_PER_IP = (3, 3600)

    def post(client, n, **meta):
        data = {"email": f"reader{n}@example.com", "homepage": ""}
        return client.post("/email/subscribe/", data, HTTP_ACCEPT="application/json", **meta)

    return post


LIMITED = ["vote_request", "signup_request"]


@pytest.mark.parametrize("limited", LIMITED)
@pytest.mark.parametrize(("hops", "chain"), [(0, as_if_direct), (1, as_if_behind_nginx)])
def test_a_forged_header_cannot_reset_the_limit(db, client, request, settings, limited, hops, chain):
    post = request.getfixturevalue(limited)
    settings.TRUSTED_PROXY_HOPS = hops
    statuses = [post(client, n, **chain(forged)).status_code for n, forged in enumerate(ROTATING_FORGERIES)]
    assert 429 not in statuses[:3]
    assert statuses[3:] == [429] * 6


@pytest.mark.parametrize("limited", LIMITED)
def test_behind_one_proxy_two_clients_are_limited_separately(db, client, request, settings, limited):
    post = request.getfixturevalue(limited)
    settings.TRUSTED_PROXY_HOPS = 1
    first = [post(client, n, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=CLIENT).status_code for n in range(4)]
    second = post(client, 10, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=OTHER_CLIENT)
    assert first[3] == 429 and 429 not in first[:3]
    assert second.status_code != 429


@pytest.mark.parametrize("limited", LIMITED)
def test_one_ipv6_client_moving_inside_its_64_stays_limited(db, client, request, settings, limited):
    post = request.getfixturevalue(limited)
    settings.TRUSTED_PROXY_HOPS = 0
    statuses = [post(client, n, REMOTE_ADDR=f"2001:db8:7:7::{n + 1:x}").status_code for n in range(5)]
    assert statuses[3:] == [429, 429]
    assert post(client, 9, REMOTE_ADDR="2001:db8:7:8::1").status_code != 429
