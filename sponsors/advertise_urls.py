from django.urls import path

from sponsors import advertise

app_name = "advertise"

urlpatterns = [
    path("", advertise.media_kit, name="media_kit"),
    path("contact/", advertise.contact, name="contact"),
]
