"""Progress: server-drawn charts with zone bands, a table for each and plain-words summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.measures.models import MeasureResult
from sitbone.patients.progress import trend_sentence
from sitbone.programmes.models import Programme
from tests.conftest import World
from tests.patients.conftest import TODAY


def history(world: World, programme: Any, mornings: list[int]) -> None:
    """Sessions every other day for three weeks, each followed by a morning check."""
    start = TODAY - dt.timedelta(days=2 * len(mornings))
    Programme.objects.filter(pk=programme.pk).update(
        created_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
    )
    for index, pain in enumerate(mornings):
        day = start + dt.timedelta(days=2 * index)
        SessionLog.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            programme=programme,
            performed_on=day,
            pain_during=min(10, pain + 1),
            pain_after=pain,
        )
        MorningCheck.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            checked_on=day + dt.timedelta(days=1),
            task="bridge_single_leg_short_lever",
            pain=pain,
        )


def test_the_summary_says_how_next_morning_pain_has_settled() -> None:
    days = [TODAY - dt.timedelta(days=21 - 2 * i) for i in range(11)]
    pains = [5, 5, 5, 4, 4, 3, 3, 3, 2, 2, 2]
    text = trend_sentence("Next-morning pain", list(zip(days, pains, strict=True)))
    assert text == "Next-morning pain has settled from 5 to 2 over 3 weeks."


def test_the_summary_handles_rising_flat_single_and_empty_series() -> None:
    day = TODAY
    assert "has risen from 2 to 5" in trend_sentence(
        "Pain during", [(day - dt.timedelta(days=14), 2), (day, 5)]
    )
    assert "has stayed at about 3" in trend_sentence(
        "Pain during", [(day - dt.timedelta(days=7), 3), (day, 3)]
    )
    assert trend_sentence("Pain during", [(day, 4)]).startswith("Pain during was 4 out of 10")
    assert trend_sentence("Pain during", []) == "No pain during recorded yet."


def test_the_progress_page_draws_pain_with_zone_bands_a_table_and_a_summary(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    history(world, programme, [5, 5, 5, 4, 4, 3, 3, 3, 2, 2, 2])
    html = patient_client.get("/me/progress/").content.decode()
    assert "Next-morning pain has settled from 5 to 2 over 3 weeks." in html
    assert '<svg class="chart"' in html and 'role="img"' in html
    for band in ("band-green", "band-amber", "band-red"):
        assert band in html
    assert "<caption>Pain scores by day</caption>" in html
    assert "Sessions each week" in html
    assert "planned sessions in the last" in html
    assert "Stage 1</strong> from" in html
    assert " style=" not in html


def test_visa_h_and_lefs_charts_state_change_with_the_mcid_rule(
    world: World, patient_client: Client, clock: Any
) -> None:
    from sitbone.measures.services import measure_record

    lefs_before, lefs_after = [2] * 20, [3] * 20
    visa = {"q1": 5, "q2": 5, "q3": 5, "q4": 5, "q5": 5, "q6": 5, "q7": 4}
    visa_q8 = {"branch": "pain_not_stopping", "minutes": 25}
    visits = ((TODAY - dt.timedelta(weeks=4), lefs_before, 0), (TODAY, lefs_after, 2))
    for taken_on, lefs, bump in visits:
        measure_record(
            actor=world.patient_user,
            patient=world.patient,
            instrument="lefs",
            answers=lefs,
            taken_on=taken_on,
        )
        measure_record(
            actor=world.patient_user, patient=world.patient, instrument="visa_h",
            answers={**{k: v + bump for k, v in visa.items() if k != "q7"}, "q7": 4, "q8": visa_q8},
            taken_on=taken_on,
        )  # fmt: skip
    html = patient_client.get("/me/progress/").content.decode()
    assert "LEFS went from 40 to 60 (+20)" in html
    assert "so this is an important change" in html
    assert "No size of change has been published as clinically important for VISA-H" in html


def test_an_empty_progress_page_explains_what_to_do(patient_client: Client, clock: Any) -> None:
    html = patient_client.get("/me/progress/").content.decode()
    assert "Log a session and a morning check-in to see your pain chart." in html


def test_chart_text_is_escaped() -> None:
    from sitbone.patients.charts import Axis, Series, line_chart

    svg = line_chart(
        chart_id="x",
        title="<script>",
        desc="a & b",
        series=[Series("<b>", [(TODAY, 1)], "series-during")],
        axis=Axis(0, 10, (0, 10)),
        start=TODAY - dt.timedelta(days=1),
        end=TODAY,
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_staff_cannot_open_the_patient_progress_page(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    assert client.get("/me/progress/").status_code == 404


def test_results_from_another_patient_never_appear(
    world: World, patient_client: Client, clock: Any
) -> None:
    MeasureResult.objects.create(
        clinic=world.clinic,
        patient=world.other_patient,
        instrument="visa_h",
        taken_on=TODAY,
        answers={},
        total=77,
    )
    html = patient_client.get("/me/progress/").content.decode()
    assert "No VISA-H yet" in html
