"""Matrix rows for index scoring: rounds, sheets, self-scores, appraisal, approval, publication.

World (``setup``), on each side (own = LS.BG running a round scoring commune Hoa Thám; foreign = XX.D scoring
XX.D.C), keys ``<side>_…``:
- ``<side>_framework``: a small published framework (one lĩnh vực "1" with leaves "1.1" options 0/0,5/1 and
  "1.2" manual, max 1 each); ``<side>_node`` = leaf "1.1", ``<side>_node2`` = leaf "1.2";
- ``<side>_round``: an open round of that framework for the current year, owned by the district;
- ``<side>_sheet``: the commune's sheet, status ``in_progress`` with a score on "1.1";
- ``<side>_submitted_sheet``: a second commune's sheet... (own side only: Tân Văn, ``submitted``, both leaves
  scored with explanations) — used by appraisal rows;
- ``<side>_published_round``: a published round with an approved+published sheet of the commune;
- ``<side>_ready_round``: an open round whose only sheet (the commune's) is approved — ready to publish.
Other scoring matrix modules call ``w.run_setup("scoring")`` to reach these keys.
"""

from datetime import date
from typing import Any

from tests.authz.spec import Case, Req

V1 = "/api/v1"


def _framework(w: Any, owner_id: int, code: str) -> tuple[int, int, int]:
    from api.models import Framework, FrameworkKind, FrameworkNode, FrameworkStatus

    s = w.session
    fw = Framework(
        code=code,
        name=f"Bộ chỉ số thử {code}",
        kind=FrameworkKind.local_index,
        valid_from_year=2020,
        status=FrameworkStatus.published,
        scale=2,
        owner_unit_id=owner_id,
        applicability={"levels": ["commune"], "kinds": []},
        provenance="matrix test",
    )
    s.add(fw)
    s.flush()
    root = FrameworkNode(framework_id=fw.id, code="1", title="Lĩnh vực 1", max_points=2, depth=0, order=1,
                         level_name="Lĩnh vực", verified=False, source_note="matrix")  # fmt: skip
    s.add(root)
    s.flush()
    root.path = f"/{root.id}/"
    options = {"kind": "options", "options": [{"label": "Không", "points": 0}, {"label": "Một phần", "points": 0.5},
                                               {"label": "Đủ", "points": 1}]}  # fmt: skip
    leaf = FrameworkNode(framework_id=fw.id, parent_id=root.id, code="1.1", title="Tiêu chí 1.1", max_points=1,
                         depth=1, order=1, level_name="Tiêu chí", scoring=options, verified=False, source_note="matrix")  # fmt: skip
    leaf2 = FrameworkNode(framework_id=fw.id, parent_id=root.id, code="1.2", title="Tiêu chí 1.2", max_points=1,
                          depth=1, order=2, level_name="Tiêu chí", verified=False, source_note="matrix")  # fmt: skip
    s.add(leaf)
    s.add(leaf2)
    s.flush()
    leaf.path = f"{root.path}{leaf.id}/"
    leaf2.path = f"{root.path}{leaf2.id}/"
    s.flush()
    return fw.id or 0, leaf.id or 0, leaf2.id or 0


