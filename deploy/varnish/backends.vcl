# The app hosts behind this Varnish, and who may purge it: the one file to edit per
# deployment (default.vcl includes it). One backend per app host (nginx or gunicorn),
# each probed on /healthz; the round-robin director spreads misses over the healthy ones.
# The probe's Host must be one of the app's ALLOWED_HOSTS, and it says https, as the TLS
# terminator in front of Varnish does, or the app would answer with a redirect.

probe healthz {
    .request =
        "GET /healthz HTTP/1.1"
        "Host: www.example.org"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .expected_response = 200;
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 {
    .host = "10.0.0.11";
    .port = "80";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

backend app2 {
    .host = "10.0.0.12";
    .port = "80";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}

# The app hosts (where Django runs): only they may send PURGE and BAN.
acl purgers {
    "localhost";
    "10.0.0.11";
    "10.0.0.12";
}
