"""Consistency checks for the demo data: units tree, the Bình Gia 2024 plan (YAML) and the 2024 commune index round
(seeded into the test database)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"

LEVELS = {"province", "district", "commune"}
KINDS = {"people_committee", "department", "public_service_unit", "office", "other"}
SUCCESSION_KINDS = {"merged_into", "split_from", "renamed_to"}
ALIASES = {"ALL_DEPARTMENTS", "ALL_COMMUNES"}
FRAMEWORK_DIR = Path(__file__).resolve().parents[2] / "api" / "frameworks" / "data"
EXAMPLES = {
    "VD_CHI_SO_CCHC_XA": "local_index_commune_example.yaml",
    "VD_CHI_SO_CCHC_HUYEN": "local_index_district_example.yaml",
}
FRAMEWORKS = {"PAR_INDEX_TINH_876", "SIPAS_QD1001", *EXAMPLES}
PAR_FIELDS = [str(i) for i in range(1, 9)]


def _leaf_codes(file_name: str) -> set[str]:
    nodes = yaml.safe_load((FRAMEWORK_DIR / file_name).read_text(encoding="utf-8"))["nodes"]
    parents = {n["parent"] for n in nodes}
    return {n["code"] for n in nodes if n["code"] not in parents}


ALLOWED_NODES = {
    "PAR_INDEX_TINH_876": {*PAR_FIELDS, "3.1", "7.1"},
    "SIPAS_QD1001": {"A", *(f"A.{i}" for i in range(1, 6)), "B", *(f"B.{i}" for i in range(1, 10))},
    # the example frameworks score leaves, so tasks link to leaves (points at risk counts their points)
    **{code: _leaf_codes(name) for code, name in EXAMPLES.items()},
}
SIPAS_FACTORS = {f"A.{i}" for i in range(1, 6)}
PERIODS = {"Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y"}
RHYTHMS = {"monthly", "quarterly", "continuous"}
PRIORITIES = {"high", "normal", "low"}
DISTRICT_END = dt.date(2025, 6, 30)
REFORM_DAY = dt.date(2025, 7, 1)
YEAR_START, YEAR_END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load(name: str) -> dict:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass


@pytest.fixture(scope="module")
def units_doc() -> dict:
    return _load("units.yaml")


@pytest.fixture(scope="module")
def plan_doc() -> dict:
    return _load("plan_binh_gia_2024.yaml")


@pytest.fixture(scope="module")
def units(units_doc: dict) -> dict[str, dict]:
    return {u["code"]: u for u in units_doc["units"]}


def _valid_during(unit: dict, start: dt.date, end: dt.date) -> bool:
    vf, vt = unit.get("valid_from"), unit.get("valid_to")
    return (vf is None or vf <= end) and (vt is None or vt >= start)


def _nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def _nodes(task: dict, framework: str) -> set[str]:
    return {c["node"] for c in task.get("criteria", []) if c["framework"] == framework}


# ---------------------------------------------------------------------------------------------- units


def test_unit_codes_unique(units_doc: dict) -> None:
    codes = [u["code"] for u in units_doc["units"]]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    assert not dupes, f"duplicate unit codes: {dupes}"


def test_unit_fields(units_doc: dict) -> None:
    required = {"code", "name", "short_name", "level", "kind", "parent", "valid_from", "valid_to", "verified"}
    for u in units_doc["units"]:
        assert required <= u.keys(), f"{u.get('code')}: missing {required - u.keys()}"
        assert u["level"] in LEVELS, u["code"]
        assert u["kind"] in KINDS, u["code"]
        assert isinstance(u["verified"], bool), u["code"]
        assert isinstance(u["valid_from"], dt.date), u["code"]
        assert u["valid_to"] is None or isinstance(u["valid_to"], dt.date), u["code"]
        if u["valid_to"] is not None:
            assert u["valid_to"] >= u["valid_from"], u["code"]
        assert u.get("source_note"), f"{u['code']}: source_note is empty"
        for text in (u["name"], u["short_name"], u["source_note"]):
            assert _nfc(text), f"{u['code']}: text is not NFC-normalised"


def test_every_parent_exists_and_is_valid(units: dict[str, dict]) -> None:
    for code, u in units.items():
        parent = u["parent"]
        if parent is None:
            assert u["level"] == "province", code
            continue
        assert parent in units, f"{code}: unknown parent {parent}"
        p = units[parent]
        # a child cannot outlive its parent nor start before it
        assert p["valid_from"] <= u["valid_from"], code
        if p["valid_to"] is not None:
            assert u["valid_to"] is not None and u["valid_to"] <= p["valid_to"], code


def test_fixed_codes_present(units: dict[str, dict]) -> None:
    district = "VP NV TP TCKH TNMT LDTBXH VHTT GDDT YT TTRA NNPTNT KTHT DT TTVHTTTT BQLDA TTDVNN TTBG"
    new_xa = "BINHGIA TANVAN HONGPHONG HOATHAM QUYHOA THIENHOA THIENTHUAT THIENLONG"
    expected = {"LS", "LS.SNV", "LS.BG"}
    expected |= {f"LS.BG.{c}" for c in district.split()}  # noqa: SIM905
    expected |= {f"LS.X.{c}" for c in new_xa.split()}  # noqa: SIM905
    assert expected <= units.keys(), sorted(expected - units.keys())
    assert units["LS.BG.TTRA"]["kind"] == "office"
    for code in ("LS.BG.TTVHTTTT", "LS.BG.BQLDA", "LS.BG.TTDVNN"):
        assert units[code]["kind"] == "public_service_unit", code
    # verified from the plan text; the rest of the district departments are background knowledge only
    for code in ("LS.BG.NV", "LS.BG.VHTT", "LS.BG.TTVHTTTT"):
        assert units[code]["verified"] is True, code
    for code in ("LS.BG.TP", "LS.BG.TCKH", "LS.BG.YT", "LS.BG.DT", "LS.BG.BQLDA"):
        assert units[code]["verified"] is False, code


def test_district_level_ends_on_2025_06_30(units: dict[str, dict]) -> None:
    bg = [u for c, u in units.items() if c == "LS.BG" or c.startswith("LS.BG.")]
    assert len(bg) == 1 + 16 + 19
    for u in bg:
        assert u["valid_to"] == DISTRICT_END, u["code"]


def test_19_communes_in_2024(units: dict[str, dict]) -> None:
    communes = [
        u
        for u in units.values()
        if u["level"] == "commune" and u["parent"] == "LS.BG" and _valid_during(u, YEAR_START, YEAR_END)
    ]
    assert len(communes) == 19
    xa = [u for u in communes if u["name"].startswith("UBND xã ")]
    tt = [u for u in communes if u["name"].startswith("UBND thị trấn ")]
    assert len(xa) == 18
    assert [u["code"] for u in tt] == ["LS.BG.TTBG"]
    for u in xa:
        assert u["code"].startswith("LS.BG.X."), u["code"]
        assert u["kind"] == "people_committee", u["code"]
        suffix = u["code"].removeprefix("LS.BG.X.")
        assert suffix.isascii() and suffix.isupper() and suffix.isalpha(), u["code"]


def test_new_communes_after_reform(units: dict[str, dict]) -> None:
    new = [c for c in units if c.startswith("LS.X.")]
    assert len(new) == 8
    for code in new:
        u = units[code]
        assert u["parent"] == "LS" and u["level"] == "commune", code
        assert u["valid_from"] == REFORM_DAY and u["valid_to"] is None, code
        assert u["name"].startswith("UBND xã "), code
    # nothing under the district is alive after the reform, nothing new existed in 2024
    for u in units.values():
        if u["code"].startswith("LS.X."):
            assert not _valid_during(u, YEAR_START, YEAR_END)


def test_successions_reference_existing_units(units_doc: dict, units: dict[str, dict]) -> None:
    succ = units_doc["successions"]
    assert succ
    pairs = set()
    for s in succ:
        assert s["from"] in units, s
        assert s["to"] in units, s
        assert s["kind"] in SUCCESSION_KINDS, s
        assert isinstance(s["verified"], bool), s
        assert s.get("legal_basis"), s
        assert isinstance(s["date"], dt.date), s
        # the old unit ends the day before, the new unit starts on the date
        assert units[s["from"]]["valid_to"] == s["date"] - dt.timedelta(days=1), s
        assert units[s["to"]]["valid_from"] == s["date"], s
        pairs.add((s["from"], s["to"], s["kind"]))
    assert len(pairs) == len(succ), "duplicate succession"


def test_binh_gia_composition_verified_others_not(units_doc: dict) -> None:
    into_binh_gia = {s["from"] for s in units_doc["successions"] if s["to"] == "LS.X.BINHGIA"}
    assert into_binh_gia == {"LS.BG.TTBG", "LS.BG.X.HOANGVANTHU", "LS.BG.X.MONGAN"}
    for s in units_doc["successions"]:
        if s["to"] == "LS.X.BINHGIA":
            assert s["verified"] is True
            assert "1672/NQ-UBTVQH15" in s["legal_basis"]
        else:
            # only same-name links are allowed for the other 7 new xã, and they stay unverified
            assert s["verified"] is False, s
            assert s["from"].removeprefix("LS.BG.X.") == s["to"].removeprefix("LS.X."), s
            assert s.get("note"), s


# ---------------------------------------------------------------------------------------------- plan


def test_plan_header(plan_doc: dict, units: dict[str, dict]) -> None:
    plan = plan_doc["plan"]
    assert plan["issuing_unit"] in units
    assert plan["year"] == 2024
    assert plan["symbol"] == "KH-UBND"
    assert isinstance(plan["issue_date"], dt.date) and plan["issue_date"].year == 2024
    assert set(plan["frameworks"]) == FRAMEWORKS
    assert plan["signer"] == "Nguyễn Mạnh Tuấn"
    assert "126/KH-UBND" in plan["parent_plan_text"]
    assert plan.get("note")


def test_sections(plan_doc: dict) -> None:
    labels = [s["label"] for s in plan_doc["sections"]]
    assert len(labels) == len(set(labels)), "duplicate section label"
    for s in plan_doc["sections"]:
        if s.get("parent") is not None:
            assert s["parent"] in labels, s
            assert labels.index(s["parent"]) < labels.index(s["label"]), s
    for field in PAR_FIELDS:
        assert f"I.{field}" in labels
    assert "II" in labels


def test_task_labels_unique_and_enough(plan_doc: dict) -> None:
    labels = [t["label"] for t in plan_doc["tasks"]]
    dupes = [lab for lab, n in Counter(labels).items() if n > 1]
    assert not dupes, dupes
    assert len(labels) >= 44


def test_task_sections_exist(plan_doc: dict) -> None:
    sections = {s["label"] for s in plan_doc["sections"]}
    orders: dict[str, list[int]] = {}
    for t in plan_doc["tasks"]:
        assert t["section"] in sections, t["label"]
        assert t["label"].startswith(t["section"] + "."), t["label"]
        orders.setdefault(t["section"], []).append(t["order"])
    for section, seq in orders.items():
        assert seq == list(range(1, len(seq) + 1)), section


def test_task_units_exist(plan_doc: dict, units: dict[str, dict]) -> None:
    leads = Counter()
    for t in plan_doc["tasks"]:
        assert t["lead"] in units, f"{t['label']}: unknown lead {t['lead']}"
        assert t["lead"] not in ALIASES, t["label"]
        leads[t["lead"]] += 1
        coord = t.get("coordinating", [])
        assert len(coord) == len(set(coord)), t["label"]
        assert t["lead"] not in coord, f"{t['label']}: lead also listed as coordinating"
        for code in coord:
            assert code in units or code in ALIASES, f"{t['label']}: unknown coordinating unit {code}"
        # leads and coordinators must be alive during the plan year
        for code in [t["lead"], *coord]:
            if code in units:
                assert _valid_during(units[code], YEAR_START, YEAR_END), f"{t['label']}: {code}"
    assert len(leads) >= 12, "leads should be spread over many units"
    commune_leads = [c for c in leads if units[c]["level"] == "commune"]
    assert len(commune_leads) >= 2, "some tasks should be led by a xã / thị trấn"


def test_task_text_fields(plan_doc: dict) -> None:
    for t in plan_doc["tasks"]:
        for key in ("title", "product"):
            assert isinstance(t[key], str) and t[key].strip(), f"{t['label']}: {key}"
        assert t["priority"] in PRIORITIES, t["label"]
        for key in ("title", "description", "product", "target"):
            if t.get(key):
                assert _nfc(t[key]), f"{t['label']}: {key} is not NFC-normalised"


def test_criteria_nodes_allowed(plan_doc: dict) -> None:
    for t in plan_doc["tasks"]:
        assert t.get("criteria"), t["label"]
        for c in t["criteria"]:
            assert c["framework"] in FRAMEWORKS, t["label"]
            assert c["node"] in ALLOWED_NODES[c["framework"]], f"{t['label']}: node {c['node']!r}"


def test_commune_framework_links(plan_doc: dict, units: dict[str, dict]) -> None:
    """Tasks link to commune-framework leaves only where communes work on them; some leaves stay uncovered."""
    covered: set[str] = set()
    for t in plan_doc["tasks"]:
        nodes = _nodes(t, "VD_CHI_SO_CCHC_XA")
        if nodes:
            coord = t.get("coordinating", [])
            assert "ALL_COMMUNES" in coord or units[t["lead"]]["level"] == "commune", t["label"]
            covered |= nodes
        if _nodes(
            t, "VD_CHI_SO_CCHC_HUYEN"
        ):  # the district example scores departments (a draft: no commune task)
            assert "ALL_COMMUNES" not in t.get("coordinating", []), t["label"]
    leaves = ALLOWED_NODES["VD_CHI_SO_CCHC_XA"]
    assert 20 <= len(covered) < len(leaves)  # covered, and a few "not covered" for points at risk


def test_every_par_field_has_two_tasks(plan_doc: dict) -> None:
    per_field = Counter()
    for t in plan_doc["tasks"]:
        for field in {n.split(".")[0] for n in _nodes(t, "PAR_INDEX_TINH_876")}:
            per_field[field] += 1
    for field in PAR_FIELDS:
        assert per_field[field] >= 2, f"lĩnh vực {field}: {per_field[field]} task(s)"
    # the appendix groups also cover every lĩnh vực
    per_section = Counter(t["section"] for t in plan_doc["tasks"])
    for field in PAR_FIELDS:
        assert per_section[f"I.{field}"] >= 2, field


def test_sipas_tasks(plan_doc: dict) -> None:
    sipas = [t for t in plan_doc["tasks"] if _nodes(t, "SIPAS_QD1001")]
    assert len(sipas) >= 5
    covered = set().union(*(_nodes(t, "SIPAS_QD1001") for t in sipas))
    assert covered >= SIPAS_FACTORS, sorted(SIPAS_FACTORS - covered)
    assert any(n.startswith("B") for n in covered), "the policy part (B) should be covered"


def test_deadlines(plan_doc: dict) -> None:
    kinds = Counter()
    rhythms = set()
    for t in plan_doc["tasks"]:
        d = t["deadline"]
        kinds[d["kind"]] += 1
        assert d.get("text"), t["label"]
        if d["kind"] == "date":
            assert isinstance(d["date"], dt.date), t["label"]
            assert YEAR_START <= d["date"] <= YEAR_END, t["label"]
        elif d["kind"] == "period":
            assert d["period"] in PERIODS, t["label"]
            assert d["year"] == 2024, t["label"]
        elif d["kind"] == "recurring":
            assert d["rhythm"] in RHYTHMS, t["label"]
            assert d["report_rhythm"] in RHYTHMS, t["label"]
            rhythms.add(d["rhythm"])
        else:
            pytest.fail(f"{t['label']}: unknown deadline kind {d['kind']!r}")
    assert set(kinds) == {"date", "period", "recurring"}
    assert rhythms == RHYTHMS


# ---------------------------------------------------------------------------------------------- index round 2024


def _round_rows(session):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from api.models import AssessmentRound, AssessmentSheet, OrgUnit

    rnd = session.exec(
        select(AssessmentRound).where(AssessmentRound.name == "Đánh giá Chỉ số CCHC cấp xã năm 2024")
    ).one()
    sheets = session.exec(
        select(AssessmentSheet, OrgUnit)
        .join(OrgUnit, OrgUnit.id == AssessmentSheet.unit_id)
        .where(AssessmentSheet.round_id == rnd.id)
    ).all()
    return rnd, {u.code: sh for sh, u in sheets}


def test_round_2024_covers_the_communes_in_every_state(session, units: dict[str, dict]) -> None:  # type: ignore[no-untyped-def]
    from api.models import Framework, OrgUnit, RoundStatus, SheetStatus

    rnd, sheets = _round_rows(session)
    fw = session.get(Framework, rnd.framework_id)
    owner = session.get(OrgUnit, rnd.owner_unit_id)
    assert (fw.code, owner.code, rnd.year, rnd.status) == (
        "VD_CHI_SO_CCHC_XA",
        "LS.BG",
        2024,
        RoundStatus.open,
    )
    assert (rnd.self_start_date, rnd.self_end_date) == (dt.date(2024, 9, 16), dt.date(2024, 10, 31))
    assert (rnd.appraisal_start_date, rnd.appraisal_end_date) == (dt.date(2024, 9, 16), dt.date(2024, 11, 30))
    communes = {
        c for c, u in units.items()
        if u["level"] == "commune" and u.get("parent") == "LS.BG" and _valid_during(u, YEAR_START, YEAR_END)
    }  # fmt: skip
    assert set(sheets) == communes and len(communes) == 19
    states = Counter(sh.status for sh in sheets.values())
    assert set(states) == set(SheetStatus) - {SheetStatus.published}, states
    for later in (
        SheetStatus.submitted,
        SheetStatus.under_appraisal,
        SheetStatus.appraised,
        SheetStatus.approved,
    ):
        assert states[later] >= 2, later  # enough for a meaningful ranking
    assert sheets["LS.BG.X.HOATHAM"].status == SheetStatus.in_progress
    assert sheets["LS.BG.X.TANVAN"].status == SheetStatus.submitted
    returned = [sh for sh in sheets.values() if sh.status == SheetStatus.returned]
    assert all(sh.return_reason for sh in returned)
    for sh in sheets.values():
        if sh.status in (SheetStatus.appraised, SheetStatus.approved):
            assert sh.appraised_at and sh.appraised_by_id
        if sh.status == SheetStatus.approved:
            assert sh.approved_at and sh.approved_by_id


def test_round_2024_scores_follow_the_rules_and_add_up_exactly(session) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from sqlmodel import func, select

    from api.models import AppraisalState, FrameworkNode, Score, SheetStatus
    from api.scoring.points import from_milli
    from api.scoring.rules import evaluate, rule_of

    rnd, sheets = _round_rows(session)
    nodes = {
        n.id: n
        for n in session.exec(
            select(FrameworkNode).where(FrameworkNode.framework_id == rnd.framework_id)
        ).all()
    }
    parents = {n.parent_id for n in nodes.values()}
    leaves = {i for i in nodes if i not in parents}
    by_sheet: dict[int, list] = {}
    for sc in session.exec(select(Score).where(Score.sheet_id.in_([s.id for s in sheets.values()]))).all():  # type: ignore[union-attr]
        by_sheet.setdefault(sc.sheet_id, []).append(sc)
    for code, sh in sheets.items():
        scores = by_sheet.get(sh.id, [])
        if sh.status == SheetStatus.not_started:
            assert scores == [], code
            continue
        assert {s.node_id for s in scores} <= leaves
        complete = {s.node_id for s in scores} == leaves
        assert complete == (code not in ("LS.BG.X.HOATHAM", "LS.BG.X.HOABINH")), code  # partly scored ones
        for s in scores:
            n = nodes[s.node_id]
            rule = rule_of(n.scoring, n.formula, n.max_points)
            manual = None if not s.manual else str(from_milli(s.self_points_milli))
            assert evaluate(rule, option_index=s.option_index, measured_value=s.measured_value,
                            manual_points=manual) == (s.self_points_milli, not s.manual), (code, n.code)  # fmt: skip
            assert s.explanation  # no evidence files in the demo ⇒ giải trình
            if s.appraisal_state == AppraisalState.adjusted:
                assert s.appraisal_reason and s.appraised_points_milli < s.self_points_milli
            if s.appraisal_state == AppraisalState.accepted:
                assert s.appraised_points_milli == s.self_points_milli
        states = Counter(s.appraisal_state for s in scores)
        if sh.status == SheetStatus.under_appraisal:
            assert states[AppraisalState.adjusted] and states[AppraisalState.pending], code
        if sh.status in (SheetStatus.appraised, SheetStatus.approved):
            assert states[AppraisalState.pending] == 0 and states[AppraisalState.adjusted], code
        if sh.status == SheetStatus.returned:
            assert states[AppraisalState.returned] >= 1 and all(
                s.appraisal_reason for s in scores if s.appraisal_state == AppraisalState.returned
            )
        # the SQL total equals the exact Decimal sum, and stays within the 100-point scale
        sql_self, sql_appraised = session.exec(
            select(func.sum(Score.self_points_milli), func.sum(Score.appraised_points_milli)).where(
                Score.sheet_id == sh.id
            )
        ).one()
        assert from_milli(sql_self) == sum((from_milli(s.self_points_milli) for s in scores), Decimal(0))
        assert Decimal(0) < from_milli(sql_self) <= Decimal(100)
        if sh.status == SheetStatus.approved:
            assert from_milli(sql_appraised) == sum(
                (from_milli(s.appraised_points_milli) for s in scores), Decimal(0)
            )
    # pinned so that a change to the demo's answers or the framework's points is a visible decision
    hvt = by_sheet[sheets["LS.BG.X.HOANGVANTHU"].id]
    assert sum(s.self_points_milli for s in hvt) == 97_000
    assert sum(s.appraised_points_milli for s in hvt) == 90_750


def test_round_2024_links_tasks_to_commune_leaves_and_seed_is_idempotent(session) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import func, select

    from api.config import get_settings
    from api.demo import seed as demo_seed
    from api.models import Assignment, Framework, FrameworkNode, OrgUnit, Score, TaskNode
    from api.scoring.seed import link_example_criteria

    linked = session.exec(
        select(func.count(func.distinct(Assignment.id)))
        .join(TaskNode, TaskNode.task_id == Assignment.task_id)
        .join(FrameworkNode, FrameworkNode.id == TaskNode.node_id)
        .join(Framework, Framework.id == FrameworkNode.framework_id)
        .join(OrgUnit, OrgUnit.id == Assignment.unit_id)
        .where(Framework.code == "VD_CHI_SO_CCHC_XA", OrgUnit.code == "LS.BG.X.HOATHAM")
    ).one()
    assert linked >= 20  # Hoa Thám's own assignments carry commune-framework points
    counts = [session.exec(select(func.count()).select_from(t)).one() for t in (Score, TaskNode)]
    assert link_example_criteria(session) == 0
    demo_seed._seed_optional(
        session, {u.code: u for u in session.exec(select(OrgUnit)).all()}, get_settings()
    )
    assert [session.exec(select(func.count()).select_from(t)).one() for t in (Score, TaskNode)] == counts
    session.rollback()
