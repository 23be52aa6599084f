from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: page furniture, site settings, the caching policy, the demo's
    orchestration. It imports no feature app; they register with it instead."""

    name = "core"
    verbose_name = "Site"

    def ready(self):
        from . import caching, checks  # noqa: F401 - checks register themselves
        from .observability import logs, metrics

        caching.connect_invalidation_signals()
        logs.connect_task_signals()
        metrics.register_core_sources()
