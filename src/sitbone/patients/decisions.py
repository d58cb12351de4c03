"""The engine's decision in plain words for the patient: the zone colour, why, and what changes.

Nothing is decided here. The zone, action and stage change come from the engine
(programmes.services.decision_record, clinical-brief §5.3 and §5.6); this module only says them
in everyday words and keeps the engine's own reasons, which already read as plain sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitbone.programmes.models import Approval, Decision

ZONE_WORDS = {
    "green": ("Green", "Your tendon is coping well."),
    "amber": ("Amber", "Take care: your tendon is working hard."),
    "red": ("Red", "Too much for your tendon right now."),
    "pending": ("Waiting", "We need tomorrow morning's check-in to know how your tendon coped."),
    "stop": ("Stop", "Stop your exercises and see a doctor or your physio."),
}


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    zone: str
    zone_label: str
    headline: str
    what_changes: str
    waiting_for_physio: bool
    reasons: list[str]


def decision_view(decision: Decision) -> DecisionView:
    label, headline = ZONE_WORDS.get(decision.zone, (decision.zone.title(), ""))
    waiting = decision.approval == Approval.PENDING
    if decision.action == "refer":
        change = "Stop your exercises and contact your physio or a doctor before doing more."
    elif decision.stage_change == "advance":
        change = f"You may be ready for stage {decision.stage_to}. " + (
            "This is waiting for your physio's OK. Until then, keep going as you are."
            if waiting
            else "Your physio has looked at this."
        )
    elif decision.stage_change == "step_back":
        change = (
            f"Your tendon needs a break: going back to stage {decision.stage_to} is suggested. "
            + (
                "This is waiting for your physio's OK. Until then, ease off one step."
                if waiting
                else "Your physio has looked at this."
            )
        )
    elif decision.action == "progress":
        change = (
            "Next session, make one thing a little harder: a bit more weight, a few more reps, "
            "or a little more hip bend. Only one of these, and only as your physio showed you."
        )
    elif decision.action == "regress":
        change = (
            "Next session, ease off one step: less weight, fewer reps or less hip bend. Holding "
            "exercises can help settle the pain."
        )
    elif decision.zone == "pending":
        change = "Keep the same exercises. Do your check-in tomorrow morning."
    else:
        change = "Keep the same exercises and dose next session, and check again."
    return DecisionView(
        decision=decision,
        zone=decision.zone,
        zone_label=label,
        headline=headline,
        what_changes=change,
        waiting_for_physio=waiting,
        reasons=[str(reason.get("text", "")) for reason in decision.reasons or []],
    )
