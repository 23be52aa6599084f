"""Moderator views in the Wagtail admin: find votes, void them, read the log, export."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from awards import voting
from awards.ballots import keyed_hash
from awards.forms import VoidForm, VoteFilterForm
from awards.models import Category, VoidRecord, Vote

VOTES_PER_PAGE = 50

view_votes = permission_required("awards.view_vote", raise_exception=True)
void_votes = permission_required("awards.void_vote", raise_exception=True)


def filter_form(data):
    categories = Category.objects.select_related("program")
    return VoteFilterForm(data, categories=categories)


def list_url(query):
    return reverse("award_votes:index") + ("?" + urlencode(query) if query else "")


@view_votes
def vote_list(request):
    form = filter_form(request.GET or None)
    votes = Vote.objects.select_related("category", "nominee").order_by("-confirmed_at", "-pk")
    if form.is_bound and form.is_valid():
        votes = form.filter(votes)
    elif form.is_bound:
        votes = votes.none()
    page = Paginator(votes, VOTES_PER_PAGE).get_page(request.GET.get("p"))
    query = {key: value for key, value in request.GET.items() if key != "p" and value}
    context = {
        "form": form,
        "page": page,
        "query": urlencode(query),
        "can_void": request.user.has_perm("awards.void_vote"),
        "bulk_allowed": form.is_bound and form.is_valid() and form.has_filter(),
        "void_form": VoidForm(),
        "categories": Category.objects.select_related("program"),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "awards/admin/vote_list.html", context, status=status)


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
    form = filter_form(request.POST)
    void_form = VoidForm(request.POST)
    query = {
        key: request.POST[key]
        for key in ("category", "ip_hash", "email_domain", "since", "until", "status")
        if request.POST.get(key)
    }
    if not form.is_valid() or not form.has_filter():
        messages.error(request, "Narrow the votes by IP hash, email domain or time range before voiding.")
        return redirect(list_url(query))
    if not void_form.is_valid():
        messages.error(request, void_form.errors["reason"][0])
        return redirect(list_url(query))
    voided = voting.void(
        form.filter(Vote.objects.all()),
        reason=void_form.cleaned_data["reason"],
        moderator=request.user,
        selection=form.describe(),
    )
    messages.success(request, f"{voided} vote{'s' if voided != 1 else ''} voided.")
    return redirect(list_url(query))


@view_votes
def void_log(request):
    records = VoidRecord.objects.select_related("vote__category", "vote__nominee", "moderator")
    page = Paginator(records, VOTES_PER_PAGE).get_page(request.GET.get("p"))
    return render(request, "awards/admin/void_log.html", {"page": page})


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
