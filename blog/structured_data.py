"""An article's JSON-LD: Article, and FAQPage when its body asks questions."""

from core.templatetags.seo_tags import absolute_url


def article_json_ld(page, request, meta):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": meta["description"],
        "mainEntityOfPage": meta["canonical"],
        "datePublished": page.date.isoformat(),
        "dateModified": (page.last_published_at or page.date).isoformat(),
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute_url(request, author.get_absolute_url())}
            for author in page.authors
        ],
        "publisher": {"@type": "Organization", "name": meta["seo"].organisation_name},
        "articleSection": page.category.name,
    }
    if meta["image_url"]:
        data["image"] = [meta["image_url"]]
    return data


def faq_json_ld(page):
    items = page.faq_items()
    if not items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item["question"],
                "acceptedAnswer": {"@type": "Answer", "text": str(item["answer"])},
            }
            for item in items
        ],
    }
