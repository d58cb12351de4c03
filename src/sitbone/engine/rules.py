"""The registry of every rule the engine can cite, so the web app can list and explain them.

A decision never says just "regress": it carries :class:`Reason` values, each naming a rule id from
:data:`RULES` plus a sentence a patient can read. Ids are stable; summaries are plain words; sources
point at the clinical brief section and the paper behind the rule (rules tagged [D] in the brief
are Sitbone's own derivations from the cited material, not published rules).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    summary: str
    source: str


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text}


_PMM = "clinical-brief §5.3 [D]; Silbernagel et al. 2007 (pain-monitoring model)"
_PMM_GOOM = "clinical-brief §5.3 [S]; Goom et al. 2016 via Pogo Physio (0–3/10 tolerated)"
_GATES = "clinical-brief §5.6 [D]"
_RUN = "clinical-brief §5.7 [S]/[D]; generic return-to-run programmes"
_SCREEN = "clinical-brief §3.2–3.3 [D]"
_RX = "clinical-brief §5.4–5.5"

_ALL = (
    # Pain-monitoring zones for one session (D = during, A = after, M = next morning, B = baseline).
    Rule(
        "PMM-RED-DURING", "Pain during the session at or above the red line (default 6/10).", _PMM
    ),
    Rule("PMM-RED-AFTER", "Pain after the session at or above the red line (default 6/10).", _PMM),
    Rule("PMM-RED-MORNING", "Next-morning load-test pain at or above the red line.", _PMM),
    Rule(
        "PMM-RED-MORNING-ABOVE-BASELINE",
        "Next-morning load-test pain 2 or more points above the patient's baseline.",
        _PMM,
    ),
    Rule("PMM-AMBER-DURING", "Pain during the session at or above the amber line (4/10).", _PMM),
    Rule("PMM-AMBER-AFTER", "Pain after the session at or above the amber line (4/10).", _PMM),
    Rule("PMM-AMBER-MORNING", "Next-morning load-test pain at or above the amber line.", _PMM),
    Rule(
        "PMM-AMBER-MORNING-ABOVE-BASELINE",
        "Next-morning load-test pain above the patient's baseline.",
        _PMM,
    ),
    Rule(
        "PMM-GREEN", "All pain scores below the amber line and morning pain at baseline.", _PMM_GOOM
    ),
    Rule("PMM-PENDING", "Next-morning pain not recorded yet and nothing else is raised.", _PMM),
    # Decisions across sessions.
    Rule(
        "PMM-TREND-RISING",
        "Weekly mean morning load-test pain rose by 1.0 point or more on the week before.",
        "clinical-brief §5.3 [U]/[D]; Silbernagel et al. 2007 (morning pain must not rise weekly)",
    ),
    Rule(
        "PMM-STOP-RED-FLAG",
        "A red flag is recorded: stop loading and refer.",
        "clinical-brief §3.2, §5.3",
    ),
    Rule("PMM-REGRESS-LATEST-RED", "The latest session was red: step the load back.", _PMM),
    Rule(
        "PMM-AMBER-TWO-IN-A-ROW",
        "The last two sessions were amber (or worse): step the load back.",
        _PMM,
    ),
    Rule(
        "PMM-STEP-BACK-TWO-RED-IN-WEEK",
        "Two or more red sessions within seven days: propose dropping one stage.",
        _PMM,
    ),
    Rule(
        "PMM-PROGRESS-TWO-GREEN",
        "The last two completed sessions were green and morning pain is not rising: progress.",
        _PMM,
    ),
    Rule("PMM-HOLD", "Nothing calls for a change yet: keep the current dose.", _PMM),
    Rule("PMM-HOLD-NO-SESSIONS", "No sessions logged yet: keep the current dose.", _PMM),
    # Stage gates.
    Rule(
        "GATE-1-2-SLB",
        "Stage 1→2: three short-lever single-leg bridges at 3/10 pain or less.",
        f"{_GATES}; Goom et al. 2016 via Pogo Physio",
    ),
    Rule(
        "GATE-2-3-CURL-LSI",
        "Stage 2→3: prone-curl 10RM on the painful side at least 90% of the other side.",
        f"{_GATES}; 90% limb symmetry is a rehab convention [U]",
    ),
    Rule(
        "GATE-2-3-SLB-LSI",
        "Stage 2→3: single-leg bridge repetitions at least 90% of the other side.",
        f"{_GATES}; 90% limb symmetry is a rehab convention [U]",
    ),
    Rule(
        "GATE-3-4-DROP-LUNGE",
        "Stage 3→4: unweighted drop lunge with the painful leg forward is pain-free.",
        f"{_GATES}; Goom, running-physio.com (drop lunge as compression test) [V]",
    ),
    Rule(
        "GATE-3-4-SL-RDL",
        "Stage 3→4: single-leg Romanian deadlift to usual depth at 3/10 pain or less.",
        _GATES,
    ),
    Rule(
        "GATE-4-5-SPORT",
        "Return to sport: sport-specific loads at 3/10 pain or less.",
        f"{_GATES}; Goom 2016 via Physiopedia [S]",
    ),
    Rule(
        "GATE-4-5-CURL-LSI",
        "Return to sport: prone-curl 10RM symmetry at least 90%.",
        _GATES,
    ),
    Rule(
        "GATE-4-5-SLB-LSI",
        "Return to sport: single-leg bridge repetition symmetry at least 90%.",
        _GATES,
    ),
    Rule("GATE-NONE-AFTER-5", "Stage 5 (back to sport) is the last stage.", "clinical-brief §5.4"),
    # Readiness to start running.
    Rule(
        "RUN-READY-REST-PAIN",
        "Start running only with no pain at rest.",
        "clinical-brief §5.6–5.7 [V]; Goom, running-physio.com (PHT return to running)",
    ),
    Rule(
        "RUN-READY-DROP-LUNGE",
        "Start running only when the unweighted drop lunge is pain-free.",
        "clinical-brief §5.6–5.7 [V]; Goom, running-physio.com (PHT return to running)",
    ),
    Rule(
        "RUN-READY-CURL-LSI",
        "Start running only when prone-curl 10RM is (near) equal left and right (≥ 90%).",
        "clinical-brief §5.6–5.7 [V]; Goom, running-physio.com (PHT return to running)",
    ),
    # Walk-run ladder.
    Rule("RUN-STEP-NOT-READY", "Not running-ready: do not start or move up the ladder.", _RUN),
    Rule("RUN-STEP-START", "Running-ready and not yet running: start at step 1.", _RUN),
    Rule("RUN-STEP-ADVANCE-GREEN", "A green run at this step: move up one step.", _RUN),
    Rule("RUN-STEP-WAIT-TWO-DAYS", "Move up at most one step every two days.", _RUN),
    Rule("RUN-STEP-BACK-RED", "A red run: go back one step.", _RUN),
    Rule("RUN-STEP-HOLD", "The latest run was amber or is still pending: repeat this step.", _RUN),
    Rule("RUN-STEP-NO-RUN-AT-STEP", "No run logged at this step yet: do this step first.", _RUN),
    Rule("RUN-STEP-TOP", "Top of the ladder: next comes the return-to-sport check.", _RUN),
    # Screening and triage.
    Rule(
        "SCREEN-CES-BLADDER-BOWEL",
        "New bladder or bowel change: possible cauda equina syndrome, emergency.",
        f"{_SCREEN}; Greenhalgh et al. 2018; BMJ Best Practice",
    ),
    Rule(
        "SCREEN-CES-SADDLE",
        "Numbness in the saddle area: possible cauda equina syndrome, emergency.",
        f"{_SCREEN}; Greenhalgh et al. 2018; BMJ Best Practice",
    ),
    Rule(
        "SCREEN-CES-BILATERAL-WEAKNESS",
        "Symptoms in both legs with worsening weakness: possible cauda equina syndrome, emergency.",
        f"{_SCREEN}; Greenhalgh et al. 2018; BMJ Best Practice",
    ),
    Rule(
        "SCREEN-AVULSION",
        "Sudden pop plus bruising or a gap/weak knee bend: suspected tendon avulsion, urgent.",
        f"{_SCREEN}; Subbu et al. 2015 (early repair returns sooner)",
    ),
    Rule(
        "SCREEN-PROGRESSIVE-WEAKNESS",
        "Worsening weakness: possible progressive nerve problem, urgent.",
        f"{_SCREEN} [U]",
    ),
    Rule(
        "SCREEN-SYSTEMIC-FEVER",
        "Fever or feeling unwell: medical review, urgent.",
        f"{_SCREEN} [U]",
    ),
    Rule(
        "SCREEN-SYSTEMIC-WEIGHT-LOSS",
        "Unexplained weight loss: medical review, urgent.",
        f"{_SCREEN}; Greenwood et al. 1998",
    ),
    Rule(
        "SCREEN-SYSTEMIC-CANCER-NIGHT-PAIN",
        "Past cancer with night pain that does not ease: medical review, urgent.",
        f"{_SCREEN}; Greenwood et al. 1998",
    ),
    Rule(
        "SCREEN-APOPHYSEAL",
        "Under 18 with sudden sitting-bone pain: possible growth-plate injury, urgent.",
        "clinical-brief §3.1 [U], §3.3 [D]",
    ),
    Rule(
        "SCREEN-DIFF-RADICULAR",
        "Pain below the knee, pins and needles or cough/sneeze pain: nerve root may be involved.",
        "clinical-brief §3.1, §3.3 [D]",
    ),
    Rule(
        "SCREEN-DIFF-LUMBAR",
        "Back pain: the lower back may be the source.",
        "clinical-brief §3.1, §3.3",
    ),
    Rule(
        "SCREEN-DIFF-ISCHIOFEMORAL",
        "Outer-buttock pain on long strides: possible ischiofemoral impingement.",
        "clinical-brief §3.1 [S], §3.3",
    ),
    Rule(
        "SCREEN-DIFF-STRESS-FRACTURE",
        "Training spike with bone pain on hopping: possible stress fracture.",
        "clinical-brief §3.1 [S]/[U], §3.3",
    ),
    Rule(
        "SCREEN-PHT-LIKELY",
        "Four or more typical PHT features and nothing pointing elsewhere.",
        "clinical-brief §2.1, §3.3 [D]",
    ),
    Rule(
        "SCREEN-PHT-POSSIBLE",
        "Two or three typical PHT features, or four or more alongside another possible cause.",
        "clinical-brief §2.1, §3.3 [D]",
    ),
    Rule(
        "SCREEN-PHT-UNLIKELY", "None or one typical PHT feature.", "clinical-brief §2.1, §3.3 [D]"
    ),
    Rule("TRIAGE-EMERGENCY", "An emergency sign is present: emergency department now.", _SCREEN),
    Rule("TRIAGE-URGENT", "A red flag is present: medical review within 24–48 hours.", _SCREEN),
    Rule(
        "TRIAGE-SEE-PHYSIO",
        "PHT or another musculoskeletal cause is possible: book a physiotherapist.",
        _SCREEN,
    ),
    Rule(
        "TRIAGE-SELF-CARE-OK",
        "Nothing points to PHT or a red flag: self-care is reasonable.",
        _SCREEN,
    ),
    # Post-test probability.
    Rule(
        "PTP-LIKELIHOOD-RATIO",
        "Post-test odds are pre-test odds times the test's likelihood ratio.",
        "clinical-brief §2.3 [D]; Cacchio et al. 2012 (Table 4 likelihood ratios)",
    ),
    Rule(
        "PTP-MOST-ACCURATE-ONLY",
        "The stretch tests are correlated: only the most accurate one performed is applied.",
        "clinical-brief §2.3 [D]; Cacchio et al. 2012 (no accuracy for combinations)",
    ),
    # Instruments.
    Rule(
        "LEFS-MCID",
        "A LEFS change of 9 points or more is clinically important.",
        "clinical-brief §4.4; Binkley et al. 1999",
    ),
    Rule(
        "LEFS-MDC",
        "A LEFS change of 9 points or more exceeds measurement error.",
        "clinical-brief §4.4; Binkley et al. 1999",
    ),
    Rule(
        "NPRS-MCID",
        "A pain change of 2 points or more on the 0–10 scale is clinically important.",
        "clinical-brief §4.3; Farrar et al. 2001",
    ),
    Rule(
        "VISA-H-NO-MCID",
        "No clinically important change is published for VISA-H: change is shown, no verdict.",
        "clinical-brief §4.1 [U]",
    ),
    Rule(
        "VISA-H-CLINIC-MCID",
        "The clinic's own VISA-H change threshold (a local choice, not a published value).",
        "clinical-brief §4.1 [D]",
    ),
    Rule(
        "VISA-H-UNVERIFIED",
        "VISA-H item wording and Q8 minute bands are not verified against the official form.",
        "clinical-brief §4.1 [S]/[U]; Cacchio et al. 2014",
    ),
    Rule(
        "GROC-IMPORTANT-IMPROVEMENT",
        "A global rating of +3 (somewhat better) or more counts as an important improvement.",
        "clinical-brief §4.6; Hernández-Sánchez et al. 2014 (anchor)",
    ),
    Rule(
        "SITTING-NO-VALIDATED-PROTOCOL",
        "No validated PHT sitting-tolerance test exists; use the same chair every time.",
        "clinical-brief §4.5 [U]/[D]",
    ),
    # Prescription.
    Rule(
        "RX-STAGE-1-ISOMETRIC-DOSE",
        "Isometric holds about 5 × 45 s at ~70% effort, 2 min rest, several times a day "
        "(dose unverified).",
        f"{_RX} [S]/[U]; Rio et al. 2015",
    ),
    Rule(
        "RX-HSR-BANDS",
        "Heavy slow resistance from about 15RM towards 8RM, 3 sessions a week, 3–4 sets.",
        f"{_RX} [V]/[S]; Goom, running-physio.com",
    ),
    Rule(
        "RX-STAGE-3-HIP-FLEXION",
        "Stage 3 adds hip bend (compression) step by step while strength work continues.",
        f"{_RX} [S]; Goom et al. 2016",
    ),
    Rule(
        "RX-PLYO-FREQUENCY",
        "Low-volume spring-like work 2–3 times a week with 48 h between (frequency unverified).",
        f"{_RX} [U]",
    ),
    Rule(
        "RX-HIGH-IRRITABILITY",
        "Irritable tendon: fewer exercises, one step lighter, an isometric option for pain relief.",
        f"{_RX} [D]; Rio et al. 2015",
    ),
    Rule(
        "RX-KINETIC-CHAIN",
        "Glute, trunk and calf work alongside the hamstring programme.",
        "clinical-brief §5.8 [S]/[V]; Dizon et al. 2023",
    ),
    Rule(
        "RX-EQUIPMENT-LIMITED",
        "Fewer exercises than planned because of the equipment available.",
        "clinical-brief §5.4",
    ),
    Rule(
        "RX-ONE-VARIABLE",
        "Progress one variable (load, volume, hip bend or speed) by one step, never two at once.",
        "clinical-brief §1.3 [D], §5.3 [D]",
    ),
    Rule("RX-REGRESS-ONE-STEP", "Step one variable back by one step.", "clinical-brief §5.3 [D]"),
    Rule(
        "RX-NOTHING-TO-CHANGE",
        "No variable can move another step within this stage.",
        "clinical-brief §5.4",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
