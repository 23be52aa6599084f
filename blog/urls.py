from django.urls import path

from blog import feeds, views

app_name = "blog"
urlpatterns = [
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("feed/", feeds.ArticleFeed(), name="feed"),
]
