"""The patient's own pages: Today, the guided session and its log, the next-morning check-in,
load (sitting, cross-training, running), reminders, questionnaires and progress.

Every view is thin: authorise through the access module (a patient reaches only their own
record; anything else is a 404), parse one form, call one service or selector, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sitbone.clinics.access import record_for_own_patient, require_own_patient
from sitbone.diary import selectors as diary
from sitbone.diary.forms import (
    SEAT_SETUP_ADVICE,
    CrossTrainingForm,
    MorningCheckForm,
    NextMorningPainForm,
    ReminderPreferenceForm,
    RunLogForm,
    SessionLogForm,
    SittingLogForm,
)
from sitbone.diary.models import CrossTrainingLog, RunLog, SessionLog
from sitbone.diary.services import (
    cross_training_log_create,
    morning_check_record,
    next_morning_pain_record,
    reminder_preference_save,
    run_log_create,
    session_log_create,
    sitting_log_create,
)
from sitbone.engine.errors import EngineInputError
from sitbone.engine.instruments import INSTRUMENTS, instrument_definition
from sitbone.engine.running import RUN_LADDER, RUN_WARM_UP
from sitbone.measures.models import MeasureResult
from sitbone.measures.services import measure_record, measure_score
from sitbone.patients.decisions import decision_view
from sitbone.patients.exercises import exercise_name, names_for, programme_cards
from sitbone.patients.forms import EquipmentForm, redrawn_after_conflict
from sitbone.patients.models import Patient
from sitbone.patients.progress import progress_overview
from sitbone.patients.questionnaires import (
    PATIENT_INSTRUMENTS,
    ItemForm,
    answer_label,
    clear_answers,
    first_missing,
    questionnaires_status,
    save_answer,
    saved_answers,
)
from sitbone.patients.services import (
    DetailsConflict,
    details_fingerprints,
    patient_equipment_update,
)
from sitbone.programmes.models import Decision
from sitbone.push.selectors import push_panel_for
from sitbone.web.http import AuthenticatedHttpRequest


def _day(patient: Patient, choice: str) -> dt.date:
    today = diary.patient_today(patient)
    return today - dt.timedelta(days=1) if choice == "yesterday" else today


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Today: the morning check-in first when it is due, then the latest decision and today's
    exercises."""
    patient = require_own_patient(request.user)
    today = diary.patient_today(patient)
    programme = diary.current_programme(patient=patient)
    decision = diary.latest_decision(patient=patient)
    due, _ = questionnaires_status(patient=patient, today=today)
    return render(
        request,
        "patients/home.html",
        {
            "patient": patient,
            "today": today,
            "checkin_due": diary.morning_check_due(patient=patient, today=today),
            "checked_in_today": diary.morning_check_on(patient=patient, day=today),
            "morning_form": MorningCheckForm(),
            "programme": programme,
            "cards": programme_cards(programme),
            "done_today": diary.sessions_on(patient=patient, day=today),
            "decision": decision_view(decision) if decision else None,
            "questionnaires_due": due,
            "welcome": request.GET.get("welcome") == "1",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Guided session mode (timers are an enhancement) and the log form on one page."""
    patient = require_own_patient(request.user)
    programme = diary.current_programme(patient=patient)
    exercises = list(programme.exercises.all()) if programme else []
    form = SessionLogForm(
        request.POST if request.method == "POST" else None,
        exercises=exercises,
        names=names_for(programme),
    )
    if request.method == "POST" and programme is not None and form.is_valid():
        logged, created = session_log_create(
            actor=request.user,
            patient=patient,
            programme=programme,
            performed_on=_day(patient, form.cleaned_data["day"]),
            entries=form.entries(),
            pain_after=form.cleaned_data["pain_after"],
            completed=form.cleaned_data["completed"],
            notes=form.cleaned_data["notes"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        if created:
            messages.success(request, "Session saved. Well done.")
        return redirect("patients:session_detail", session_id=logged.public_id)
    cards = programme_cards(programme)
    fields_by_exercise = dict(
        zip([c.item.pk for c in cards], [f for _, f in form.exercise_fields()], strict=True)
    )
    return render(
        request,
        "patients/session.html",
        {
            "patient": patient,
            "programme": programme,
            "form": form,
            "exercises": [(card, fields_by_exercise[card.item.pk]) for card in cards],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def equipment(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The patient says what equipment they have; their physio's next programme uses it."""
    patient = require_own_patient(request.user)
    form = EquipmentForm(
        request.POST if request.method == "POST" else None,
        initial={
            "equipment": list(patient.equipment or []),
            "opened": details_fingerprints({"equipment": patient.equipment}),
        },
    )
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            changed = patient_equipment_update(
                actor=request.user,
                patient=patient,
                equipment=form.cleaned_data["equipment"],
                opened=form.cleaned_data["opened"],
            )
        except DetailsConflict as conflict:
            form = redrawn_after_conflict(
                EquipmentForm,
                request.POST,
                conflict,
                "Your equipment list was changed somewhere else after you opened this page (by "
                "your physio, or by you in another window), so nothing was saved. The list below "
                "is the one saved now: change it and save again.",
            )
            status = 409
        else:
            messages.success(
                request,
                "Saved. Your physio uses this list when they next set your programme."
                if changed
                else "Nothing was changed.",
            )
            return redirect("patients:equipment")
    return render(
        request, "patients/equipment.html", {"form": form, "patient": patient}, status=status
    )


@login_required
@require_POST
def keep_alive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pinged by the session page while it is open, so a long workout does not end in an idle
    sign-out that would lose the log (WCAG 2.2.1); the timeout middleware counts this as
    activity. Only the patient's own session is touched."""
    require_own_patient(request.user)
    return HttpResponse(status=204)


@login_required
@require_GET
def session_detail(request: AuthenticatedHttpRequest, session_id: str) -> HttpResponse:
    logged = record_for_own_patient(
        actor=request.user,
        queryset=SessionLog.objects.prefetch_related("entries"),
        public_id=session_id,
        request=request,
        what="session",
    )
    patient = require_own_patient(request.user)
    decision = (
        Decision.objects.filter(patient=patient, made_on=logged.performed_on)
        .order_by("-id")
        .first()
    )
    entries = [(exercise_name(e.exercise_id), e) for e in logged.entries.all()]
    today = diary.patient_today(patient)
    return render(
        request,
        "patients/session_detail.html",
        {
            "logged": logged,
            "entries": entries,
            "decision": decision_view(decision) if decision else None,
            "logged_today": logged.performed_on == today,
            "checkin_due": diary.morning_check_due(patient=patient, today=today),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def morning(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    today = diary.patient_today(patient)
    form = MorningCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        checkin = morning_check_record(
            actor=request.user,
            patient=patient,
            checked_on=today,
            pain=form.cleaned_data["pain"],
            stiffness_minutes=form.cleaned_data["stiffness_minutes"],
        )
        if checkin.decision is not None:
            return redirect("patients:decision", decision_id=checkin.decision.public_id)
        return redirect("patients:home")
    existing = diary.morning_check_on(patient=patient, day=today)
    return render(
        request,
        "patients/morning.html",
        {"form": form, "existing": existing, "today": today},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def decision(request: AuthenticatedHttpRequest, decision_id: str) -> HttpResponse:
    found = record_for_own_patient(
        actor=request.user,
        queryset=Decision.objects.all(),
        public_id=decision_id,
        request=request,
        what="decision",
    )
    return render(request, "patients/decision.html", {"view": decision_view(found)})


def _morning_prefix(log: RunLog | CrossTrainingLog) -> str:
    return f"nm-{log.public_id.hex[:12]}"


def _load_context(patient: Patient, **forms: Any) -> dict[str, Any]:
    decision = diary.latest_decision(patient=patient)
    running_ready = bool(decision and decision.running_ready)
    today = diary.patient_today(patient)
    runs = diary.run_logs(patient=patient)
    crosses = diary.cross_training_logs(patient=patient)
    failed = forms.get("morning_form")
    awaiting = []
    for kind, label, logs in (("run", "Run", runs), ("cross-training", None, crosses)):
        for log in logs:
            if log.next_morning_pain is None and log.performed_on < today:
                prefix = _morning_prefix(log)
                form = failed if failed is not None and failed.prefix == prefix else None
                name = label or log.get_activity_display()  # type: ignore[union-attr]
                awaiting.append((kind, name, log, form or NextMorningPainForm(prefix=prefix)))
    return {
        "patient": patient,
        "today": today,
        "sitting_form": forms.get("sitting_form") or SittingLogForm(prefix="sitting"),
        "cross_form": forms.get("cross_form") or CrossTrainingForm(prefix="cross"),
        "run_form": forms.get("run_form") or _run_form(None),
        "sitting": diary.sitting_logs(patient=patient),
        "setup_advice": SEAT_SETUP_ADVICE,
        "crosses": crosses,
        "runs": runs,
        "running_ready": running_ready,
        "ladder": RUN_LADDER if running_ready else (),
        "warm_up": RUN_WARM_UP,
        "current_step": next((r.ladder_step for r in runs if r.ladder_step), None),
        "run_plan": diary.run_plan(patient=patient, today=today, running_ready=True)
        if running_ready
        else None,
        "awaiting": awaiting,
        "morning_error": failed,
    }


def _run_form(data: Any) -> RunLogForm:
    return RunLogForm(data, prefix="run", steps=[(s.step, s.title) for s in RUN_LADDER])


@login_required
@require_GET
def load(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    return render(request, "patients/load.html", _load_context(patient))


@login_required
@require_POST
def load_sitting(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    form = SittingLogForm(request.POST, prefix="sitting")
    if form.is_valid():
        sitting_log_create(
            actor=request.user,
            patient=patient,
            logged_on=diary.patient_today(patient),
            minutes_to_pain=form.cleaned_data["minutes_to_pain"],
            seat=form.cleaned_data["seat"],
            pain_after=form.cleaned_data["pain_after"],
            setup=form.cleaned_data["setup"],
        )
        messages.success(request, "Sitting time saved.")
        return HttpResponseRedirect(reverse("patients:load") + "#sitting")
    return render(
        request, "patients/load.html", _load_context(patient, sitting_form=form), status=400
    )


@login_required
@require_POST
def load_cross_training(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    form = CrossTrainingForm(request.POST, prefix="cross")
    if form.is_valid():
        cross_training_log_create(
            actor=request.user,
            patient=patient,
            performed_on=_day(patient, form.cleaned_data["day"]),
            activity=form.cleaned_data["activity"],
            minutes=form.cleaned_data["minutes"],
            pain_during=form.cleaned_data["pain_during"],
        )
        messages.success(request, "Cross-training saved.")
        return HttpResponseRedirect(reverse("patients:load") + "#cross-training")
    return render(
        request, "patients/load.html", _load_context(patient, cross_form=form), status=400
    )


@login_required
@require_POST
def load_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    form = _run_form(request.POST)
    if form.is_valid():
        run_log_create(
            actor=request.user,
            patient=patient,
            performed_on=_day(patient, form.cleaned_data["day"]),
            minutes=form.cleaned_data["minutes"],
            ladder_step=form.cleaned_data["ladder_step"],
            pain_during=form.cleaned_data["pain_during"],
            pain_after=form.cleaned_data["pain_after"],
        )
        messages.success(request, "Run saved. Add your pain tomorrow morning.")
        return HttpResponseRedirect(reverse("patients:load") + "#running")
    return render(request, "patients/load.html", _load_context(patient, run_form=form), status=400)


@login_required
@require_POST
def load_next_morning(request: AuthenticatedHttpRequest, kind: str, log_id: str) -> HttpResponse:
    patient = require_own_patient(request.user)
    querysets: dict[str, QuerySet[Any]] = {
        "run": RunLog.objects.all(),
        "cross-training": CrossTrainingLog.objects.all(),
    }
    if kind not in querysets:
        raise Http404("No such log")
    log: RunLog | CrossTrainingLog = record_for_own_patient(
        actor=request.user,
        queryset=querysets[kind],
        public_id=log_id,
        request=request,
        what=kind,
    )
    form = NextMorningPainForm(request.POST, prefix=_morning_prefix(log))
    if form.is_valid():
        next_morning_pain_record(
            actor=request.user,
            patient=patient,
            log=log,
            pain=form.cleaned_data["next_morning_pain"],
        )
        messages.success(request, "Next-morning pain saved.")
        return redirect("patients:load")
    return render(
        request, "patients/load.html", _load_context(patient, morning_form=form), status=400
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    current = diary.reminder_preference(patient=patient)
    initial = (
        {
            "session_time": current.session_time,
            "session_days": [str(d) for d in current.session_days],
            "checkin_time": current.checkin_time,
            "email_enabled": current.email_enabled,
        }
        if current
        else {"email_enabled": True, "session_days": ["1", "3", "5"]}
    )
    form = ReminderPreferenceForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        reminder_preference_save(
            actor=request.user,
            patient=patient,
            session_time=form.cleaned_data["session_time"],
            session_days=[int(d) for d in form.cleaned_data["session_days"]],
            checkin_time=form.cleaned_data["checkin_time"],
            email_enabled=form.cleaned_data["email_enabled"],
        )
        messages.success(request, "Reminder times saved.")
        return redirect("patients:reminders")
    return render(
        request,
        "patients/reminders.html",
        {
            "form": form,
            "patient": patient,
            "zone": patient.clinic.time_zone,
            "push": push_panel_for(actor=request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def questionnaires(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    today = diary.patient_today(patient)
    due, later = questionnaires_status(patient=patient, today=today)
    history = list(
        MeasureResult.objects.filter(patient=patient, instrument__in=PATIENT_INSTRUMENTS).order_by(
            "-taken_on", "-id"
        )[:20]
    )
    return render(
        request,
        "patients/questionnaires.html",
        {
            "due": due,
            "later": later,
            "history": [(INSTRUMENTS[r.instrument].short_name, r) for r in history],
        },
    )


def _definition(instrument: str) -> Any:
    if instrument not in PATIENT_INSTRUMENTS:
        raise Http404("No such questionnaire")
    return instrument_definition(instrument)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_question(
    request: AuthenticatedHttpRequest, instrument: str, number: int
) -> HttpResponse:
    """One question per screen, answers kept in the session until "Check your answers"."""
    require_own_patient(request.user)
    definition = _definition(instrument)
    if not 1 <= number <= len(definition.items):
        raise Http404("No such question")
    item = definition.items[number - 1]
    answers = saved_answers(request.session, instrument)
    form = ItemForm(
        # Not `request.POST or None`: an empty POST must be a bound form, so that it is told
        # to choose an answer instead of getting the blank question back with a 400.
        request.POST if request.method == "POST" else None,
        item=item,
        initial=ItemForm.initial_for(item, answers.get(item.id)),
    )
    if request.method == "POST" and form.is_valid():
        save_answer(request.session, instrument, item.id, form.value())
        if request.GET.get("change") == "1" or number == len(definition.items):
            return redirect("patients:questionnaire_check", instrument=instrument)
        return redirect("patients:questionnaire_question", instrument=instrument, number=number + 1)
    back = (
        reverse("patients:questionnaire_question", args=[instrument, number - 1])
        if number > 1
        else reverse("patients:questionnaires")
    )
    return render(
        request,
        "patients/questionnaire_question.html",
        {
            "definition": definition,
            "item": item,
            "form": form,
            "number": number,
            "count": len(definition.items),
            "back": back,
            "ends_min": f"{item.min} = {item.min_label}" if item.min_label else "",
            "ends_max": f"{item.max} = {item.max_label}" if item.max_label else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_check(request: AuthenticatedHttpRequest, instrument: str) -> HttpResponse:
    patient = require_own_patient(request.user)
    definition = _definition(instrument)
    answers = saved_answers(request.session, instrument)
    missing = first_missing(definition, answers)
    if missing is not None:
        return redirect("patients:questionnaire_question", instrument=instrument, number=missing)
    error = None
    if request.method == "POST":
        try:
            result, _ = measure_record(
                actor=request.user,
                patient=patient,
                instrument=instrument,
                answers={item.id: answers[item.id] for item in definition.items},
                taken_on=diary.patient_today(patient),
            )
        except EngineInputError as refused:
            error = f"Some answers could not be scored ({refused.message}). Please change them."
        else:
            clear_answers(request.session, instrument)
            return redirect("patients:questionnaire_result", result_id=result.public_id)
    rows = [
        (number, item, answer_label(item, answers[item.id]))
        for number, item in enumerate(definition.items, start=1)
    ]
    return render(
        request,
        "patients/questionnaire_check.html",
        {"definition": definition, "rows": rows, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def questionnaire_result(request: AuthenticatedHttpRequest, result_id: str) -> HttpResponse:
    result = record_for_own_patient(
        actor=request.user,
        queryset=MeasureResult.objects.all(),
        public_id=result_id,
        request=request,
        what="measure",
    )
    patient = require_own_patient(request.user)
    previous = (
        MeasureResult.objects.filter(
            patient=patient, instrument=result.instrument, taken_on__lte=result.taken_on
        )
        .exclude(pk=result.pk)
        .exclude(taken_on=result.taken_on, id__gt=result.pk)
        .order_by("-taken_on", "-id")
        .first()
    )
    scored = measure_score(
        patient=patient, instrument=result.instrument, answers=result.answers, previous=previous
    )
    return render(
        request,
        "patients/questionnaire_result.html",
        {
            "definition": instrument_definition(result.instrument),
            "result": result,
            "scored": scored,
            "previous": previous,
        },
    )


@login_required
@require_GET
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    today = diary.patient_today(patient)
    return render(
        request,
        "patients/progress.html",
        {"patient": patient, "p": progress_overview(patient=patient, today=today)},
    )
