"""Scoring rules as data (cách chấm điểm): turn a unit's answer into exact points.

A node's rule comes from its ``scoring`` (see ``api.frameworks.document.ScoringSpec``); a node that only has the
older ratio ``formula`` is read as thresholds over the measured ratio in %; a node with neither is scored by hand
within its bounds. Every result lies in ``[min_points, max_points]``: a rule that would leave those bounds is an
error in the framework, and a manual value outside them is refused — nothing is clamped silently.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from api.scoring.points import PointsError, from_milli, to_decimal, to_milli


class RuleError(ValueError):
    """An answer the rule cannot score: carries a Vietnamese and an English message and the field at fault."""

    def __init__(self, field: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.field = field
        self.vi = vi
        self.en = en


@dataclass(frozen=True)
class Option:
    label: str
    label_en: str | None
    milli: int


@dataclass(frozen=True)
class Step:
    min_value: Decimal
    milli: int


@dataclass(frozen=True)
class Rule:
    kind: str  # options | thresholds | deduction | manual
    max_milli: int | None
    min_milli: int = 0
    options: tuple[Option, ...] = ()
    steps: tuple[Step, ...] = ()  # highest min_value first
    value_label: str | None = None
    value_unit: str | None = None
    start_milli: int | None = None
    per_unit_milli: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The rule as the API shows it (points as exact decimal strings), for the UI to apply."""
        return {
            "kind": self.kind,
            "max_points": _s(self.max_milli),
            "min_points": _s(self.min_milli),
            "options": [
                {"label": o.label, "label_en": o.label_en, "points": _s(o.milli)} for o in self.options
            ],
            "thresholds": [{"min_value": str(s.min_value), "points": _s(s.milli)} for s in self.steps],
            "value_label": self.value_label,
            "value_unit": self.value_unit,
            "start_points": _s(self.start_milli),
            "per_unit": _s(self.per_unit_milli),
        }


def _s(milli: int | None) -> str | None:
    value = from_milli(milli)
    return None if value is None else str(value)


def _milli_or_none(value: Any) -> int | None:
    return None if value is None else to_milli(value)


def rule_of(scoring: dict[str, Any] | None, formula: dict[str, Any] | None, max_points: Any) -> Rule:
    """The rule of a node from its stored ``scoring`` / ``formula`` / ``max_points``."""
    max_milli = _milli_or_none(max_points)
    if scoring:
        kind = scoring["kind"]
        options = tuple(
            Option(o["label"], o.get("label_en"), to_milli(o["points"])) for o in scoring.get("options") or []
        )
        steps = tuple(
            sorted(
                (
                    Step(to_decimal(t["min_value"]), to_milli(t["points"]))
                    for t in scoring.get("thresholds") or []
                ),
                key=lambda s: s.min_value,
                reverse=True,
            )
        )
        return Rule(
            kind=kind,
            max_milli=max_milli,
            min_milli=to_milli(scoring.get("min_points") or 0),
            options=options,
            steps=steps,
            value_label=scoring.get("value_label"),
            value_unit=scoring.get("value_unit"),
            start_milli=_milli_or_none(scoring.get("start_points"))
            if scoring.get("start_points") is not None
            else max_milli,
            per_unit_milli=_milli_or_none(scoring.get("per_unit")),
        )
    if formula and formula.get("thresholds"):
        steps = tuple(
            sorted(
                (
                    Step(to_decimal(t["min_ratio"]) * 100, to_milli(t["points"]))
                    for t in formula["thresholds"]
                ),
                key=lambda s: s.min_value,
                reverse=True,
            )
        )
        label = f"{formula.get('numerator', '')} / {formula.get('denominator', '')}".strip(" /")
        return Rule(kind="thresholds", max_milli=max_milli, steps=steps, value_label=label, value_unit="%")
    return Rule(kind="manual", max_milli=max_milli)


