"""Discharge at the end of treatment, and back into treatment: the patient leaves triage (and the
list of patients to book) for the discharged list, their app asks the end-of-treatment
questionnaires, every change is audited, dates are the clinic's, and a bad date or a stale
second click changes nothing."""

from __future__ import annotations

import datetime as dt

import time_machine

from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from tests.conftest import World, signed_in

# Harbour Physio is in Australia/Sydney: 23:30 UTC on 10 March is 10:30 on 11 March there.
NOW = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)
SYDNEY_TODAY = dt.date(2026, 3, 11)


def treatment_url(patient: Patient) -> str:
    return f"/clinic/patients/{patient.public_id}/treatment/"


def opened_long_ago(patient: Patient) -> Patient:
    Patient.objects.filter(pk=patient.pk).update(created_at=NOW - dt.timedelta(days=120))
    patient.refresh_from_db()
    return patient


def test_a_discharged_patient_leaves_triage_for_the_discharged_list(world: World) -> None:
    patient = opened_long_ago(world.patient)
    with time_machine.travel(NOW, tick=False):
        clinician = signed_in(world.clinician)
        form = clinician.get(treatment_url(patient)).content.decode()
        assert f'value="{SYDNEY_TODAY.isoformat()}"' in form  # today in the clinic's zone
        assert "Pat Patient" in clinician.get("/clinic/").content.decode()
        assert "Pat Patient" in clinician.get("/appointments/book-for/").content.decode()

        response = clinician.post(treatment_url(patient), {"on": SYDNEY_TODAY.isoformat()})

        assert response.status_code == 302
        assert response["Location"] == f"/clinic/patients/{patient.public_id}/"
        patient.refresh_from_db()
        assert patient.discharged_on == SYDNEY_TODAY
        event = AuditEvent.objects.get(action="patient.discharge")
        assert event.patient == patient and event.actor == world.clinician
        assert event.detail == "discharged on 2026-03-11"
        overview = clinician.get(response["Location"]).content.decode()
        assert "Pat Patient was discharged on 11 March 2026." in overview
        assert "Discharged on 11 Mar 2026" in overview
        assert "Pat Patient" not in clinician.get("/clinic/").content.decode()
        assert "Pat Patient" not in clinician.get("/appointments/book-for/").content.decode()

        listed = clinician.get("/clinic/discharged/").content.decode()
        assert "Pat Patient" in listed and "11 Mar 2026" in listed
        assert AuditEvent.objects.filter(
            action="caseload.discharged", patient=patient, actor=world.clinician
        ).exists()

        own = signed_in(world.patient_user).get("/me/questionnaires/").content.decode()
        assert "At the end of your treatment" in own


def test_back_into_treatment_returns_them_to_triage(world: World) -> None:
    patient = opened_long_ago(world.patient)
    Patient.objects.filter(pk=patient.pk).update(discharged_on=dt.date(2026, 3, 1))
    with time_machine.travel(NOW, tick=False):
        admin = signed_in(world.admin)
        assert "Back into treatment" in admin.get(treatment_url(patient)).content.decode()

        response = admin.post(treatment_url(patient), {"reopen": "1"})

        assert response.status_code == 302
        patient.refresh_from_db()
        assert patient.discharged_on is None
        event = AuditEvent.objects.get(action="patient.reopen")
        assert event.detail == "back in treatment (discharged 2026-03-01)"
        assert (
            "Pat Patient is back in treatment." in admin.get(response["Location"]).content.decode()
        )
        assert "Pat Patient" in admin.get("/clinic/").content.decode()

        again = admin.post(treatment_url(patient), {"reopen": "1"})
        assert again.status_code == 409
        assert "Pat Patient is in treatment already." in again.content.decode()
    assert AuditEvent.objects.filter(action="patient.reopen").count() == 1


def test_bad_dates_and_a_second_discharge_change_nothing(world: World) -> None:
    patient = opened_long_ago(world.patient)
    opened = dt.date(2025, 11, 11)  # 23:30 UTC on 10 November, in Sydney
    with time_machine.travel(NOW, tick=False):
        clinician = signed_in(world.clinician)
        for on, message in (
            ("", "This field is required."),
            ("2026-02-30", "Enter a valid date."),
            ("2026-03-12", "The discharge date cannot be in the future."),
            (
                (opened - dt.timedelta(days=1)).isoformat(),
                f"The discharge date cannot be before the record was made ({opened:%-d %B %Y}).",
            ),
        ):
            response = clinician.post(treatment_url(patient), {"on": on})
            assert response.status_code == 400, on
            text = response.content.decode()
            assert "There is a problem" in text and message in text, on
            assert "<title>Error:" in text
        assert Patient.objects.get(pk=patient.pk).discharged_on is None
        assert not AuditEvent.objects.filter(action="patient.discharge").exists()

        assert clinician.post(treatment_url(patient), {"on": "2026-03-02"}).status_code == 302
        second = clinician.post(treatment_url(patient), {"on": "2026-03-11"})
        assert second.status_code == 409
        assert "Pat Patient was discharged on 2 March 2026 already." in second.content.decode()
    assert Patient.objects.get(pk=patient.pk).discharged_on == dt.date(2026, 3, 2)
    assert AuditEvent.objects.filter(action="patient.discharge").count() == 1


def test_the_discharged_list_keeps_to_the_caseload(world: World) -> None:
    Patient.objects.filter(pk__in=[world.patient.pk, world.other_patient.pk]).update(
        discharged_on=dt.date(2026, 3, 1)
    )
    other_clinic = signed_in(world.other_clinic_clinician).get("/clinic/discharged/")
    assert other_clinic.status_code == 200
    assert "Pat Patient" not in other_clinic.content.decode()
    assert signed_in(world.patient_user).get("/clinic/discharged/").status_code == 404
