"""Assessments: the engine's post-test probability and screening are stored as it gave them,
symmetry is painful ÷ other side, and saved assessments feed the stage gates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from sitbone.assessments.mappers import gates_from_assessment, limb_symmetry
from sitbone.assessments.models import Assessment
from sitbone.assessments.selectors import latest_assessment
from sitbone.engine.commands import COMMANDS
from sitbone.programmes.models import Approval
from sitbone.programmes.services import decision_record
from tests.clinics.factories import assessment_for, clinic_today, programme_for, session_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessed_on": clinic_today(world.patient).isoformat(),
        "stretching_habit": "none",
        "pretest_percent": "40",
        "modified_bent_knee": "positive",
        "bent_knee": "",
        "puranen_orava": "",
        "screen_sitting_pain_at_sit_bone": "on",
        "screen_gradual_onset": "on",
        "training_spike": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(world: World, user: Any = None, **changes: Any) -> Any:
    url = f"/clinic/patients/{world.patient.public_id}/assessments/new/"
    return client_for(user or world.clinician).post(url, form_data(world, **changes))


def test_a_positive_modified_bent_knee_gives_the_engines_post_test_probability(
    world: World,
) -> None:
    response = post(world)

    assert response.status_code == 302
    assessment = Assessment.objects.get(patient=world.patient)
    engine = COMMANDS["post-test"](
        {"pretest": Decimal("0.4"), "tests": [{"name": "modified_bent_knee", "result": "positive"}]}
    )
    assert assessment.posttest_probability == Decimal(str(engine["posttest"])) == Decimal("0.872")
    assert assessment.posttest_test == "modified_bent_knee"
    assert assessment.posttest_likelihood_ratio == Decimal("10.2")
    assert assessment.pretest_probability == Decimal("0.400")
    assert assessment.assessed_by == world.clinician
    assert assessment.training_spike is True
    assert assessment.screening_result["pht_likelihood"] == "possible"
    page = client_for(world.clinician).get(response["Location"]).content.decode()
    assert "Post-test probability: 87%" in page
    assert "Modified bent-knee stretch test" in page


def test_only_the_most_accurate_stretch_test_is_applied(world: World) -> None:
    post(world, modified_bent_knee="", bent_knee="negative", puranen_orava="positive")

    assessment = Assessment.objects.get(patient=world.patient)
    assert assessment.posttest_test == "bent_knee"
    assert assessment.posttest_likelihood_ratio == Decimal("0.18")
    assert [r["rule"] for r in assessment.posttest_reasons] == [
        "PTP-LIKELIHOOD-RATIO",
        "PTP-MOST-ACCURATE-ONLY",
    ]


def test_without_a_stretch_test_there_is_no_post_test_probability(world: World) -> None:
    post(world, modified_bent_knee="")

    assessment = Assessment.objects.get(patient=world.patient)
    assert assessment.posttest_probability is None
    assert assessment.posttest_test == ""


def test_the_form_starts_from_the_clinic_default_pre_test_probability(world: World) -> None:
    world.clinic.default_pretest_probability = Decimal("0.350")
    world.clinic.save()

    page = client_for(world.clinician).get(
        f"/clinic/patients/{world.patient.public_id}/assessments/new/"
    )

    assert 'value="35.000"' in page.content.decode() or 'value="35.0"' in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pretest_percent": "0"}, "above 0% and below 100%"),
        ({"pretest_percent": "100"}, "above 0% and below 100%"),
        ({"pretest_percent": "forty"}, "Enter a number"),
        ({"drop_lunge_pain": "11"}, "less than or equal to 10"),
        ({"modified_bent_knee": "maybe"}, "Select a valid choice"),
        ({"curl_10rm_left_kg": "-3"}, "greater than or equal to 0"),
        ({"assessed_on": "2999-01-01"}, "between 1 January 2000 and today"),
        ({"notes": "x" * 4001}, "at most 4000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(
    world: World, change: dict[str, str], message: str
) -> None:
    response = post(world, **change)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Assessment.objects.exists()


def test_another_clinics_clinician_cannot_record_an_assessment(world: World) -> None:
    response = post(world, user=world.other_clinic_clinician)

    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("left", "right", "side", "expected"),
    [
        (30, 27, "right", Decimal("0.900")),
        (27, 30, "left", Decimal("0.900")),
        (Decimal("29.9"), Decimal("26.9"), "right", Decimal("0.899")),  # 0.89966…: never up
        (20, 30, "right", Decimal("1.500")),
        (10, 30, "right", Decimal("2")),  # the engine's ceiling
        (30, 27, "both", None),
        (None, 27, "right", None),
        (0, 27, "right", None),
    ],
)
def test_limb_symmetry_is_painful_side_over_the_other_truncated_to_three_places(
    left: Any, right: Any, side: str, expected: Decimal | None
) -> None:
    assert limb_symmetry(left=left, right=right, affected_side=side) == expected


def test_gates_come_from_the_latest_assessment_on_or_before_the_day(world: World) -> None:
    today = clinic_today(world.patient)
    assessment_for(
        world.patient,
        assessed_on=today - dt.timedelta(days=10),
        affected_side="right",
        curl_10rm_left_kg=Decimal("30"),
        curl_10rm_right_kg=Decimal("28"),
        slb_reps_left=24,
        slb_reps_right=22,
        drop_lunge_pain=2,
    )
    assessment_for(world.patient, assessed_on=today, rest_pain=0)

    def gates_for(patient: Any, as_of: dt.date | None = None) -> dict[str, Any]:
        return gates_from_assessment(latest_assessment(patient=patient, as_of=as_of))

    assert gates_for(world.patient, as_of=today - dt.timedelta(days=1)) == {
        "drop_lunge_pain": 2,
        "curl_10rm_lsi": Decimal("0.933"),
        "slb_reps_lsi": Decimal("0.916"),
    }
    assert gates_for(world.patient) == {"rest_pain": 0}
    assert gates_for(world.patient, as_of=today - dt.timedelta(days=11)) == {}


def green_sessions_at_stage_2(world: World, today: dt.date) -> None:
    world.patient.stage = 2
    world.patient.save()
    programme_for(world.patient, stage=2)
    for days_ago in (6, 4, 2):
        session_for(world.patient, today - dt.timedelta(days=days_ago), morning=1)


def test_a_saved_assessment_meeting_the_gate_makes_the_engine_propose_an_advance(
    world: World,
) -> None:
    today = clinic_today(world.patient)
    green_sessions_at_stage_2(world, today)
    before = decision_record(patient=world.patient, made_on=today - dt.timedelta(days=1))

    response = post(
        world,
        curl_10rm_left_kg="30",
        curl_10rm_right_kg="28",
        slb_reps_left="24",
        slb_reps_right="22",
    )

    assert response.status_code == 302
    assert (before.action, before.stage_change) == ("progress", "stay")
    latest = world.patient.decisions.order_by("-id").first()
    assert latest.stage_change == "advance"
    assert latest.approval == Approval.PENDING
    assert (latest.stage_from, latest.stage_to) == (2, 3)
    rules = [r["rule"] for r in latest.reasons]
    assert "GATE-2-3-CURL-LSI" in rules


def test_an_assessment_short_of_the_gate_keeps_the_stage(world: World) -> None:
    today = clinic_today(world.patient)
    green_sessions_at_stage_2(world, today)

    post(
        world,
        curl_10rm_left_kg="30",
        curl_10rm_right_kg="24",
        slb_reps_left="24",
        slb_reps_right="22",
    )

    latest = world.patient.decisions.order_by("-id").first()
    assert (latest.action, latest.stage_change) == ("progress", "stay")
    curl = next(r for r in latest.reasons if r["rule"] == "GATE-2-3-CURL-LSI")
    assert "80%" in curl["text"]
