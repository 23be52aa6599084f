"""Query counts of a page render, as shared/BENCH.md counts them: cold (the first render
after the generation moves, as after a publish: fragments and memos retired) and warm (the
render after it), with fragment caching on as in production."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import caching


def cold_and_warm(client, url, settings, **headers):
    """(cold, warm) query counts for GET url; both renders must answer 200."""
    settings.FRAGMENT_CACHE_SECONDS = 3600
    client.get(url, **headers)  # made once for good: image renditions, the site's SEO settings
    counts = []
    for moved in (True, False):
        if moved:
            caching.invalidate()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(queries))
    return tuple(counts)
