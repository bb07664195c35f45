"""Scoring rules as data: evaluation at the boundaries, exact decimals, bounds never clamped silently."""

from decimal import Decimal

import pytest

from api.frameworks.errors import FrameworkValidationError
from api.frameworks.library import dump_document, parse_document
from api.scoring.points import PointsError, from_milli, percent, to_milli
from api.scoring.rules import RuleError, check_rule, evaluate, rule_of

OPTIONS = {
    "kind": "options",
    "options": [
        {"label": "Ban hành đúng hạn", "points": 1},
        {"label": "Ban hành chậm", "points": 0.5},
        {"label": "Không ban hành", "points": 0},
    ],
}
THRESHOLDS = {
    "kind": "thresholds",
    "value_label": "Tỷ lệ hồ sơ giải quyết đúng hạn",
    "value_unit": "%",
    "thresholds": [{"min_value": 90, "points": 0.5}, {"min_value": 98, "points": 1}],  # order does not matter
}
DEDUCTION = {"kind": "deduction", "start_points": 2, "per_unit": 0.25, "min_points": 0}
PENALTY = {"kind": "deduction", "start_points": 0, "per_unit": 0.5, "min_points": -2}


# --- points --------------------------------------------------------------------------------------------------


def test_points_are_exact_thousandths():
    assert to_milli(0.25) + to_milli(0.5) == 750
    assert from_milli(to_milli(0.1) + to_milli(0.2)) == Decimal(
        "0.3"
    )  # a float sum would give 0.30000000000000004
    assert from_milli(sum(to_milli("0.1") for _ in range(10))) == Decimal(1)
    assert to_milli("1,25") == 1250  # decimal comma accepted
    assert from_milli(0) == Decimal(0)
    assert str(from_milli(1250)) == "1.25"
    assert [str(from_milli(m)) for m in (100_000, 10_000, 20_500, -2000)] == ["100", "10", "20.5", "-2"]
    assert percent(62_500, 100_000) == Decimal("62.50")
    assert percent(1, 3) == Decimal("33.33")
    assert percent(10, None) is None and percent(10, 0) is None


@pytest.mark.parametrize("bad", ["0.0001", "abc", "NaN", "Infinity", 1e-4])
def test_points_refuse_more_than_three_decimals_or_not_numbers(bad):
    with pytest.raises(PointsError):
        to_milli(bad)


# --- options ---------------------------------------------------------------------------------------------------


def test_options_give_the_chosen_points():
    rule = rule_of(OPTIONS, None, 1)
    assert [evaluate(rule, option_index=i) for i in range(3)] == [(1000, True), (500, True), (0, True)]


@pytest.mark.parametrize("index", [None, -1, 3])
def test_options_refuse_a_missing_or_unknown_choice(index):
    with pytest.raises(RuleError) as exc:
        evaluate(rule_of(OPTIONS, None, 1), option_index=index)
    assert exc.value.field == "option_index" and "3 mức" in exc.value.vi


# --- thresholds ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "milli"),
    [("100", 1000), ("98", 1000), ("97.999", 500), ("90", 500), ("89.99", 0), ("0", 0), ("98,0", 1000)],
)
def test_thresholds_are_inclusive_at_each_edge(value, milli):
    assert evaluate(rule_of(THRESHOLDS, None, 1), measured_value=value) == (milli, True)


@pytest.mark.parametrize(
    ("value", "field_vi"), [("-1", "âm"), ("100.5", "100"), ("abc", "số"), ("", "Hãy nhập")]
)
def test_thresholds_refuse_bad_measurements(value, field_vi):
    with pytest.raises(RuleError) as exc:
        evaluate(rule_of(THRESHOLDS, None, 1), measured_value=value)
    assert exc.value.field == "measured_value" and field_vi in exc.value.vi


def test_legacy_ratio_formula_reads_as_percent_thresholds():
    formula = {"numerator": "đúng hạn", "denominator": "tổng", "thresholds": [
        {"min_ratio": 0.98, "points": 1}, {"min_ratio": 0.9, "points": 0.5}]}  # fmt: skip
    rule = rule_of(None, formula, 1)
    assert rule.kind == "thresholds" and rule.value_unit == "%"
    assert evaluate(rule, measured_value="98") == (1000, True)
    assert evaluate(rule, measured_value="97") == (500, True)


# --- deductions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "milli"), [("0", 2000), ("1", 1750), ("4", 1000), ("8", 0), ("9", 0), ("100", 0)]
)
def test_deduction_per_item_never_below_the_floor(count, milli):
    assert evaluate(rule_of(DEDUCTION, None, 2), measured_value=count) == (milli, True)


