import csv
import random
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from awards import ballots, emails, results, voting
from awards.forms import VoteForm
from awards.models import Category, Program
from core.caching import generation_for
from core.fingerprints import mailbox, normalize_email
from core.links import absolute
from core.ratelimit import allow as rate_allowed
from core.ratelimit import client_ip

CONFIRMATION_STATUS = {
    voting.Outcome.COUNTED: 200,
    voting.Outcome.CHANGED: 200,
    voting.Outcome.REPLAYED: 200,
    voting.Outcome.ALREADY_VOTED: 409,
    voting.Outcome.NOT_OPEN: 403,
    voting.Outcome.GONE: 410,
    voting.Outcome.PENDING: 200,
}


def program_list(request):
    programs = Program.objects.prefetch_related("categories")
    return render(request, "awards/program_list.html", {"programs": programs})


def program_detail(request, program):
    program = get_object_or_404(Program, slug=program)
    categories = program.categories.all()
    return render(request, "awards/program_detail.html", {"program": program, "categories": categories})


def get_category(program, category):
    return get_object_or_404(Category.objects.select_related("program"), program__slug=program, slug=category)


def can_see_hidden_results(user):
    return user.is_authenticated and user.has_perm("awards.view_vote")


def shuffled_for_visitor(request, category, nominees):
    """The same visitor sees the same order on every visit; different visitors differ.

    The seed is the visitor's CSRF secret (every page with the vote form sets it),
    hashed with the category so that orders differ between categories too.
    """
    get_token(request)
    secret = request.META["CSRF_COOKIE"]
    rng = random.Random(ballots.keyed_hash("shuffle", f"{secret}:{category.pk}"))
    nominees = list(nominees)
    rng.shuffle(nominees)
    return nominees


def render_category(request, category, form, status=200, message=""):
    nominees = category.nominees.select_related("logo").order_by("sort_order", "pk")
    context = {
        "category": category,
        "program": category.program,
        "form": form,
        "nominees": shuffled_for_visitor(request, category, nominees),
        "message": message,
        "is_open": category.is_open(),
        "results_visible": category.results_visible(),
    }
    return render(request, "awards/category_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def category_detail(request, program, category):
    category = get_category(program, category)
    nominees = list(category.nominees.all())
    if request.method != "POST":
        return render_category(request, category, VoteForm(nominees=nominees))

    form = VoteForm(request.POST, nominees=nominees)
    ip = client_ip(request)
    if not rate_allowed("ip", ballots.keyed_hash("ip", ip), *settings.AWARDS_RATE_PER_IP):
        return rate_limited(request, category, too_many("from your network"), settings.AWARDS_RATE_PER_IP)
    if form.is_bot():
        return render_category(
            request, category, form, 400, "Your vote could not be accepted. Please try again."
        )
    if not category.is_open():
        return render_category(request, category, form, 403, closed_message(category))
    if not form.is_valid():
        return render_category(request, category, form, 400)

    email = normalize_email(form.cleaned_data["email"])
    if refused := over_address_or_domain_limit(request, category, email, ip):
        return refused
    ballot = ballots.Ballot.new(
        category_id=category.pk,
        nominee_id=form.cleaned_data["nominee"],
        email=email,
        ip_hash=ballots.keyed_hash("ip", ip),
        user_agent_hash=ballots.keyed_hash("ua", request.META.get("HTTP_USER_AGENT", "")),
    )
    link = absolute(reverse("awards:confirm", kwargs={"signed": ballots.sign(ballot)}))
    emails.send_ballot(email, category.pk, ballot.nominee_id, link)
    return redirect("awards:sent", program=category.program.slug, category=category.slug)


def over_address_or_domain_limit(request, category, email, ip):
    """The 429 page if this vote request passes a limit on its address or domain; else None.

    The limits are checked in this order, and a request one of them refuses leaves the
    later ones' counters alone:

    1. per mailbox and category (AWARDS_RATE_PER_ADDRESS): ada+1@gmail.com and
       a.da@gmail.com share one allowance;
    2. per IP and email domain (AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN): the most one IP may
       draw from a domain's budget, so k IPs can draw at most k times that;
    3. per email domain (AWARDS_RATE_PER_EMAIL_DOMAIN), googlemail.com counting as gmail.com.

    A handful of IPs hammering gmail.com thus spends a few shares of its budget, and a
    gmail.com voter on any other IP still gets their link.
    """
    voter = mailbox(email)
    domain = ballots.email_domain(voter)
    limit, period = settings.AWARDS_RATE_PER_ADDRESS
    if not rate_allowed("address", ballots.keyed_hash("address", f"{category.pk}:{voter}"), limit, period):
        message = (
            f"This address has asked for {limit} voting links in {category.title} within the hour. "
            "Check your inbox (and spam folder) for the links already sent, or try again later."
        )
        return rate_limited(request, category, message, settings.AWARDS_RATE_PER_ADDRESS)
    share = settings.AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN
    if not rate_allowed("ip-domain", ballots.keyed_hash("ip-domain", f"{ip}:{domain}"), *share):
        message = too_many(f"for addresses at {domain} from your network")
        return rate_limited(request, category, message, share)
    if not rate_allowed("domain", domain, *settings.AWARDS_RATE_PER_EMAIL_DOMAIN):
        message = too_many(f"for addresses at {domain}")
        return rate_limited(request, category, message, settings.AWARDS_RATE_PER_EMAIL_DOMAIN)
    return None


def too_many(scope):
    return f"Too many votes were requested {scope} just now. Please try again later."


def rate_limited(request, category, message, rate):
    """The category page with ``message``, a 429 and Retry-After: the limit's whole period."""
    response = render_category(
        request, category, VoteForm(request.POST, nominees=category.nominees.all()), 429, message
    )
    response["Retry-After"] = str(rate[1])
    return response


def closed_message(category):
    if category.has_closed():
        return f"Voting in {category.title} closed on {category.closes_at:%d %B %Y at %H:%M} UTC."
    return f"Voting in {category.title} opens on {category.opens_at:%d %B %Y at %H:%M} UTC."


@require_GET
def vote_sent(request, program, category):
    category = get_category(program, category)
    return render(request, "awards/vote_sent.html", {"category": category})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, signed):
    """The emailed link opens a page saying what it confirms; only its button counts the vote.

    Mail scanners and link previews fetch the links in emails, so a GET (or HEAD) only
    reads: it shows the nominee and a "Confirm my vote" button, or what already happened
    to this link. The button's POST (CSRF-protected) counts the vote; posting again
    changes nothing.
    """
    try:
        ballot = ballots.unsign(signed)
    except ballots.ExpiredBallot:
        return render(request, "awards/link_problem.html", {"expired": True}, status=410)
    except ballots.TamperedBallot:
        return render(request, "awards/link_problem.html", {"expired": False}, status=400)

    confirmation = voting.confirm(ballot) if request.method == "POST" else voting.preview(ballot)
    outcome = confirmation.outcome
    category = confirmation.category
    context = {
        "outcome": outcome.value,
        "category": category,
        "vote": confirmation.vote,
        "nominee": confirmation.nominee,
        "replaces": confirmation.replaces,
        "closed_message": closed_message(category) if outcome == voting.Outcome.NOT_OPEN else "",
    }
    shows_results = outcome not in (voting.Outcome.GONE, voting.Outcome.PENDING)
    fresh_until = None
    if category and shows_results and category.results_visible():
        context["results_html"], fresh_until = results.rendered_until(category)
    if outcome == voting.Outcome.COUNTED:
        return counted_page(request, context, fresh_until)
    return render(request, "awards/confirm.html", context, status=CONFIRMATION_STATUS[outcome])


