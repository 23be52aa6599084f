# Varnish 7.1 in front of the app hosts: the edge cache of issue 11.
#
# The app decides what may be kept (core.edge): public pages say
#   Cache-Control: public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400
# and everything personal says "private, no-store". This file honours that, and adds:
# - requests that must reach the app untouched pass (admin, API keys, email links, votes,
#   keyed API calls, a signed-in session, anything but GET and HEAD);
# - other requests lose their cookies (analytics cookies must not split or skip the cache),
#   and cacheable answers lose Set-Cookie;
# - PURGE <url> and BAN (the whole host) come only from the app hosts (acl purgers);
# - while the app is down (probe failing, or a fetch failing) a kept page is served stale
#   for up to stale-if-error seconds; while it is up, for stale-while-revalidate seconds
#   while a fresh copy is fetched in the background;
# - X-Cache: HIT, MISS or PASS on every answer.
#
# Deploy: edit backends.vcl (app hosts, the probe's Host, the purgers' addresses), keep it
# beside this file, and start e.g.
#   varnishd -a :6081 -f /etc/varnish/default.vcl -s malloc,1G
# The app purges through FRONTEND_CACHE=varnish and VARNISH_PURGE_URLS (README, "Edge cache").
vcl 4.1;

import directors;
import std;

include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = app.backend();
    unset req.http.X-Cache;

    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # Bans rather than hash purges: they reach every variant of a URL (Vary, scheme).
        if (req.method == "PURGE") {
            ban("obj.http.X-Edge-Host == " + req.http.host + " && obj.http.X-Edge-Url == " + req.url);
        } else {
            ban("obj.http.X-Edge-Host == " + req.http.host);
        }
        return (synth(200, req.method + " done"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Personal pages: the admins, previews (under /admin/), API key pages, newsletter email
    # links, vote confirmations, webhooks, probes.
    if (req.url ~ "^/(admin|django-admin|email|anymail|dev)/"
        || req.url ~ "^/api/keys/"
        || req.url ~ "^/awards/vote/"
        || req.url ~ "^/(healthz|readyz|metrics)") {
        return (pass);
    }
    # A keyed API call is counted and answered per key; a session is a signed-in user.
    if (req.http.Authorization || req.http.X-API-Key || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    unset req.http.Cookie;

    if (req.restarts > 0 && req.http.X-Edge-Stale) {
        set req.grace = 24h;  # the fetch failed: anything kept is better than an error
    } elsif (std.healthy(req.backend_hint)) {
        # Past its s-maxage, a page is served for this long while a fresh copy is fetched
        # in the background: the app's EDGE_STALE_WHILE_REVALIDATE_SECONDS default. While
        # the app is down, for as long as the page's own grace (stale-if-error).
        set req.grace = 60s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # Links the app builds say https or http after this header.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_response {
    # For bans (which the ban lurker can test without the request).
    set beresp.http.X-Edge-Host = bereq.http.host;
    set beresp.http.X-Edge-Url = bereq.url;

    # A failing app never replaces a page kept for it.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    if (beresp.http.Cache-Control ~ "(private|no-store|no-cache)" || beresp.http.Vary == "*"
        || beresp.http.Cache-Control !~ "(s-maxage|max-age)=[1-9]") {
        # Nothing the app did not mark public is kept; remember that for a while, so
        # requests for it go straight to the app instead of queueing behind each other.
        set beresp.uncacheable = true;
        set beresp.ttl = 30s;
        return (deliver);
    }
    # Cacheable: no cookie may be set from the edge's copy.
    unset beresp.http.Set-Cookie;
    # Kept past s-maxage for as long as the app allows a stale copy on error.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1") + "s", 0s);
    } else {
        set beresp.grace = 1h;
    }
    # ...and a while longer for conditional fetches.
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_backend_error {
    # A background fetch keeps the stale copy; a client's fetch ends in a 503, which
    # vcl_deliver turns into one more look for a stale copy.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (resp.status == 503 && req.restarts == 0 && !req.http.X-Edge-Stale
        && req.http.X-Cache != "PASS" && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Edge-Stale = "1";
        return (restart);
    }
    if (req.http.X-Cache == "PASS") {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Edge-Host;
    unset resp.http.X-Edge-Url;
}