def test_penalty_node_goes_negative_down_to_its_floor():
    rule = rule_of(PENALTY, None, 0)
    assert evaluate(rule, measured_value="3") == (-1500, True)
    assert evaluate(rule, measured_value="5") == (-2000, True)


def test_deduction_counts_whole_items():
    with pytest.raises(RuleError, match="whole number"):
        evaluate(rule_of(DEDUCTION, None, 2), measured_value="1.5")


def test_deduction_starts_from_max_points_by_default():
    rule = rule_of({"kind": "deduction", "per_unit": 0.5}, None, 1.5)
    assert evaluate(rule, measured_value="1") == (1000, True)


# --- manual and caps -------------------------------------------------------------------------------------------


def test_manual_points_within_bounds_are_taken_as_typed():
    rule = rule_of(None, None, 1.5)
    assert rule.kind == "manual"
    assert evaluate(rule, manual_points="1.5") == (1500, False)
    assert evaluate(rule, manual_points="0") == (0, False)
    assert evaluate(rule, manual_points="0,75") == (750, False)


@pytest.mark.parametrize("points", ["1.501", "-0.001", "2", "abc", "0.0005"])
def test_manual_points_outside_bounds_are_refused_not_clamped(points):
    with pytest.raises(RuleError) as exc:
        evaluate(rule_of(None, None, 1.5), manual_points=points)
    assert exc.value.field == "manual_points"


def test_manual_override_of_a_rule_is_flagged_not_computed():
    assert evaluate(rule_of(OPTIONS, None, 1), option_index=0, manual_points="0.75") == (750, False)


def test_manual_rule_needs_points():
    with pytest.raises(RuleError, match="enter the points"):
        evaluate(rule_of(None, None, 1))


def test_check_rule_finds_points_above_the_max_or_below_the_floor():
    assert check_rule(rule_of(OPTIONS, None, 1)) == []
    assert check_rule(rule_of(OPTIONS, None, 0.75))  # option "1" above max 0,75
    assert check_rule(rule_of({"kind": "options", "options": [{"label": "x", "points": -1}]}, None, 1))
    assert check_rule(rule_of(THRESHOLDS, None, 1)) == []


def test_as_dict_shows_exact_decimal_strings():
    d = rule_of(OPTIONS, None, 1).as_dict()
    assert d["kind"] == "options" and d["max_points"] == "1" and d["options"][1]["points"] == "0.5"
    t = rule_of(THRESHOLDS, None, 1).as_dict()
    assert [x["min_value"] for x in t["thresholds"]] == ["98", "90"]


# --- the framework file format ----------------------------------------------------------------------------------


def _doc(scoring, max_points=1.0, method="self_assessed"):
    return {
        "format_version": 1,
        "framework": {
            "code": "T",
            "name": "Thử",
            "kind": "local_index",
            "valid_from_year": 2024,
            "status": "draft",
            "scale": 1,
            "provenance": "test",
            "applicability": {"levels": ["commune"], "kinds": ["people_committee"]},
        },  # fmt: skip
        "nodes": [
            {
                "code": "1",
                "title": "Một",
                "order": 1,
                "level_name": "Tiêu chí",
                "max_points": max_points,
                "scoring_method": method,
                "verified": False,
                "source_note": "ví dụ",
                "scoring": scoring,
            }
        ],  # fmt: skip
    }


def test_file_format_round_trips_rules_and_applicability():
    doc = parse_document(_doc(OPTIONS))
    dumped = dump_document(doc)
    assert dumped["nodes"][0]["scoring"]["options"][0] == {"label": "Ban hành đúng hạn", "points": 1}
    assert dumped["framework"]["applicability"] == {"levels": ["commune"], "kinds": ["people_committee"]}
    assert parse_document(dumped) == doc


@pytest.mark.parametrize(
    ("scoring", "max_points", "method"),
    [
        (OPTIONS, 0.75, "self_assessed"),  # an option above the node's max
        ({"kind": "options"}, 1, "self_assessed"),  # options without a list
        ({"kind": "thresholds"}, 1, "self_assessed"),
        (OPTIONS, 1, "survey"),  # survey-scored nodes are not self-scored
        ({"kind": "options", "options": [{"label": "x", "points": 0.0001}]}, 1, "self_assessed"),
    ],
)
def test_file_format_refuses_unusable_rules(scoring, max_points, method):
    with pytest.raises(FrameworkValidationError) as exc:
        parse_document(_doc(scoring, max_points, method))
    assert any(e.code == "bad_scoring" for e in exc.value.errors)
