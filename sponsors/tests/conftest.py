import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.tests.faults import RedisServer


def member_of(group_name, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return member_of("Editors", "edna")


@pytest.fixture
def moderator(db):
    return member_of("Moderators", "mo")


@pytest.fixture
def redis_counts(settings, tmp_path):
    """A redis-server of the test's own for the counters (it can be stopped)."""
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def counters_taken_as_up():
    from sponsors import counting

    counting._down_until, counting._held, counting._held_since = 0.0, {}, 0.0
    yield
    counting._down_until, counting._held, counting._held_since = 0.0, {}, 0.0
