"""Sitbone's clinical engine for proximal hamstring tendinopathy, in standard-library Python.

One implementation serves the web app, the REST API and the ``sitbone engine`` command line:
outcome measures (clinical-brief §4), screening and triage (§3), post-test probability (§2.3),
pain-monitoring decisions and stage gates (§5.3, §5.6), prescription (§5.4–5.5, §5.8) and return to
running (§5.7). Every decision carries reasons citing rule ids from :data:`RULES`; every threshold
is data in :class:`Thresholds`. The engine reads only its own packaged data files.
"""

from sitbone.engine.errors import EngineInputError
from sitbone.engine.instruments import (
    INSTRUMENT_IDS,
    INSTRUMENTS,
    Change,
    Direction,
    InstrumentDefinition,
    Q8Bands,
    ScoreResult,
    instrument_definition,
    score,
    score_groc,
    score_lefs,
    score_nirschl,
    score_nprs,
    score_sitting_tolerance,
    score_visa_h,
)
from sitbone.engine.probability import PROVOCATION_TESTS, PostTestResult, post_test_probability
from sitbone.engine.rules import RULES, Reason, Rule
from sitbone.engine.screening import (
    SCREEN_ITEMS,
    SCREEN_PAGES,
    Likelihood,
    ScreenItem,
    ScreenResult,
    Triage,
    screen,
)
from sitbone.engine.thresholds import DEFAULT_THRESHOLDS, THRESHOLD_SPECS, Thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "INSTRUMENTS",
    "INSTRUMENT_IDS",
    "PROVOCATION_TESTS",
    "RULES",
    "SCREEN_ITEMS",
    "SCREEN_PAGES",
    "THRESHOLD_SPECS",
    "Change",
    "Direction",
    "EngineInputError",
    "InstrumentDefinition",
    "Likelihood",
    "PostTestResult",
    "Q8Bands",
    "Reason",
    "Rule",
    "ScoreResult",
    "ScreenItem",
    "ScreenResult",
    "Thresholds",
    "Triage",
    "instrument_definition",
    "post_test_probability",
    "score",
    "score_groc",
    "score_lefs",
    "score_nirschl",
    "score_nprs",
    "score_sitting_tolerance",
    "score_visa_h",
    "screen",
]
