"""The site's WSGI application with one per-process memo switched off (BENCH_WITHOUT_MEMO:
routes, sites or restrictions), so bench/memos.py can show what each memo is worth."""

import os
from importlib import import_module

from research_site.wsgi import application  # noqa: F401 - served by gunicorn; sets Django up

# Imported once Django is set up (the import above), so not at the top.
caching, models = import_module("core.caching"), import_module("core.models")
MEMOS = {"routes": models.route_memo, "sites": caching.site_memo, "restrictions": models.restriction_memo}
memo = MEMOS[os.environ["BENCH_WITHOUT_MEMO"]]
memo.get = lambda generation, key: None  # every request asks the database again
