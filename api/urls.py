"""/api/: version 1 of the public API, its schema and docs, and free keys.

Other apps add their own routes under /api/v1/ in research_site/urls.py before this
include (awards does); the catch-all at the end answers unknown API paths in JSON.
The schema and the docs describe the API and hold no data: they are neither counted
against the rate limits nor refused by them, so a reader who used up a limit can still
read how the API works.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from ratings.api import GradeHistoryView, LatestGradeViewSet, TokenViewSet
from ratings.api_reports import MarketView, RiskView, TrackRecordView

from . import errors, views
from .articles import ArticleViewSet
from .search import SearchView

router = SimpleRouter()
router.register("tokens", TokenViewSet, basename="token")
router.register("grades", LatestGradeViewSet, basename="grade")
router.register("articles", ArticleViewSet, basename="article")

schema = SpectacularAPIView.as_view(api_version="v1", throttle_classes=[])
# Swagger UI with its start-up script and styles in files of their own (the script is this
# same view with ?script), so the docs keep the site's Content-Security-Policy;
# drf-spectacular's plain view inlines both.
docs = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema", template_name="api/swagger_ui.html", throttle_classes=[]
)

v1 = [
    path("", views.root, name="root"),
    path("schema/", schema, name="schema"),
    path("search/", SearchView.as_view(), name="search"),
    path("tokens/<slug:slug>/grades/", GradeHistoryView.as_view(), name="token-grades"),
    path("tokens/<slug:slug>/risk/", RiskView.as_view(), name="token-risk"),
    path("performance/", TrackRecordView.as_view(), name="performance"),
    path("market/", MarketView.as_view(), name="market"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((v1, "api"))),
    path("docs/", docs, name="api-docs"),
    path("keys/", views.request_key, name="api-keys"),
    path("keys/confirm/<str:token>/", views.confirm_key, name="api-keys-confirm"),
    re_path(r"^v1/", errors.not_found),  # any path, even one with a line break in it
]
