"""Tests of the framework library (bộ chỉ số file format): shipped data, round trip, error reporting."""

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from api.frameworks.library import (
    SCHEMA_PATH,
    FrameworkDoc,
    FrameworkValidationError,
    NodeDoc,
    band_for,
    dump_document,
    dump_json,
    dump_yaml,
    fold_accents,
    formula_points,
    load_file,
    parse_document,
    parse_text,
    shipped_files,
    tree_order,
)

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def shipped_ids() -> list[str]:
    return [p.name for p in shipped_files()]


def node(code: Any, parent: Any = None, points: Any = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "parent": parent,
        "title": f"Tiêu chí {code}",
        "order": 1,
        "level_name": "Tiêu chí",
        "max_points": points,
        "scoring_method": "self_assessed",
        "verified": True,
    }
    data.update(extra)
    return data


def document(nodes: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    framework: dict[str, Any] = {
        "code": "TEST",
        "name": "Bộ chỉ số thử",
        "kind": "local_index",
        "valid_from_year": 2024,
        "status": "draft",
        "scale": 10,
        "provenance": "Dữ liệu thử",
    }
    framework.update(meta)
    return {"format_version": 1, "framework": framework, "nodes": nodes}


def valid_nodes() -> list[dict[str, Any]]:
    return [
        node("1", None, 6, level_name="Lĩnh vực"),
        node("1.1", "1", 2),
        node("1.2", "1", 4),
        node("2", None, 4, level_name="Lĩnh vực"),
    ]


def errors_of(data: Any) -> list[Any]:
    with pytest.raises(FrameworkValidationError) as info:
        parse_document(data)
    assert info.value.errors, "FrameworkValidationError must carry errors"
    return info.value.errors


def codes_with(errors: list[Any], code: str) -> set[str | None]:
    return {e.node_code for e in errors if e.code == code}


# --- shipped data ---


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_four_shipped_files() -> None:
    assert shipped_ids() == [
        "local_index_commune_example.yaml",
        "local_index_district_example.yaml",
        "par_index_province_qd876.yaml",
        "sipas_qd1001.yaml",
    ]


@pytest.mark.parametrize("path", shipped_files(), ids=shipped_ids())
def test_shipped_file_matches_json_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert problems == []


@pytest.mark.parametrize("path", shipped_files(), ids=shipped_ids())
def test_shipped_file_parses_and_every_unverified_value_has_a_reason(path: Path) -> None:
    doc = load_file(path)  # raises on any error, sums included
    for n in doc.nodes:
        if not n.verified:
            assert n.source_note and n.source_note.strip()
    for band in doc.framework.ranking_bands:
        if not band.verified:
            assert band.note and band.note.strip()


def test_par_index_content() -> None:
    doc = load_file(Path(SCHEMA_PATH.parent, "data", "par_index_province_qd876.yaml"))
    meta = doc.framework
    assert (meta.code, meta.kind, meta.valid_from_year, meta.valid_to_year) == (
        "PAR_INDEX_TINH_876",
        "par_index",
        2022,
        2030,
    )
    assert "876/QĐ-BNV ngày 10/11/2022" in (meta.issuing_document or "")
    by_code = {n.code: n for n in doc.nodes}
    roots = [n for n in doc.nodes if n.parent is None]
    assert [n.code for n in roots] == [str(i) for i in range(1, 9)]
    assert all(n.verified and n.max_points is None for n in roots)  # names verified, points unknown
    assert by_code["3"].title == "Cải cách thủ tục hành chính"
    assert by_code["7"].title == "Xây dựng và phát triển chính quyền điện tử, chính quyền số"
    assert {"3.1", "7.1"} <= by_code.keys()
    assert by_code["3.1"].scoring_method == "formula" and by_code["3.1"].formula is not None
    assert all(not n.verified for n in doc.nodes if n.parent is not None)
    bands = {b.code: b for b in meta.ranking_bands}
    assert [b.code for b in meta.ranking_bands] == ["A", "B", "C"]
    assert bands["B"].verified and not bands["A"].verified and not bands["C"].verified
    assert band_for(meta, 92.18) is bands["A"]
    assert band_for(meta, 86.98) is bands["B"]
    assert band_for(meta, 78.03) is bands["C"]


def test_sipas_content() -> None:
    doc = load_file(Path(SCHEMA_PATH.parent, "data", "sipas_qd1001.yaml"))
    assert doc.framework.kind == "sipas"
    assert "1001/QĐ-BNV ngày 11/12/2023" in (doc.framework.issuing_document or "")
    codes = [n.code for n in doc.nodes]
    assert codes == ["A", *[f"A.{i}" for i in range(1, 6)], "B", *[f"B.{i}" for i in range(1, 10)]]
    assert {n.scoring_method for n in doc.nodes} == {"survey"}
    weighted = [n for n in doc.nodes if n.max_points is not None]
    assert weighted and all(not n.verified for n in weighted)  # weights are not verified


def test_local_example_is_a_draft_and_unverified() -> None:
    doc = load_file(Path(SCHEMA_PATH.parent, "data", "local_index_district_example.yaml"))
    meta = doc.framework
    assert meta.kind == "local_index" and meta.status == "draft" and "Ví dụ" in meta.name
    assert meta.root_sum_equals_scale
    assert not any(n.verified for n in doc.nodes)
    assert not any(b.verified for b in meta.ranking_bands)
    roots = [n for n in doc.nodes if n.parent is None]
    assert len(roots) == 8 and sum(n.max_points or 0 for n in roots) == pytest.approx(100)
    assert meta.applicability is not None and meta.applicability.levels == ["district"]
    assert "department" in meta.applicability.kinds and "people_committee" not in meta.applicability.kinds


def test_commune_example_scores_every_leaf_by_a_rule() -> None:
    """Published (communes read it), unverified, 100 points in exact sums, a scoring rule on every leaf."""
    from api.scoring.points import to_milli
    from api.scoring.rules import check_rule, evaluate, rule_of

    doc = load_file(Path(SCHEMA_PATH.parent, "data", "local_index_commune_example.yaml"))
    meta = doc.framework
    assert (meta.code, meta.kind, meta.status) == ("VD_CHI_SO_CCHC_XA", "local_index", "published")
    assert "Ví dụ" in meta.name and meta.root_sum_equals_scale and meta.scale == 100
    assert meta.applicability is not None and meta.applicability.levels == ["commune"]
    assert not any(n.verified for n in doc.nodes) and all(
        "minh họa" in (n.source_note or "") for n in doc.nodes
    )
    roots = [n for n in doc.nodes if n.parent is None]
    assert len(roots) == 7 and sum(to_milli(n.max_points) for n in roots) == 100_000
    parents = {n.parent for n in doc.nodes}
    leaves = [n for n in doc.nodes if n.code not in parents]
    assert 40 <= len(leaves) <= 50
    for n in doc.nodes:  # children add up exactly (in milli-points, no float tolerance)
        kids = [c for c in doc.nodes if c.parent == n.code]
        if kids:
            assert sum(to_milli(c.max_points) for c in kids) == to_milli(n.max_points), n.code
    kinds = {n.scoring.kind for n in leaves if n.scoring}
    assert all(n.scoring and n.scoring_rule for n in leaves)
    assert kinds == {"options", "thresholds", "deduction", "manual"}
    for n in leaves:
        assert n.scoring is not None
        rule = rule_of(n.scoring.model_dump(mode="json"), None, n.max_points)
        assert check_rule(rule) == [], n.code
    by_code = {n.code: n for n in leaves}
    on_time = rule_of(by_code["6.3.1"].scoring.model_dump(mode="json"), None, 1)  # type: ignore[union-attr]
    assert [evaluate(on_time, measured_value=v)[0] for v in ("98", "97.9", "90", "89.99")] == [
        1000,
        500,
        500,
        0,
    ]


# --- round trip ---


@pytest.mark.parametrize("path", shipped_files(), ids=shipped_ids())
def test_round_trip(path: Path) -> None:
    doc = load_file(path)
    canonical = dump_document(doc)
    again = parse_document(copy.deepcopy(canonical))
    assert again == doc
    assert dump_document(again) == canonical
    assert parse_text(dump_yaml(doc), "yaml") == doc
    assert parse_text(dump_json(doc), "json") == doc
    assert dump_document(parse_text(dump_json(doc), "json")) == canonical
    assert list(VALIDATOR.iter_errors(canonical)) == []


def test_round_trip_through_files(tmp_path: Path) -> None:
    doc = load_file(shipped_files()[0])
    (tmp_path / "f.json").write_text(dump_json(doc), encoding="utf-8")
    (tmp_path / "f.yml").write_text(dump_yaml(doc), encoding="utf-8")
    assert load_file(tmp_path / "f.json") == doc
    assert load_file(tmp_path / "f.yml") == doc


def test_nodes_come_back_in_tree_order() -> None:
    shuffled = [
        node("2", None, 4, order=2),
        node("1.10", "1", 1, order=5),
        node("1.2", "1", 2, order=5),
        node("1", None, 6, order=1),
        node("1.1", "1", 3, order=0),
    ]
    doc = parse_document(document(shuffled))
    assert [n.code for n in doc.nodes] == ["1", "1.1", "1.2", "1.10", "2"]
    assert [n["code"] for n in dump_document(doc)["nodes"]] == ["1", "1.1", "1.2", "1.10", "2"]


def test_tree_order_keeps_orphans_and_cycles() -> None:
    items = [NodeDoc.model_validate(node(c, p)) for c, p in [("b", "a"), ("a", "b"), ("x", None), ("y", "z")]]
    assert [n.code for n in tree_order(items)] == ["x", "y", "b", "a"]


# --- broken documents ---


def test_valid_baseline_parses() -> None:
    assert isinstance(parse_document(document(valid_nodes())), FrameworkDoc)


def test_bad_sum_names_parent_children_and_numbers() -> None:
    nodes = valid_nodes()
    nodes[2]["max_points"] = 3  # 2 + 3 = 5, parent says 6
    errors = errors_of(document(nodes))
    assert [(e.code, e.node_code, e.field) for e in errors] == [("bad_sum", "1", "max_points")]
    assert "(1.1, 1.2) là 5" in errors[0].message and "lĩnh vực 1 có 6 điểm" in errors[0].message
    assert "totalling 5" in errors[0].message_en


def test_children_sum_false_allows_a_partial_list() -> None:
    nodes = valid_nodes()
    nodes[2]["max_points"] = 3
    nodes[0]["children_sum"] = False
    parse_document(document(nodes))


def test_known_children_must_not_exceed_parent_when_some_are_unknown() -> None:
    nodes = [*valid_nodes(), node("1.3", "1", None)]
    parse_document(document(nodes))  # 2 + 4 known, 1.3 unknown: fine
    nodes[2]["max_points"] = 5  # 2 + 5 > 6
    assert codes_with(errors_of(document(nodes)), "bad_sum") == {"1"}


def test_sum_tolerance() -> None:
    nodes = [node("1", None, 0.3), node("1.1", "1", 0.1), node("1.2", "1", 0.2)]  # 0.1 + 0.2 != 0.3 in binary
    parse_document(document(nodes))


def test_duplicate_code() -> None:
    errors = errors_of(document([*valid_nodes(), node("1.1", "1", 0)]))
    assert codes_with(errors, "duplicate_code") == {"1.1"}


def test_unknown_parent() -> None:
    errors = errors_of(document([*valid_nodes(), node("3.1", "3")]))
    assert [(e.code, e.node_code, e.field) for e in errors] == [("unknown_parent", "3.1", "parent")]


def test_cycle() -> None:
    errors = errors_of(document([*valid_nodes(), node("a", "b"), node("b", "a"), node("c", "c")]))
    assert codes_with(errors, "cycle") == {"a", "b", "c"}
    assert {e.code for e in errors} == {"cycle"}


def test_wrong_type_is_attached_to_the_node() -> None:
    nodes = valid_nodes()
    nodes[2]["max_points"] = "abc"
    errors = errors_of(document(nodes))
    assert [(e.code, e.node_code, e.field, e.location) for e in errors] == [
        ("wrong_type", "1.2", "max_points", "nodes[2].max_points")
    ]
    assert "điểm tối đa" in errors[0].message


def test_numeric_string_is_not_a_number() -> None:
    nodes = valid_nodes()
    nodes[2]["max_points"] = "4"
    assert codes_with(errors_of(document(nodes)), "wrong_type") == {"1.2"}


def test_unquoted_yaml_code_is_reported() -> None:
    text = yaml.safe_dump(document(valid_nodes()), allow_unicode=True).replace("code: '2'", "code: 2")
    with pytest.raises(FrameworkValidationError) as info:
        parse_text(text, "yaml")
    (error,) = info.value.errors
    assert (error.code, error.node_code, error.field) == ("wrong_type", "2", "code")
    assert "dấu nháy" in error.message


def test_missing_source_note() -> None:
    nodes = valid_nodes()
    nodes[1]["verified"] = False
    nodes[3]["verified"] = False
    nodes[3]["source_note"] = "Giá trị tạm tính"
    errors = errors_of(document(nodes))
    assert [(e.code, e.node_code, e.field) for e in errors] == [("missing_source_note", "1.1", "source_note")]


def test_formula_rules() -> None:
    nodes = valid_nodes()
    nodes[1]["scoring_method"] = "formula"
    nodes[2]["formula"] = {
        "numerator": "a",
        "denominator": "b",
        "thresholds": [{"min_ratio": 0, "points": 0}],
    }
    nodes[3]["scoring_method"] = "formula"
    nodes[3]["formula"] = {
        "numerator": "a",
        "denominator": "b",
        "thresholds": [{"min_ratio": 0.5, "points": 5}, {"min_ratio": 0.9, "points": 1}],
    }
    errors = errors_of(document(nodes))
    assert {(e.code, e.node_code) for e in errors} == {
        ("formula_missing", "1.1"),
        ("formula_unexpected", "1.2"),
        ("bad_threshold", "2"),
    }
    assert len(codes_with(errors, "bad_threshold")) == 1
    assert len([e for e in errors if e.code == "bad_threshold"]) == 2  # order + 5 points above max 4


def test_root_sum_only_when_asked() -> None:
    parse_document(document(valid_nodes(), scale=100))
    errors = errors_of(document(valid_nodes(), scale=100, root_sum_equals_scale=True))
    assert [(e.code, e.node_code, e.field) for e in errors] == [("bad_root_sum", None, "scale")]
    parse_document(document(valid_nodes(), scale=10, root_sum_equals_scale=True))


def test_many_errors_are_reported_together() -> None:
    nodes = [
        node("1", None, 6, level_name="Lĩnh vực"),
        node("1.1", "1", 2),
        node("1.2", "1", 3),  # bad sum under 1
        node("2", None, 1),
        node("2", None, 1),  # duplicate
        node("3.1", "3"),  # unknown parent
        node("a", "b"),
        node("b", "a"),  # cycle
        node("4", None, "abc"),  # wrong type
        node("5", None, 1, verified=False),  # no source note
        node("6", None, 1, scoring_method="formula"),  # formula missing
    ]
    data = document(nodes)
    data["framework"]["scale"] = "100"
    errors = errors_of(data)
    by_kind: dict[str, set[str | None]] = {}
    for e in errors:
        by_kind.setdefault(e.code, set()).add(e.node_code)
    assert by_kind == {
        "bad_sum": {"1"},
        "duplicate_code": {"2"},
        "unknown_parent": {"3.1"},
        "cycle": {"a", "b"},
        "wrong_type": {"4", None},
        "missing_source_note": {"5"},
        "formula_missing": {"6"},
    }
    assert any(e.location == "framework.scale" for e in errors)
    assert all(e.message and e.message_en for e in errors)


def test_header_errors() -> None:
    errors = errors_of({"format_version": 2, "framework": {"code": "bad code"}, "extra": 1})
    codes = {(e.code, e.location) for e in errors}
    assert ("unsupported_version", "format_version") in codes
    assert ("unknown_field", "extra") in codes
    assert ("missing_field", "nodes") in codes
    assert ("invalid_value", "framework.code") in codes
    assert ("missing_field", "framework.provenance") in codes
    assert errors_of([1, 2])[0].code == "wrong_type"


def test_ranking_band_rules() -> None:
    bands = [
        {"code": "C", "name": "C", "min_percent": None, "max_percent": 80, "verified": False},
        {"code": "A", "name": "A", "min_percent": 90, "max_percent": None, "verified": True},
    ]
    errors = errors_of(document(valid_nodes(), ranking_bands=bands))
    assert {(e.code, e.field) for e in errors} == {
        ("missing_source_note", "ranking_bands[0].note"),
        ("bad_band", "ranking_bands[1]"),
    }


def test_unreadable_text_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(FrameworkValidationError) as info:
        parse_text("{not json", "json")
    assert info.value.errors[0].code == "unreadable_file"
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FrameworkValidationError):
        load_file(tmp_path / "f.txt")