def check_rule(rule: Rule) -> list[str]:
    """Problems of a rule against its node's bounds (used when a framework is validated)."""
    problems: list[str] = []
    values = [o.milli for o in rule.options] + [s.milli for s in rule.steps]
    if rule.start_milli is not None and rule.kind == "deduction":
        values.append(rule.start_milli)
    for v in values:
        if rule.max_milli is not None and v > rule.max_milli:
            problems.append(f"{from_milli(v)} > {from_milli(rule.max_milli)}")
        if v < rule.min_milli:
            problems.append(f"{from_milli(v)} < {from_milli(rule.min_milli)}")
    if rule.kind == "options" and not rule.options:
        problems.append("options: empty")
    if rule.kind == "thresholds" and not rule.steps:
        problems.append("thresholds: empty")
    if rule.kind == "deduction" and (rule.per_unit_milli is None or rule.start_milli is None):
        problems.append("deduction: per_unit and start_points (or max_points) are required")
    return problems


def _in_bounds(rule: Rule, milli: int, field: str) -> int:
    if milli < rule.min_milli or (rule.max_milli is not None and milli > rule.max_milli):
        lo = from_milli(rule.min_milli)
        hi = "không giới hạn" if rule.max_milli is None else str(from_milli(rule.max_milli)).replace(".", ",")
        hi_en = "unbounded" if rule.max_milli is None else str(from_milli(rule.max_milli))
        raise RuleError(
            field,
            f"Điểm phải trong khoảng từ {str(lo).replace('.', ',')} đến {hi}.",
            f"Points must lie between {lo} and {hi_en}.",
        )
    return milli


def evaluate(
    rule: Rule,
    *,
    option_index: int | None = None,
    measured_value: Any = None,
    manual_points: Any = None,
) -> tuple[int, bool]:
    """``(points in milli, computed_by_rule)`` for an answer.

    ``manual_points`` overrides the rule (the caller must then require a comment); for a ``manual`` rule it is
    the only input. Raises :class:`RuleError` for an answer the rule cannot take.
    """
    if manual_points is not None:
        try:
            milli = to_milli(manual_points)
        except PointsError as exc:
            raise RuleError(
                "manual_points",
                "Điểm phải là một số, tối đa ba chữ số thập phân.",
                "Points must be a number with at most three decimals.",
            ) from exc
        return _in_bounds(rule, milli, "manual_points"), False
    if rule.kind == "options":
        if option_index is None or not 0 <= option_index < len(rule.options):
            raise RuleError(
                "option_index",
                f"Hãy chọn một trong {len(rule.options)} mức chấm điểm của tiêu chí.",
                f"Choose one of the {len(rule.options)} scoring options.",
            )
        return _in_bounds(rule, rule.options[option_index].milli, "option_index"), True
    if rule.kind in ("thresholds", "deduction"):
        if measured_value is None or measured_value == "":
            what = rule.value_label or ("số lượng" if rule.kind == "deduction" else "giá trị đo được")
            raise RuleError(
                "measured_value",
                f"Hãy nhập {what}.",
                "Enter the measured value." if rule.kind == "thresholds" else "Enter the count.",
            )
        try:
            value = to_decimal(measured_value)
        except PointsError as exc:
            raise RuleError(
                "measured_value", "Giá trị đo được phải là một số.", "The measured value must be a number."
            ) from exc
        if value < 0:
            raise RuleError(
                "measured_value", "Giá trị đo được không được âm.", "The value cannot be negative."
            )
        if rule.kind == "thresholds":
            if rule.value_unit == "%" and value > 100:
                raise RuleError(
                    "measured_value", "Tỷ lệ không được vượt quá 100 %.", "A percentage cannot exceed 100."
                )
            for step in rule.steps:
                if value >= step.min_value:
                    return _in_bounds(rule, step.milli, "measured_value"), True
            return rule.min_milli, True
        if value != value.to_integral_value():
            raise RuleError(
                "measured_value", "Số lượng phải là số nguyên.", "The count must be a whole number."
            )
        assert rule.start_milli is not None and rule.per_unit_milli is not None
        return max(rule.min_milli, rule.start_milli - int(value) * rule.per_unit_milli), True
    raise RuleError(
        "manual_points",
        "Tiêu chí này chấm điểm trực tiếp: hãy nhập số điểm.",
        "This criterion is scored directly: enter the points.",
    )
