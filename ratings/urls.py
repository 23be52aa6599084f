from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.token_table, name="table"),
    path("methodology/", views.methodology, name="methodology"),
    path("performance/", views.performance, name="performance"),
    path("market/", views.market_overview, name="market"),
    path("top/", views.top_index, name="top_index"),
    path("top/<slug:slug>/", views.top_by_sector, name="top"),
    path("<slug:slug>/", views.token_detail, name="token"),
]
