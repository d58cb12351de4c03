"""Request and response shapes, named `<Thing><Use>In` / `<Thing><Use>Out`.

Every field is listed explicitly (no model dumps): what a client may send is exactly what is read,
and what it gets is exactly what is meant to leave the server. Ids are the public UUIDs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, get_args

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from sitbone.web.text import control_character_message


class StrictIn(Schema):
    """Input that refuses unknown fields, so nobody can set what they are not meant to, and text
    with control or formatting characters, as every form does (sitbone.web.text; NUL among
    them, which PostgreSQL cannot store). A number field refuses true and false, which Python
    would otherwise take as 1 and 0."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and (message := control_character_message(value)):
            raise ValueError(f"{message}.")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name:
            annotation = cls.model_fields[info.field_name].annotation
            if annotation is int or (
                int in get_args(annotation) and bool not in get_args(annotation)
            ):
                raise ValueError("Enter a number, not true or false.")
        return value


class Out(BaseModel):
    """A response shape. The presenters (sitbone.api.presenters) hand over plain values, which
    pydantic checks in its compiled core; django-ninja's own Schema would first wrap every
    object of a page (a session and each of its exercises) in an attribute reader, which cost
    more than reading the rows."""

    model_config = ConfigDict(from_attributes=True)


# Who is calling


class ClinicRefOut(Out):
    id: uuid.UUID
    name: str
    time_zone: str


class TokenInfoOut(Out):
    id: uuid.UUID
    name: str
    prefix: str
    expires_at: dt.datetime


class MeOut(Out):
    kind: str = Field(description="`token`, `staff` or `patient`.")
    scopes: list[str]
    clinic: ClinicRefOut
    patient_id: uuid.UUID | None = Field(description="Your own patient record (patients only).")
    token: TokenInfoOut | None


# Patients


class PatientOut(Out):
    id: uuid.UUID
    clinic_id: uuid.UUID
    full_name: str
    email: str
    date_of_birth: dt.date | None
    affected_side: str
    activities: str
    goals: str
    equipment: list[str]
    irritability: str
    stage: int = Field(description="Loading stage 1–4; 5 = returned to sport.")
    assigned_clinician_ids: list[uuid.UUID]
    created_at: dt.datetime
    discharged_on: dt.date | None


class PatientPageOut(Out):
    items: list[PatientOut]
    next_cursor: str | None


# Programmes


class ProgrammeExerciseOut(Out):
    exercise_id: str
    name: str
    order: int
    sets: int
    reps: int | None
    hold_seconds: int | None
    load: str
    rest_seconds: int


class ProgrammeOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    version: int
    stage: int
    sessions_per_week: int
    is_current: bool
    reason: str
    created_at: dt.datetime
    exercises: list[ProgrammeExerciseOut]


class ProgrammePageOut(Out):
    items: list[ProgrammeOut]
    next_cursor: str | None


# Loading sessions


class SessionEntryIn(StrictIn):
    exercise_id: str = Field(min_length=1, max_length=64, description="Exercise catalogue id.")
    sets_done: int = Field(ge=0, le=20)
    reps: int | None = Field(None, ge=0, le=500)
    hold_seconds: int | None = Field(None, ge=0, le=600)
    load: str = Field("", max_length=60)
    pain_during: int = Field(ge=0, le=10)


class SessionEntryOut(Out):
    exercise_id: str
    sets_done: int
    reps: int | None
    hold_seconds: int | None
    load: str
    pain_during: int


class SessionLogCreateIn(StrictIn):
    performed_on: dt.date = Field(description="The day, in the clinic's time zone.")
    pain_during: int = Field(ge=0, le=10, description="Pain 0–10 during the session (NPRS).")
    pain_after: int = Field(ge=0, le=10, description="Pain 0–10 straight after.")
    completed: bool = True
    notes: str = Field("", max_length=1000)
    entries: list[SessionEntryIn] = Field(default_factory=list, max_length=40)


class SessionLogOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    programme_id: uuid.UUID
    performed_on: dt.date
    pain_during: int
    pain_after: int
    completed: bool
    notes: str
    entries: list[SessionEntryOut]
    created_at: dt.datetime


class SessionLogPageOut(Out):
    items: list[SessionLogOut]
    next_cursor: str | None


# Morning check-ins


class MorningCheckCreateIn(StrictIn):
    checked_on: dt.date = Field(description="The morning, in the clinic's time zone.")
    pain: int = Field(ge=0, le=10, description="Pain 0–10 on the morning load test.")
    stiffness_minutes: int = Field(0, ge=0, le=600)
    task: str = Field(
        "bridge_hold_single_leg_short_lever",
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9_]+$",
        description="Exercise catalogue id of the load test done.",
    )


class MorningCheckOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    checked_on: dt.date
    task: str
    pain: int
    stiffness_minutes: int
    created_at: dt.datetime


class MorningCheckPageOut(Out):
    items: list[MorningCheckOut]
    next_cursor: str | None


# Outcome measures


class MeasureCreateIn(StrictIn):
    instrument: str = Field(
        min_length=1,
        max_length=32,
        description="lefs, visa_h, nprs, groc, nirschl or sitting_tolerance.",
    )
    taken_on: dt.date
    answers: Any = Field(
        description="Item answers as `sitbone engine score` takes them: LEFS a list of 20 "
        "integers 0–4; VISA-H an object q1…q8."
    )


class MeasureOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    instrument: str
    taken_on: dt.date
    answers: Any
    total: int
    created_at: dt.datetime


class MeasureCreatedOut(Out):
    measure: MeasureOut
    score: dict[str, Any] = Field(description="The engine's scoring, with change from before.")


class MeasurePageOut(Out):
    items: list[MeasureOut]
    next_cursor: str | None


# Decisions


class ReasonOut(Out):
    rule: str
    text: str


class DecisionOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    made_on: dt.date
    zone: str
    action: str
    stage_from: int
    stage_to: int
    stage_change: str
    running_ready: bool
    reasons: list[ReasonOut]
    approval: str
    reviewed_at: dt.datetime | None
    created_at: dt.datetime


class DecisionPageOut(Out):
    items: list[DecisionOut]
    next_cursor: str | None


# Assessments (when the assessments app is installed)


class AssessmentOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    assessed_on: dt.date
    affected_side: str
    screening_answers: dict[str, Any]
    screening_result: dict[str, Any]
    training_spike: bool
    previous_hamstring_injury: bool
    prolonged_sitting: bool
    stretching_habit: str
    age_years: int | None
    puranen_orava: str
    bent_knee: str
    modified_bent_knee: str
    pretest_probability: float
    posttest_probability: float | None
    posttest_test: str
    red_flags_present: list[str]
    differentials_suspected: list[str]
    slb_short_lever_pain: int | None
    slb_reps_left: int | None
    slb_reps_right: int | None
    curl_10rm_left_kg: float | None
    curl_10rm_right_kg: float | None
    drop_lunge_pain: int | None
    single_leg_rdl_pain: int | None
    rest_pain: int | None
    sport_load_pain: int | None
    sitting_tolerance_minutes: int | None
    notes: str
    created_at: dt.datetime


class AssessmentPageOut(Out):
    items: list[AssessmentOut]
    next_cursor: str | None


# Appointments (when the appointments app is installed)


class AppointmentOut(Out):
    id: uuid.UUID
    patient_id: uuid.UUID
    clinician_id: uuid.UUID
    clinician_name: str
    kind: str = Field(description="The appointment type's name.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str = Field(description="booked or cancelled")
    created_at: dt.datetime


class AppointmentPageOut(Out):
    items: list[AppointmentOut]
    next_cursor: str | None
