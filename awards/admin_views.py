"""Moderator actions in the Wagtail admin: void one vote or every vote a filter matches,
export a category's counted votes. The listings are in awards.viewsets."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from awards import voting
from awards.ballots import keyed_hash
from awards.filters import VoteFilterSet
from awards.forms import VoidForm
from awards.models import Category, Vote

view_votes = permission_required("awards.view_vote", raise_exception=True)
void_votes = permission_required("awards.void_vote", raise_exception=True)


def list_url(query):
    return reverse("award_votes:index") + ("?" + urlencode(query) if query else "")


@require_POST
@void_votes
def void_one(request, pk):
    vote = get_object_or_404(Vote, pk=pk)
    form = VoidForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = list_url({})
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(back)
    voided = voting.void(
        Vote.objects.filter(pk=vote.pk),
        reason=form.cleaned_data["reason"],
        moderator=request.user,
        selection="one vote",
    )
    if voided:
        messages.success(request, f"Vote {vote.pk} voided.")
    else:
        messages.warning(request, f"Vote {vote.pk} was already void.")
    return redirect(back)


@require_POST
@void_votes
def void_matching(request):
    filters = VoteFilterSet(request.POST, queryset=Vote.objects.all())
    void_form = VoidForm(request.POST)
    query = {
        key: request.POST[key]
        for key in VoteFilterSet.base_filters
        if request.POST.get(key)
    }
    if not filters.narrows():
        messages.error(request, "Narrow the votes by IP hash, email domain or time range before voiding.")
        return redirect(list_url(query))
    if not void_form.is_valid():
        messages.error(request, void_form.errors["reason"][0])
        return redirect(list_url(query))
    reason = void_form.cleaned_data["reason"]
    voided = voting.void(filters.qs, reason=reason, moderator=request.user, selection=filters.describe())
    messages.success(request, f"{voided} vote{'s' if voided != 1 else ''} voided.")
    return redirect(list_url(query))


class Echo:
    def write(self, value):
        return value


@view_votes
def votes_csv(request, pk):
    """Counted votes of one category, streamed; addresses appear only as keyed hashes."""
    category = get_object_or_404(Category.objects.select_related("program"), pk=pk)
    votes = (
        Vote.counted.filter(category=category)
        .order_by("pk")
        .values_list(
            "pk", "nominee__name", "email", "email_domain", "confirmed_at", "ip_hash", "user_agent_hash"
        )
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(
            ["vote_id", "nominee", "email_hash", "email_domain", "confirmed_at", "ip_hash", "user_agent_hash"]
        )
        for pk, nominee, email, domain, confirmed_at, ip_hash, ua_hash in votes.iterator(chunk_size=2000):
            yield writer.writerow(
                [pk, nominee, keyed_hash("email", email), domain, confirmed_at.isoformat(), ip_hash, ua_hash]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"{category.program.slug}-{category.slug}-votes.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
