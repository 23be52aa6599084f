from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404


def page_or_404(paginator, number, items="results"):
    """The requested page, or a 404 that says why ("abc" is no number, 9 is past the end)."""
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        raise Http404(f"“{str(number)[:20]}” is not a page number.") from None
    except EmptyPage:
        raise Http404(
            f"There are {paginator.num_pages} page(s) of {items}; there is no page {str(number)[:20]}."
        ) from None
