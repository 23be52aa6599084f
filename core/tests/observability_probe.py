"""One request in a fresh process, on the settings its environment names, through the
whole middleware stack (Django's test client): ``python -m core.tests.observability_probe
METHOD PATH [HEADER=VALUE...]``. Prints the answer as one JSON line on stdout; the
process's log lines go to stderr, as a server's would. Paths under /probe/ are views that
log and fail on purpose (core.tests.observability_urls); every other path is the site's own."""

import json
import sys

import django


def main(method, url, *headers):
    django.setup()
    import sentry_sdk
    from django.test import Client, override_settings

    client = Client(raise_request_exception=False)
    extra = dict(header.split("=", 1) for header in headers)
    with override_settings(ROOT_URLCONF="core.tests.observability_urls"):
        if method == "POST":
            response = client.post(url, {"email": "ada@example.com", "note": "hello"}, headers=extra)
        else:
            response = client.get(url, headers=extra)
    sentry_sdk.flush(timeout=10)
    print(json.dumps({
        "status": response.status_code,
        "headers": dict(response.headers),
        "body": response.content.decode(errors="replace"),
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
