"""The public patient library."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sitbone.education.articles import ARTICLES, BY_SLUG


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "education/index.html", {"articles": ARTICLES})


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = BY_SLUG.get(slug)
    if found is None:
        raise Http404("No such article")
    position = ARTICLES.index(found)
    following = ARTICLES[position + 1] if position + 1 < len(ARTICLES) else None
    return render(
        request,
        "education/article.html",
        {"article": found, "body": f"education/articles/{found.slug}.html", "next": following},
    )
