from django.urls import path

from newsletters.analytics import views as tracking_views
from newsletters.subscriptions import views

app_name = "newsletters"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribed, name="subscribed"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("o/<str:token>.gif", tracking_views.open_image, name="open"),
    path("c/<str:token>/<int:link>/", tracking_views.click, name="click"),
]
