"""What the apps' Wagtail admin listings share."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.permission_policies import ModelPermissionPolicy


class NoFormsPolicy(ModelPermissionPolicy):
    """A model's own permissions for a listing whose rows the application writes: nobody,
    not even a superuser, adds, edits or deletes one through Wagtail's generic views.
    ``aliases`` names further actions after the model permission they take, e.g.
    {"control": "change"} for pausing a send, which needs newsletters.change_send."""

    NO_FORMS = frozenset({"add", "change", "delete"})

    def __init__(self, model, aliases=None, **kwargs):
        super().__init__(model, **kwargs)
        self.aliases = aliases or {}

    def user_has_permission(self, user, action):
        if action in self.NO_FORMS:
            return False
        return super().user_has_permission(user, self.aliases.get(action, action))

    def users_with_any_permission(self, actions):
        actions = {self.aliases.get(action, action) for action in set(actions) - self.NO_FORMS}
        return super().users_with_any_permission(actions)


class AllPermissionsRegistered:
    """For a ModelViewSet: every permission of the model (view and custom ones too) can be
    granted to groups in Settings > Groups."""

    def get_permissions_to_register(self):
        return Permission.objects.filter(content_type=ContentType.objects.get_for_model(self.model))
