"""Newsletters and their issues, as Wagtail pages.

Tree: NewsletterIndexPage (/newsletters/, the sign-up page) holds one NewsletterPage per
newsletter (its description and web archive), which holds its NewsletterIssuePages.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField

from core.models import BasePage, not_restricted
from core.pagination import page_or_404
from newsletters.issues.blocks import IssueBodyBlock
from newsletters.issues.feeds import IssueFeed
from newsletters.issues.rendering import render_issue


class NewsletterIndexPage(BasePage):
    """Every newsletter on one page, with the sign-up form."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["blog.HomePage"]
    subpage_types = ["newsletters.NewsletterPage"]
    max_count = 1


class NewsletterPage(RoutablePageMixin, BasePage):
    """A newsletter readers subscribe to; its page is the web archive of its issues,
    newest first, with an RSS feed at feed/."""

    description = models.TextField(help_text="One or two sentences shown beside the sign-up checkbox.")
    cadence = models.CharField(max_length=60, blank=True, help_text='For example "Every weekday morning".')
    subscribe_by_default = models.BooleanField(
        default=False, help_text="Ticked in sign-up forms that do not name a newsletter."
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("description"),
        FieldPanel("cadence"),
        FieldPanel("subscribe_by_default"),
    ]
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types = ["newsletters.NewsletterIssuePage"]

    @property
    def listing_summary(self):
        return self.description

    def live_issues(self):
        """Published, public issues, newest first, without their bodies."""
        return (
            NewsletterIssuePage.objects.child_of(self)
            .live()
            .filter(not_restricted())
            .defer_streamfields()
            .order_by("-first_published_at", "-pk")
        )

    @property
    def feed_url(self):
        return self.url + self.reverse_subpage("feed")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.live_issues(), settings.NEWSLETTERS_ISSUES_PER_PAGE)
        context["issues"] = page_or_404(paginator, request.GET.get("page", "1"), "issues")
        context.update(self.signup_context())
        return context

    def signup_context(self):
        """What the sign-up box needs to subscribe to this newsletter alone."""
        return {"signup_heading": f"Get {self.title} by email, free", "signup_newsletter_ids": [self.pk]}

    @path("feed/", name="feed")
    def feed(self, request):
        return IssueFeed()(request, newsletter=self)


class NewsletterIssuePage(BasePage):
    """One issue: what the email says, and its page in the archive."""

    subject = models.CharField(max_length=200)
    preheader = models.CharField(
        max_length=200, blank=True, help_text="The grey line inboxes show after the subject."
    )
    body = StreamField(IssueBodyBlock())
    drafted_for = models.DateField(
        null=True, blank=True, editable=False, help_text="Set on briefings drafted from data for this day."
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("body"),
    ]
    parent_page_types = ["newsletters.NewsletterPage"]
    subpage_types = []

    @property
    def listing_summary(self):
        return self.preheader

    @cached_property
    def newsletter(self):
        """The newsletter this issue belongs to (its parent page), in one query."""
        return NewsletterPage.objects.get(path=self.path[: (self.depth - 1) * self.steplen])

    @property
    def preview_modes(self):
        return [("", "Web page"), ("email", "Email"), ("text", "Plain-text email")]

    def serve_preview(self, request, mode_name):
        """The email as subscribers will get it; their own links are left as markers."""
        if mode_name not in ("email", "text"):
            return super().serve_preview(request, mode_name)
        rendered = render_issue(self, self.newsletter)
        if mode_name == "text":
            return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")
        return HttpResponse(rendered.html)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["newsletter"] = self.newsletter
        context.update(self.newsletter.signup_context())
        return context
