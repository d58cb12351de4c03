"""Forms of the patient's own app that are about the record rather than the diary."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django import forms

from sitbone.patients.models import EQUIPMENT_CHOICES

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import QueryDict

    from sitbone.patients.services import DetailsConflict


def equipment_field(*, label: str, help_text: str) -> forms.MultipleChoiceField:
    """A tick box for each piece of the engine's equipment (the patient's, or staff's form)."""
    return forms.MultipleChoiceField(
        label=label,
        choices=EQUIPMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": "Tick only equipment from the list"},
    )


class OpenedWithField(forms.Field):
    """Hidden: `details_fingerprints` of the record as the form was drawn, sent back with it so
    that a save changes only what its user changed."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, label="Page", **kwargs)

    def to_python(self, value: Any) -> dict[str, str]:
        if not value:
            return {}
        try:
            opened = json.loads(str(value))
        except ValueError:
            opened = None
        if not isinstance(opened, dict) or not all(
            isinstance(key, str) and isinstance(digest, str) for key, digest in opened.items()
        ):
            raise forms.ValidationError(
                "This page could not be read back. Open it again and make your change."
            )
        return opened

    def prepare_value(self, value: Any) -> Any:
        return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value


class EquipmentForm(forms.Form):
    equipment = equipment_field(
        label="What do you have?",
        help_text="Tick everything you can use for your exercises, at home or at the gym.",
    )
    opened = OpenedWithField()


def redrawn_after_conflict[F: forms.Form](
    make: Callable[[QueryDict], F], posted: QueryDict, conflict: DetailsConflict, message: str
) -> F:
    """The form drawn again after a `DetailsConflict`, made by ``make`` from `_conflict_data`,
    with ``message`` at the top of its error summary."""
    form = make(_conflict_data(posted, conflict))
    form.is_valid()  # checked, so that the message joins the form's errors
    form.add_error(None, message)
    return form


def _conflict_data(posted: QueryDict, conflict: DetailsConflict) -> QueryDict:
    """The form data to draw again after a conflict: the user's own changes that did not
    conflict as they sent them, every other field as the record holds it now, and the record's
    fingerprints now, so that sending it again saves those changes and undoes no one's."""
    from sitbone.patients.services import details_fingerprints

    data = posted.copy()
    for field, value in conflict.current.items():
        if field in conflict.kept:
            continue
        if field == "equipment":
            data.setlist(field, list(value))
        elif field == "care_team":
            data.setlist(field, [str(user.public_id) for user in value])
        elif isinstance(value, dt.date):
            data[field] = value.isoformat()
        else:
            data[field] = "" if value is None else str(value)
    data["opened"] = json.dumps(details_fingerprints(conflict.current), sort_keys=True)
    return data
