"""The API's limits count clients the way the rest of the site does (core.ratelimit.client_ip):
a forged X-Forwarded-For buys nothing, behind a proxy or not, and the docs are never limited."""

import pytest

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"
CLIENT = "203.0.113.9"
FORGERIES = [f"192.0.2.{n}" for n in range(1, 46)]


def direct(forged):
    return {"REMOTE_ADDR": CLIENT, "HTTP_X_FORWARDED_FOR": forged}


def behind_nginx(forged, client=CLIENT):
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"{forged}, {client}"}


CHAINS = [pytest.param(0, direct, id="no-proxy"), pytest.param(1, behind_nginx, id="behind-nginx")]


@pytest.fixture
def anonymous_limit_of_3(settings):
    settings.API_RATE_ANONYMOUS = "3/minute"


@pytest.mark.usefixtures("anonymous_limit_of_3")
@pytest.mark.parametrize(("hops", "chain"), CHAINS)
def test_45_forged_headers_get_3_answers_not_45(client, settings, hops, chain):
    settings.TRUSTED_PROXY_HOPS = hops
    statuses = [client.get("/api/v1/", **chain(forged)).status_code for forged in FORGERIES]
    assert statuses == [200] * 3 + [429] * 42


@pytest.mark.usefixtures("anonymous_limit_of_3")
def test_drf_num_proxies_plays_no_part(client, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = [client.get("/api/v1/", **direct(forged)).status_code for forged in FORGERIES[:6]]
    assert statuses == [200] * 3 + [429] * 3


@pytest.mark.usefixtures("anonymous_limit_of_3")
def test_behind_one_proxy_two_clients_have_their_own_limits(client, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    first = [client.get("/api/v1/", **behind_nginx("", CLIENT)).status_code for _ in range(4)]
    second = [client.get("/api/v1/", **behind_nginx("", "198.51.100.7")).status_code for _ in range(3)]
    assert first == [200, 200, 200, 429]
    assert second == [200, 200, 200]


@pytest.mark.usefixtures("anonymous_limit_of_3")
def test_ipv6_addresses_inside_one_64_share_a_limit(client, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    statuses = [client.get("/api/v1/", REMOTE_ADDR=f"2001:db8:5:5::{n:x}").status_code for n in range(1, 6)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize(("hops", "chain"), CHAINS)
def test_key_requests_cannot_be_reset_by_a_forged_header(client, settings, hops, chain):
    settings.TRUSTED_PROXY_HOPS = hops
    settings.API_KEY_REQUESTS_PER_HOUR = 2
    statuses = [
        client.post("/api/keys/", {"email": f"dev{n}@example.com"}, **chain(forged)).status_code
        for n, forged in enumerate(FORGERIES[:5])
    ]
    assert statuses == [200, 200, 429, 429, 429]
    someone_else = {"REMOTE_ADDR": "198.51.100.7"} if hops == 0 else behind_nginx("", "198.51.100.7")
    assert client.post("/api/keys/", {"email": "new@example.com"}, **someone_else).status_code == 200


@pytest.mark.usefixtures("anonymous_limit_of_3")
def test_docs_and_schema_are_never_limited_nor_counted(client):
    for _ in range(5):
        assert client.get("/api/docs/").status_code == 200
        assert client.get("/api/v1/schema/?format=json").status_code == 200
    assert [client.get("/api/v1/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/v1/schema/").status_code == 200