# Everyone whose vote for a nominee counts sees the same page, so each process renders it
# once per nominee per results interval and hands the same bytes to the voters after.
counted_pages = {}
COUNTED_PAGES_MAX = 512


def row_values(instance):
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def counted_page(request, context, results_fresh_until=None):
    """The "your vote counted" page; it shows the nominee, category, program and results only.

    Shared only between anonymous voters (no session: no user bar), only while the results
    on it are still fresh, and only if rendering it used no CSRF token (a visitor's own).
    A page with results lasts as long as their shared copy (``results_fresh_until``), so
    it is made once per copy rather than also at each turn of the clock; a page without
    lasts one AWARDS_RESULTS_CACHE_SECONDS window. Either way no copy is older than that.
    """
    seconds = settings.AWARDS_RESULTS_CACHE_SECONDS
    if not seconds or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return render(request, "awards/confirm.html", context)
    nominee = context["vote"].nominee
    key = (
        results_fresh_until if results_fresh_until else int(time.time() // seconds),
        row_values(nominee),
        row_values(nominee.category),
        row_values(nominee.category.program),
        context.get("results_html"),
    )
    content = counted_pages.get(key)
    if content is not None:
        return HttpResponse(content)
    response = render(request, "awards/confirm.html", context)
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        if len(counted_pages) >= COUNTED_PAGES_MAX:
            counted_pages.clear()
        counted_pages[key] = response.content
    return response


@require_GET
def results_page(request, program, category):
    """Anonymous readers share one rendering per category for a couple of seconds.

    However many votes there are, a busy results page then costs one cache read, and
    its counts trail the votes by at most AWARDS_RESULTS_CACHE_SECONDS.
    """
    seconds = settings.AWARDS_RESULTS_CACHE_SECONDS
    # The generation is read already (the page cache asked for it): a save of the program,
    # category or a nominee retires the shared page at once. None: the cache is unreachable.
    generation = generation_for(request)
    shared = bool(seconds) and not request.user.is_authenticated and generation is not None
    key = f"awards:results-page:{generation}:{program}:{category}"
    cached = cache.get(key) if shared else None
    if cached is not None:
        status, content = cached
        response = HttpResponse(content, status=status)
    else:
        response = render_results(request, get_category(program, category))
        if shared:
            cache.set(key, (response.status_code, response.content), seconds)
    # Results move with every vote: keep them out of the anonymous page cache.
    patch_cache_control(response, no_cache=True)
    return response


def render_results(request, category):
    if not (category.results_visible() or can_see_hidden_results(request.user)):
        return render(request, "awards/results_hidden.html", {"category": category}, status=403)
    context = {"category": category, "results": results.for_category(category)}
    return render(request, "awards/results.html", context)


@require_GET
def results_csv(request, program, category):
    category = get_category(program, category)
    if not (category.results_visible() or can_see_hidden_results(request.user)):
        return HttpResponse(
            "Results are hidden until voting closes.\n", status=403, content_type="text/plain; charset=utf-8"
        )
    outcome = results.for_category(category)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{category.program.slug}-{category.slug}.csv"'
    patch_cache_control(response, no_cache=True)
    writer = csv.writer(response)
    writer.writerow(["rank", "nominee", "votes", "share_percent"])
    for standing in outcome.standings:
        writer.writerow([standing.rank, standing.name, standing.count, f"{standing.share:.1f}"])
    return response
