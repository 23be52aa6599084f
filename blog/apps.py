from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Research articles"

    def ready(self):
        from core.furniture import feeds

        feeds.append(("Token Research articles (RSS)", "blog:feed"))