def _side(w: Any, side: str, owner_id: int, unit_id: int, second_unit_id: int | None) -> None:
    from api.models import AssessmentRound, AssessmentSheet, RoundStatus, Score, SheetStatus

    s = w.session
    year = date.today().year
    fw_id, node_id, node2_id = _framework(w, owner_id, f"MATRIX_{side.upper()}")

    def rnd(status: RoundStatus, name: str) -> AssessmentRound:
        r = AssessmentRound(framework_id=fw_id, owner_unit_id=owner_id, year=year, name=name, status=status,
                            self_start_date=date(2000, 1, 1), self_end_date=date(2100, 12, 31),
                            appraisal_start_date=date(2000, 1, 1), appraisal_end_date=date(2100, 12, 31))  # fmt: skip
        s.add(r)
        s.flush()
        return r

    def sheet(round_id: int, unit: int, status: SheetStatus, scored: list[int]) -> int:
        sh = AssessmentSheet(round_id=round_id, unit_id=unit, status=status)
        s.add(sh)
        s.flush()
        for n in scored:
            s.add(Score(sheet_id=sh.id or 0, node_id=n, self_points_milli=1000, option_index=2,
                        explanation="Giải trình thử", appraised_points_milli=1000 if status in
                        (SheetStatus.approved, SheetStatus.published) else None))  # fmt: skip
        s.flush()
        return sh.id or 0

    open_round = rnd(RoundStatus.open, f"Đợt thử {side}")
    w.ids[f"{side}_framework"] = fw_id
    w.ids[f"{side}_node"] = node_id
    w.ids[f"{side}_node2"] = node2_id
    w.ids[f"{side}_round"] = open_round.id
    w.ids[f"{side}_sheet"] = sheet(open_round.id or 0, unit_id, SheetStatus.in_progress, [node_id])
    if second_unit_id is not None:
        w.ids[f"{side}_submitted_sheet"] = sheet(
            open_round.id or 0, second_unit_id, SheetStatus.submitted, [node_id, node2_id]
        )
    published = rnd(RoundStatus.published, f"Đợt đã công bố {side}")
    w.ids[f"{side}_published_round"] = published.id
    w.ids[f"{side}_published_sheet"] = sheet(
        published.id or 0, unit_id, SheetStatus.published, [node_id, node2_id]
    )


def _ready_round(w: Any, side: str, owner_id: int, unit_id: int) -> None:
    from api.models import AssessmentRound, AssessmentSheet, SheetStatus

    s = w.session
    r = AssessmentRound(framework_id=w.ids[f"{side}_framework"], owner_unit_id=owner_id, year=date.today().year - 1,
                        name=f"Đợt sẵn sàng công bố {side}", self_start_date=date(2000, 1, 1),
                        self_end_date=date(2100, 12, 31), appraisal_start_date=date(2000, 1, 1),
                        appraisal_end_date=date(2100, 12, 31))  # fmt: skip
    s.add(r)
    s.flush()
    s.add(AssessmentSheet(round_id=r.id or 0, unit_id=unit_id, status=SheetStatus.approved))
    s.flush()
    w.ids[f"{side}_ready_round"] = r.id


def setup(w: Any) -> None:
    _side(w, "own", w.ids["own_district"], w.ids["own_unit"], w.units["LS.BG.X.TANVAN"])
    _side(w, "foreign", w.ids["foreign_district"], w.ids["foreign_unit"], None)
    _ready_round(w, "own", w.ids["own_district"], w.ids["own_unit"])
    _ready_round(w, "foreign", w.ids["foreign_district"], w.ids["foreign_unit"])
    w.session.commit()


# --- rows: rounds, sheets, self-scores, appraisal, approval, publication (the workflow, api/scoring/router.py) ----

# Who succeeds on the own objects: readers (assessments:read: not the system admin); the round's manager and the
# appraisers (district admin, district token: assessments:manage/appraise strictly above the commune); the unit's
# workers (assessments:edit: the commune's head and officer, and the district above them); submitters
# (assessments:submit); the approver (assessments:approve: the leader only — the district token's ceiling excludes it).
READERS = frozenset({"district_admin", "leader", "observer", "unit_head", "unit_officer", "token"})
MANAGERS = frozenset({"district_admin", "token"})
WORKERS = frozenset({"district_admin", "unit_head", "unit_officer", "token"})
SUBMITTERS = frozenset({"district_admin", "unit_head", "token"})
ALL = {"limit": 500}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _side_of(key: str) -> str:
    return "own" if key.startswith("own") else "foreign"


