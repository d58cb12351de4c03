"""Every clinical threshold the engine uses, as data a clinic (then a patient) can override.

Defaults come from the clinical brief: pain-monitoring zones §5.3 (red ≥ 6/10, amber ≥ 4/10,
next-morning pain ≥ baseline + 2 red, > baseline amber; weekly morning pain rising by ≥ 1.0;
Silbernagel et al. 2007 and Goom et al. 2016 as summarised there), stage gates and running
readiness §5.6 (3/10, 90% limb symmetry, pain-free drop lunge, no rest pain), the walk–run ladder
§5.7 (at most one step every two days) and the VISA-H change threshold §4.1 (none published:
unset unless the clinic chooses one). Build a patient's thresholds with
``Thresholds.from_mapping(clinic_settings, patient_settings)``: later layers override earlier
ones, unknown keys and out-of-range values are errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sitbone.engine.errors import EngineInputError, join_field
from sitbone.engine.values import (
    display_number,
    reject_unknown_keys,
    require_decimal,
    require_int,
    require_object,
)


def _limits(low: int | Decimal, high: int | Decimal, summary: str) -> dict[str, Any]:
    """Field metadata: the allowed range (its type says int or Decimal) and a plain summary."""
    return {"low": low, "high": high, "summary": summary}


_LSI_LOW, _LSI_HIGH = Decimal("0.5"), Decimal("1.5")


@dataclass(frozen=True, slots=True)
class Thresholds:
    red_pain: int = field(
        default=6, metadata=_limits(1, 10, "Pain during, after or next morning from here is red.")
    )
    amber_pain: int = field(
        default=4, metadata=_limits(1, 10, "Pain from here (and below red) is amber.")
    )
    morning_red_rise: int = field(
        default=2, metadata=_limits(1, 10, "Next-morning pain this far above baseline is red.")
    )
    morning_amber_rise: int = field(
        default=1, metadata=_limits(1, 10, "Next-morning pain this far above baseline is amber.")
    )
    trend_rising: Decimal = field(
        default=Decimal("1.0"),
        metadata=_limits(Decimal("0.1"), Decimal(10), "Weekly morning-pain rise that counts."),
    )
    amber_sessions_to_regress: int = field(
        default=2, metadata=_limits(1, 14, "Amber-or-worse sessions in a row that regress.")
    )
    green_sessions_to_progress: int = field(
        default=2, metadata=_limits(1, 14, "Green completed sessions in a row that progress.")
    )
    step_back_red_sessions: int = field(
        default=2, metadata=_limits(1, 14, "Red sessions within the window that drop a stage.")
    )
    step_back_window_days: int = field(
        default=7, metadata=_limits(1, 28, "Days, ending on the latest session, to count reds.")
    )
    gate_1_2_slb_pain_max: int = field(
        default=3, metadata=_limits(0, 10, "Stage 1→2: most pain on 3 short-lever bridges.")
    )
    gate_lsi_min: Decimal = field(
        default=Decimal("0.90"),
        metadata=_limits(_LSI_LOW, _LSI_HIGH, "Stage 2→3 and 4→5: lowest limb symmetry."),
    )
    gate_3_4_drop_lunge_pain_max: int = field(
        default=0, metadata=_limits(0, 10, "Stage 3→4: most pain on the unweighted drop lunge.")
    )
    gate_3_4_sl_rdl_pain_max: int = field(
        default=3, metadata=_limits(0, 10, "Stage 3→4: most pain on the single-leg RDL.")
    )
    gate_4_5_sport_pain_max: int = field(
        default=3, metadata=_limits(0, 10, "Return to sport: most pain on sport-specific loads.")
    )
    running_rest_pain_max: int = field(
        default=0, metadata=_limits(0, 10, "Running: most pain allowed at rest.")
    )
    running_drop_lunge_pain_max: int = field(
        default=0, metadata=_limits(0, 10, "Running: most pain allowed on the drop lunge.")
    )
    running_curl_lsi_min: Decimal = field(
        default=Decimal("0.90"),
        metadata=_limits(_LSI_LOW, _LSI_HIGH, "Running: lowest prone-curl 10RM symmetry."),
    )
    run_days_between_steps: int = field(
        default=2, metadata=_limits(1, 14, "Walk–run ladder: fewest days between step changes.")
    )
    visa_h_mcid: int | None = field(
        default=None, metadata=_limits(1, 100, "The clinic's own VISA-H change threshold.")
    )

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            _check_setting(spec, getattr(self, spec.name))
        if self.amber_pain >= self.red_pain:
            raise EngineInputError(
                f"amber_pain ({self.amber_pain}) must be below red_pain ({self.red_pain})",
                "thresholds.amber_pain",
            )
        if self.morning_amber_rise > self.morning_red_rise:
            raise EngineInputError(
                f"morning_amber_rise ({self.morning_amber_rise}) must not exceed "
                f"morning_red_rise ({self.morning_red_rise})",
                "thresholds.morning_amber_rise",
            )

    @classmethod
    def from_mapping(
        cls, *layers: Mapping[str, Any] | None, field: str = "thresholds"
    ) -> Thresholds:
        """Defaults, then each layer in turn (e.g. clinic settings, then the patient's)."""
        changes: dict[str, Any] = {}
        for layer in layers:
            if layer is None:
                continue
            require_object(layer, field=field)
            reject_unknown_keys(layer, _SPECS, field=field)
            for name, raw in layer.items():
                changes[name] = _parse_setting(_SPECS[name], raw, join_field(field, name))
        if not changes:
            return DEFAULT_THRESHOLDS
        try:
            return dataclasses.replace(DEFAULT_THRESHOLDS, **changes)
        except EngineInputError as error:
            local = (error.field or "").removeprefix("thresholds.")
            raise EngineInputError(error.message, join_field(field, local)) from None

    def to_dict(self) -> dict[str, int | float | None]:
        return {spec.name: _display(getattr(self, spec.name)) for spec in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True)
class ThresholdSpec:
    """One overridable setting, for a clinic settings page."""

    name: str
    default: int | Decimal | None
    low: int | Decimal
    high: int | Decimal
    summary: str


def _check_setting(spec: dataclasses.Field[Any], value: object) -> None:
    if value is None and spec.default is None:
        return
    name = join_field("thresholds", spec.name)
    low, high = spec.metadata["low"], spec.metadata["high"]
    if isinstance(low, int):
        require_int(value, field=name, low=low, high=high)
    elif not isinstance(value, Decimal):
        raise EngineInputError(f"{spec.name} must be a Decimal; got {value!r}", name)
    else:
        require_decimal(value, field=name, low=low, high=high)


def _parse_setting(spec: dataclasses.Field[Any], raw: object, name: str) -> int | Decimal | None:
    if raw is None and spec.default is None:
        return None
    low, high = spec.metadata["low"], spec.metadata["high"]
    if isinstance(low, int):
        return require_int(raw, field=name, low=low, high=high)
    return require_decimal(raw, field=name, low=low, high=high)


def _display(value: int | Decimal | None) -> int | float | None:
    return display_number(value) if isinstance(value, Decimal) else value


DEFAULT_THRESHOLDS = Thresholds()
_SPECS = {spec.name: spec for spec in dataclasses.fields(Thresholds)}
THRESHOLD_SPECS: tuple[ThresholdSpec, ...] = tuple(
    ThresholdSpec(
        name=spec.name,
        default=getattr(DEFAULT_THRESHOLDS, spec.name),
        low=spec.metadata["low"],
        high=spec.metadata["high"],
        summary=spec.metadata["summary"],
    )
    for spec in dataclasses.fields(Thresholds)
)
