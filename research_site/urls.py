from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("search/", views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("awards/", include("awards.urls")),
    path("api/v1/awards/", include("awards.api")),
    path("api/", include("api.urls")),
    path("ratings/", include("ratings.urls")),
    path("sponsors/", include("sponsors.urls")),
    path("advertise/", include("sponsors.advertise_urls")),  # the media kit
    path("anymail/", include("anymail.urls")),  # ESP bounce and complaint webhooks
    path("email/", include("newsletters.urls")),
    path("", include("blog.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    from research_site import dev_mail

    urlpatterns += [path("dev/mail/", include(dev_mail.urls))]
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
handler404 = "core.views.page_not_found"