def _prepare(w: Any, key: str, status: str | None) -> None:
    """Bring a sheet to ``status`` straight in the database (complete, every score accepted) for a transition row."""
    from sqlmodel import select

    from api.models import AppraisalState, AssessmentSheet, Score, SheetStatus

    if status is None:
        return
    s = w.session
    sheet = s.get(AssessmentSheet, w.ids[key])
    side = _side_of(key)
    have = {x.node_id: x for x in s.exec(select(Score).where(Score.sheet_id == sheet.id)).all()}
    for node in (w.ids[f"{side}_node"], w.ids[f"{side}_node2"]):
        sc = have.get(node) or Score(sheet_id=sheet.id, node_id=node, option_index=2)
        sc.self_points_milli, sc.explanation = 1000, "Giải trình thử"
        if status in ("under_appraisal", "appraised", "approved"):
            sc.appraisal_state, sc.appraised_points_milli = AppraisalState.accepted, 1000
        s.add(sc)
    sheet.status = SheetStatus(status)
    s.commit()


def _req(method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
    return lambda w, _a: Req(method, V1 + path.format_map(w.ids), json=body, params=params)


def _etagged(
    method: str, path: str, body: Any = None, *, etag_path: str, prepare: tuple[str, str] | None = None
) -> Any:
    """A write with ``If-Match``; ``prepare`` = (sheet key, status) to set first."""

    def make(w: Any, _actor: str) -> Req:
        if prepare is not None:
            _prepare(w, *prepare)
        tag = w.etag(V1 + etag_path.format_map(w.ids))
        return Req(method, V1 + path.format_map(w.ids), json=body, headers={"If-Match": tag})

    return make


def _sheet_action(action: str, key: str, body: Any = None, status: str | None = None) -> Any:
    return _etagged("POST", f"/assessment-sheets/{{{key}}}/{action}", body,
                    etag_path=f"/assessment-sheets/{{{key}}}", prepare=(key, status) if status else None)  # fmt: skip


def _create_round(side: str) -> Any:
    def make(w: Any, _actor: str) -> Req:
        owner = w.ids["own_district" if side == "own" else "foreign_district"]
        return Req("POST", f"{V1}/assessment-rounds", json={
            "framework_id": w.ids[f"{side}_framework"], "owner_unit_id": owner, "year": 2021, "name": "Đợt 2021",
            "self_start_date": "2021-10-01", "self_end_date": "2021-10-31",
            "appraisal_start_date": "2021-11-01", "appraisal_end_date": "2021-11-30"})  # fmt: skip

    return make


def _upload(key: str) -> Any:
    return lambda w, _a: Req("POST", f"{V1}/assessment-sheets/{w.ids[key]}/evidence", data={"title": "Biên bản"},
                             files={"file": ("bien-ban.pdf", PDF, "application/pdf")})  # fmt: skip


def _ids(*keys: str) -> Any:
    return lambda w: {w.ids[k] for k in keys}


SCORE = {"manual_points": "0.5", "explanation": "Chưa có tài liệu"}
REASON = {"reason": "Bổ sung tài liệu kiểm chứng"}

CASES: list[Case] = [
    # --- rounds
    Case("assessment_rounds-create", own=_create_round("own"), foreign=_create_round("foreign"), allowed=MANAGERS),
    Case("assessment_rounds-list", own=_req("GET", "/assessment-rounds", params=ALL), allowed=READERS,
         list_foreign_ids=_ids("foreign_round", "foreign_published_round", "foreign_ready_round")),
    Case("assessment_rounds-get", own=_req("GET", "/assessment-rounds/{own_round}"),
         foreign=_req("GET", "/assessment-rounds/{foreign_round}"), allowed=READERS),
    Case("assessment_rounds-update",
         own=_etagged("PATCH", "/assessment-rounds/{own_round}", {"name": "Đợt (sửa)"},
                      etag_path="/assessment-rounds/{own_round}"),
         foreign=_etagged("PATCH", "/assessment-rounds/{foreign_round}", {"name": "x"},
                          etag_path="/assessment-rounds/{foreign_round}"),
         allowed=MANAGERS),
    Case("assessment_rounds-publish",
         own=_etagged("POST", "/assessment-rounds/{own_ready_round}/publish", {"decision_ref": "1/QĐ"},
                      etag_path="/assessment-rounds/{own_ready_round}"),
         foreign=_etagged("POST", "/assessment-rounds/{foreign_ready_round}/publish", {},
                          etag_path="/assessment-rounds/{foreign_ready_round}"),
         allowed=MANAGERS),
    # --- sheets
    Case("assessment_sheets-list", own=_req("GET", "/assessment-sheets", params=ALL), allowed=READERS,
         list_foreign_ids=_ids("foreign_sheet", "foreign_published_sheet")),
    Case("assessment_sheets-get", own=_req("GET", "/assessment-sheets/{own_sheet}"),
         foreign=_req("GET", "/assessment-sheets/{foreign_sheet}"), allowed=READERS),
    Case("assessment_sheets-update",
         own=_etagged("PATCH", "/assessment-sheets/{own_sheet}", {"difficulties": "Thiếu nhân lực"},
                      etag_path="/assessment-sheets/{own_sheet}"),
         foreign=_etagged("PATCH", "/assessment-sheets/{foreign_sheet}", {"difficulties": "x"},
                          etag_path="/assessment-sheets/{foreign_sheet}"),
         allowed=WORKERS),
    Case("assessment_sheets-score",
         own=_etagged("PUT", "/assessment-sheets/{own_sheet}/scores/{own_node2}", SCORE,
                      etag_path="/assessment-sheets/{own_sheet}"),
         foreign=_etagged("PUT", "/assessment-sheets/{foreign_sheet}/scores/{foreign_node2}", SCORE,
                          etag_path="/assessment-sheets/{foreign_sheet}"),
         allowed=WORKERS),
    Case("evidence-upload_sheet", own=_upload("own_sheet"), foreign=_upload("foreign_sheet"), allowed=WORKERS),
    Case("assessment_sheets-evidence_candidates",
         own=_req("GET", "/assessment-sheets/{own_sheet}/evidence-candidates", params={"limit": 50}),
         foreign=_req("GET", "/assessment-sheets/{foreign_sheet}/evidence-candidates"), allowed=READERS),
    Case("assessment_sheets-submit", own=_sheet_action("submit", "own_sheet", status="in_progress"),
         foreign=_sheet_action("submit", "foreign_sheet"), allowed=SUBMITTERS),
    # --- appraisal (strictly above the commune), approval (the leader), reopen (appraiser or manager)
    Case("assessment_sheets-appraise_node",
         own=_etagged("PUT", "/assessment-sheets/{own_submitted_sheet}/appraisals/{own_node}", {"state": "accepted"},
                      etag_path="/assessment-sheets/{own_submitted_sheet}"),
         foreign=_etagged("PUT", "/assessment-sheets/{foreign_sheet}/appraisals/{foreign_node}",
                          {"state": "accepted"}, etag_path="/assessment-sheets/{foreign_sheet}"),
         allowed=MANAGERS, note="the foreign side has no submitted sheet: scope answers before the status"),
    Case("assessment_sheets-accept_many", own=_sheet_action("appraisals/accept", "own_submitted_sheet", {}),
         foreign=_sheet_action("appraisals/accept", "foreign_sheet", {}), allowed=MANAGERS),
    Case("assessment_sheets-return", own=_sheet_action("return", "own_submitted_sheet", REASON),
         foreign=_sheet_action("return", "foreign_sheet", REASON), allowed=MANAGERS),
    Case("assessment_sheets-finish_appraisal",
         own=_sheet_action("appraise", "own_submitted_sheet", status="under_appraisal"),
         foreign=_sheet_action("appraise", "foreign_sheet"), allowed=MANAGERS),
    Case("assessment_sheets-approve", own=_sheet_action("approve", "own_submitted_sheet", status="appraised"),
         foreign=_sheet_action("approve", "foreign_sheet", status="appraised"), allowed=frozenset({"leader"})),
    Case("assessment_sheets-reopen", own=_sheet_action("reopen", "own_submitted_sheet", REASON, status="approved"),
         foreign=_sheet_action("reopen", "foreign_sheet", REASON, status="approved"), allowed=MANAGERS),
]  # fmt: skip
