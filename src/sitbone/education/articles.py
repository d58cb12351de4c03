"""The patient library: short articles in plain language (reading age about 12).

Every fact comes from the clinical brief (shared/clinical-brief.md), in Sitbone's own words; each
article names the brief sections it draws on, and its body lives in
``templates/education/articles/<slug>.html``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    summary: str
    minutes: int
    sources: str
    """Clinical-brief sections the article is written from."""


ARTICLES: tuple[Article, ...] = (
    Article(
        "what-is-pht",
        "What is proximal hamstring tendinopathy?",
        "A sore tendon where your hamstrings join the sitting bone, and why it is not damage.",
        2,
        "§1.1, §1.2, §1.3",
    ),
    Article(
        "sitting-and-stretching",
        "Why sitting and stretching hurt",
        "Squashing the tendon against the bone is what hurts. Here is how to avoid it.",
        2,
        "§1.3, §5.2",
    ),
    Article(
        "causes-and-risks",
        "What causes it, and who gets it",
        "Doing too much too soon is the usual cause. Some things make it more likely.",
        2,
        "§1.4, §1.5",
    ),
    Article(
        "symptoms",
        "Symptoms, and when it is something else",
        "What this pain usually feels like, and the warning signs that need a doctor.",
        2,
        "§2.1, §3.1, §3.2",
    ),
    Article(
        "stages",
        "The four stages of your programme",
        "From holding still to running and jumping, and what moves you on.",
        3,
        "§5.4, §5.6",
    ),
    Article(
        "pain-traffic-light",
        "The pain traffic light",
        "How to tell whether the tendon is coping: green, amber and red.",
        2,
        "§5.3",
    ),
    Article(
        "load-management",
        "Managing your load day to day",
        "Sitting, running, gym work and stretching while the tendon settles.",
        2,
        "§5.2",
    ),
    Article(
        "cross-training",
        "Staying fit while you recover",
        "Which activities usually keep you fit without upsetting the tendon.",
        2,
        "§5.2",
    ),
    Article(
        "biomechanics",
        "Glutes, trunk and running style",
        "Why your physio works on more than the hamstring.",
        2,
        "§5.8",
    ),
    Article(
        "other-treatments",
        "Other treatments and how good the evidence is",
        "Shockwave, injections, dry needling and surgery, honestly rated.",
        3,
        "§5.9, §5.10",
    ),
    Article(
        "how-long",
        "How long it takes",
        "Usually three to six months, led by how your tendon responds, not the calendar.",
        2,
        "§5.4, §5.11",
    ),
)

BY_SLUG = {article.slug: article for article in ARTICLES}
