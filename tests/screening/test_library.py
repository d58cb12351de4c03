"""The public patient library: every article renders, in plain words, with no sign-in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sitbone.education.articles import ARTICLES

pytestmark = pytest.mark.django_db


def test_the_library_lists_every_article() -> None:
    html = Client().get("/learn/").content.decode()
    for article in ARTICLES:
        assert f'href="/learn/{article.slug}/"' in html


@pytest.mark.parametrize("slug", [article.slug for article in ARTICLES])
def test_each_article_renders_with_its_title(slug: str) -> None:
    response = Client().get(f"/learn/{slug}/")
    assert response.status_code == 200
    title = next(a.title for a in ARTICLES if a.slug == slug)
    assert f"<h1>{title}</h1>".replace("'", "&#x27;") in response.content.decode()


def test_articles_use_short_sentences() -> None:
    """A rough reading-age check: average sentence length stays low (about age 12)."""
    for article in ARTICLES:
        html = Client().get(f"/learn/{article.slug}/").content.decode()
        article_html = html.split("<article", 1)[1].split("</article>", 1)[0]
        body = re.sub(r"<[^>]+>", " ", re.sub(r"</(li|p|h1|h2)>", ". ", article_html))
        sentences = [s for s in re.split(r"[.!?]\s", body) if len(s.split()) > 2]
        words = sum(len(s.split()) for s in sentences)
        assert words / len(sentences) < 16, article.slug


def test_an_unknown_article_is_a_404() -> None:
    assert Client().get("/learn/no-such-article/").status_code == 404


def test_the_symptoms_article_sends_warning_signs_to_emergency_care() -> None:
    html = Client().get("/learn/symptoms/").content.decode()
    assert "Go to an emergency department now" in html
