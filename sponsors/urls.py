from django.urls import path

from sponsors import views

app_name = "sponsors"

urlpatterns = [
    path("i/<str:token>.gif", views.pixel, name="pixel"),
    path("c/<str:token>/", views.click, name="click"),
    path("report/<str:token>/", views.sponsor_report, name="report"),
    path("report/<str:token>/csv/", views.sponsor_report_csv, name="report_csv"),
    path("<slug:slug>/", views.sponsor_detail, name="sponsor"),
]
