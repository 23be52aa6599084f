import datetime
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from blog.models import ArticlePage, Author, Category
from blog.tests.factories import ArticlePageFactory
from core.tasks import publish_scheduled_pages

pytestmark = pytest.mark.django_db


def user_in(group_name):
    user = get_user_model().objects.create_user(group_name.lower(), password="pw")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_editors_can_edit_but_not_publish_and_moderators_can(blog_index):
    article = ArticlePageFactory(parent=blog_index)
    editor_perms = article.permissions_for_user(user_in("Editors"))
    moderator_perms = article.permissions_for_user(user_in("Moderators"))

    assert editor_perms.can_edit()
    assert not editor_perms.can_publish()
    assert moderator_perms.can_publish()
    assert blog_index.permissions_for_user(get_user_model().objects.get(username="editors")).can_add_subpage()


def test_moderation_workflow_is_on_for_articles(blog_index):
    article = ArticlePageFactory(parent=blog_index)
    workflow = article.get_workflow()
    assert workflow is not None and workflow.active
    task = workflow.tasks.first().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]


def test_submitted_article_goes_live_when_a_moderator_approves(blog_index, client):
    editor, moderator = user_in("Editors"), user_in("Moderators")
    article = ArticlePageFactory(parent=blog_index, live=False, title="Awaiting review")
    revision = article.save_revision(user=editor)
    state = article.get_workflow().start(article, editor)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(blog_index.url).content.decode().count("Awaiting review") == 0

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")

    article.refresh_from_db()
    assert article.live
    assert article.live_revision_id == revision.pk
    assert "Awaiting review" in client.get(blog_index.url).content.decode()


def test_scheduled_article_is_published_by_the_beat_task(blog_index, client):
    article = ArticlePageFactory(parent=blog_index, live=False, title="Scheduled piece")
    article.go_live_at = timezone.now() + datetime.timedelta(minutes=5)
    article.save_revision().publish()  # with a future go-live date this schedules it
    article.refresh_from_db()
    assert not article.live

    publish_scheduled_pages.delay()  # not yet due
    assert not ArticlePage.objects.get(pk=article.pk).live

    # Five minutes pass: move the schedule into the past instead of sleeping.
    revision = article.scheduled_revision
    due = timezone.now() - datetime.timedelta(seconds=1)
    revision.approved_go_live_at = due
    revision.content["go_live_at"] = due.isoformat()
    revision.save()
    publish_scheduled_pages.delay()

    assert ArticlePage.objects.get(pk=article.pk).live
    assert client.get(article.url).status_code == 200


def test_expired_article_is_unpublished_by_the_beat_task(blog_index, client):
    article = ArticlePageFactory(parent=blog_index)
    Page.objects.filter(pk=article.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))

    publish_scheduled_pages.delay()

    assert not ArticlePage.objects.get(pk=article.pk).live
    assert client.get(article.url).status_code == 404


def test_beat_runs_the_scheduler_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-scheduled-pages"]
    assert entry["task"] == publish_scheduled_pages.name
    assert entry["schedule"] <= 60


def test_load_demo_builds_the_site_and_is_idempotent(client):
    call_command("load_demo", users=True, stdout=StringIO())
    counts = (ArticlePage.objects.live().count(), Category.objects.count(), Author.objects.count())
    call_command("load_demo", users=True, stdout=StringIO())

    assert (ArticlePage.objects.live().count(), Category.objects.count(), Author.objects.count()) == counts
    articles, categories, authors = counts
    assert articles >= 12 and categories >= 3 and authors >= 3
    assert ArticlePage.objects.filter(sponsored=True).count() == 1
    assert ArticlePage.objects.values("category").distinct().count() >= 3
    demo = ArticlePage.objects.live()
    assert all(any(b.block_type == "disclaimer" for b in a.body) for a in demo)
    assert sum(any(b.block_type == "faq" for b in a.body) for a in demo) >= 3
    assert sum(any(b.block_type == "call_to_action" for b in a.body) for a in demo) >= 3
    assert client.get("/blog/").status_code == 200
    assert client.login(username="editor", password="editor")


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "research_site.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x9Q#" * 12,
        "ALLOWED_HOSTS": "research.example.com",
        "SITE_URL": "https://research.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "research_site.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