@pytest.mark.parametrize(
    "change",
    [
        lambda ns: ns[2].update(max_points="abc"),
        lambda ns: ns[1].update(verified=False),
        lambda ns: ns[1].update(scoring_method="formula"),
        lambda ns: ns[1].update(code=7),
        lambda ns: ns[1].update(bogus=1),
        lambda ns: ns[1].update(scoring_method="guess"),
        lambda ns: ns[1].update(title="  "),
    ],
    ids=[
        "wrong_type",
        "no_source_note",
        "no_formula",
        "int_code",
        "unknown_field",
        "bad_enum",
        "blank_title",
    ],
)
def test_json_schema_and_library_agree_on_schema_level_errors(change: Any) -> None:
    nodes = valid_nodes()
    change(nodes)
    data = document(nodes)
    assert list(VALIDATOR.iter_errors(data)), "JSON Schema should reject this document too"
    errors_of(data)


# --- helpers ---


def test_fold_accents() -> None:
    assert fold_accents("Cải cách thủ tục") == "cai cach thu tuc"
    assert fold_accents("Đ") == "d"
    assert fold_accents("ĐƯỜNG bộ, Điện sinh hoạt") == "duong bo, dien sinh hoat"
    assert fold_accents("Cải cách") == fold_accents("CAI CACH")


def test_formula_points() -> None:
    doc = load_file(Path(SCHEMA_PATH.parent, "data", "par_index_province_qd876.yaml"))
    formula = next(n.formula for n in doc.nodes if n.code == "3.1")
    assert formula is not None
    assert formula_points(formula, 99, 100) == 1
    assert formula_points(formula, 98, 100) == 1
    assert formula_points(formula, 95, 100) == 0.5
    assert formula_points(formula, 10, 100) == 0
    assert formula_points(formula, 0, 0) is None
