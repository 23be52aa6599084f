"""Build the demo site with code: idempotent, so running it twice changes nothing.

Each app that has a demo ships ``<app>/demo.py`` with ``load(stdout)``; they run in the
order of INSTALLED_APPS (the blog makes the home page the others hang below).
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

DEV_USERS = [
    # (username, password, group or None for superuser)
    ("admin", "admin", None),
    ("editor", "editor", "Editors"),
    ("moderator", "moderator", "Moderators"),
]


class Command(BaseCommand):
    help = "Load every app's demo content (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--users",
            action="store_true",
            default=None,
            help="Create the admin/editor/moderator logins (default: only when DEBUG is on).",
        )

    def handle(self, *args, **options):
        with_users = settings.DEBUG if options["users"] is None else options["users"]
        loaded = []
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                import_module(f"{app_config.name}.demo").load(self.stdout)
                loaded.append(app_config.label)
        if with_users:
            self.users()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({', '.join(loaded)})."))

    def users(self):
        User = get_user_model()
        for username, password, group_name in DEV_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.com", "first_name": username.title()},
            )
            if created:
                user.set_password(password)
            user.is_staff = group_name is None
            user.is_superuser = group_name is None
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
        self.stdout.write("Dev logins: admin/admin, editor/editor, moderator/moderator at /admin/")
