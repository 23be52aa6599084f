from wagtail import hooks

from core.admin.outbox import OutboxViewSet, RetryBulkAction


@hooks.register("register_admin_viewset")
def register_outbox():
    return OutboxViewSet()


hooks.register("register_bulk_action", RetryBulkAction)
