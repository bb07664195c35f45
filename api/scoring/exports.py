"""What the index documents show: a unit's self-assessment report and a round's results table (báo cáo kết quả
tự đánh giá, chấm điểm; bảng kết quả, xếp hạng). Rendering is :mod:`api.scoring.export_docx` / ``export_xlsx``.

Every row is reached through the scope module: the sheet with ``assessments:read`` (another unit's sheet is a
404), the round's results through :func:`api.scoring.results.round_results` (the same visibility as the results
screen: before publication only the units in the caller's reach, after publication the whole ranking).
Points stay integer milli-points until they are written as text with a decimal comma.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.authz import scope
from api.authz.principal import Principal
from api.config import Settings
from api.models import (
    AppraisalState,
    AssessmentRound,
    AssessmentSheet,
    Evidence,
    FrameworkNode,
    OrgUnit,
    RoundStatus,
    Score,
    SheetStatus,
    UnitLevel,
)
from api.reports import vn
from api.scoring.points import from_milli, to_milli

SHEET_STATUS = {
    SheetStatus.not_started: "Chưa chấm",
    SheetStatus.in_progress: "Đang tự chấm",
    SheetStatus.returned: "Bị trả lại",
    SheetStatus.submitted: "Đã nộp",
    SheetStatus.under_appraisal: "Đang thẩm định",
    SheetStatus.appraised: "Đã thẩm định",
    SheetStatus.approved: "Đã phê duyệt",
    SheetStatus.published: "Đã công bố",
}
APPRAISAL_STATE = {
    AppraisalState.pending: "Chưa thẩm định",
    AppraisalState.accepted: "Công nhận",
    AppraisalState.adjusted: "Điều chỉnh",
    AppraisalState.returned: "Trả lại",
}
DRAFT_STATES = (SheetStatus.not_started, SheetStatus.in_progress, SheetStatus.returned)
_BODY_PREFIXES = ("Ủy ban nhân dân ", "Uỷ ban nhân dân ")


def points_text(milli: int | None) -> str:
    """Milli-points as Vietnamese text: 93500 → "93,5", 1000 → "1", None → ""."""
    d = from_milli(milli)
    if d is None:
        return ""
    text = format(d.quantize(Decimal(1)) if d == d.to_integral_value() else d, "f")
    return text.replace(".", ",")


def percent_text(value: Decimal | None) -> str:
    """An index % (two decimals at most) as "93,5%"."""
    if value is None:
        return ""
    d = value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    return format(d, "f").replace(".", ",") + "%"


def short_committee(name: str) -> str:
    """ "Ủy ban nhân dân huyện Bình Gia" → "UBND huyện Bình Gia" (nơi nhận, citations)."""
    for p in _BODY_PREFIXES:
        if name.lower().startswith(p.lower()):
            return "UBND " + name[len(p) :]
    return name


@dataclass
class NodeRow:
    """One node of the table: a leaf with its score, or a lĩnh vực / tiêu chí with the sums below it."""

    node: FrameworkNode
    depth: int
    leaf: bool
    max_milli: int | None
    self_milli: int | None = None
    appraised_milli: int | None = None
    score: Score | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def answer(self) -> str:
        """The unit's answer in words: the chosen option or the measured value with its unit."""
        s, spec = self.score, self.node.scoring or {}
        if s is None:
            return ""
        if s.option_index is not None:
            options = spec.get("options") or []
            if 0 <= s.option_index < len(options):
                return str(options[s.option_index].get("label", ""))
        if s.measured_value is not None:
            unit = spec.get("value_unit") or ("%" if self.node.formula else "")
            value = s.measured_value.replace(".", ",")
            return f"{value} {unit}".strip()
        return "Chấm trực tiếp" if s.manual else ""


@dataclass
class SheetReport:
    sheet: AssessmentSheet
    round: AssessmentRound
    unit: OrgUnit
    parent: OrgUnit | None
    owner: OrgUnit
    rows: list[NodeRow]
    issued: date
    total_max: int | None
    total_self: int
    total_appraised: int | None
    appraised_count: int
    scorable_count: int
    scored_count: int

    @property
    def has_appraisal(self) -> bool:
        return self.appraised_count > 0

    @property
    def without_evidence(self) -> list[NodeRow]:
        """Leaves scored with no evidence cited: the giải trình list (mục II)."""
        return [r for r in self.rows if r.leaf and r.score is not None and r.score.self_points_milli is not None
                and not r.evidence]  # fmt: skip

    @property
    def status_label(self) -> str:
        return SHEET_STATUS[self.sheet.status]

    def texts(self) -> dict[str, str]:
        """The ``{{placeholders}}`` of the ND 30 skeleton."""
        governing, issuing = vn.issuing_lines(self.unit, self.parent)
        return {
            "co_quan_chu_quan": governing,
            "ten_co_quan": "\n".join(issuing),
            "so_bao_cao": vn.document_number(None, vn.symbol(self.unit)),
            "dia_danh": vn.place_name(self.unit, self.parent),
            "ngay": vn.long_date(self.issued),
            "ten_loai": "BÁO CÁO",
            "trich_yeu": f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {self.round.year}",
            "quyen_han": "\n".join(vn.signature_lines(self.unit, self.sheet.signer_title)),
            "nguoi_ky": self.sheet.signer_name or "",
        }

    def recipients(self) -> list[str]:
        body = "Sở Nội vụ" if self.owner.level == UnitLevel.province else "Phòng Nội vụ"
        return [f"{short_committee(self.owner.name)} (qua {body});", "Lưu: VT."]


def _tree(nodes: list[FrameworkNode]) -> list[tuple[FrameworkNode, int]]:
    """Nodes in tree order (siblings by order, then code) with their depth."""
    children: dict[int | None, list[FrameworkNode]] = {}
    ids = {n.id for n in nodes}
    for n in nodes:
        children.setdefault(n.parent_id if n.parent_id in ids else None, []).append(n)
    for kids in children.values():
        kids.sort(key=lambda n: (n.order, n.code))
    out: list[tuple[FrameworkNode, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for n in children.get(parent, []):
            out.append((n, depth))
            walk(n.id, depth + 1)

    walk(None, 0)
    return out


def _issued(sheet: AssessmentSheet, settings: Settings) -> date:
    """The date line: the submission day; a configured as-of date (demo, tests) or an unsubmitted sheet: today."""
    if sheet.submitted_at is None or settings.as_of_date is not None:
        return settings.today()
    return sheet.submitted_at.astimezone(ZoneInfo(settings.timezone)).date()


def sheet_report(session: Session, principal: Principal, *, sheet_id: int, settings: Settings) -> SheetReport:
    """Everything the self-assessment report shows, for a sheet the caller reads (404 otherwise)."""
    sheet = scope.get_sheet(session, principal, sheet_id)
    rnd = scope.get_round(session, principal, sheet.round_id)
    unit_ids = [sheet.unit_id, rnd.owner_unit_id]
    units = {u.id: u for u in session.exec(scope.units_by_ids(unit_ids)).all()}
    unit = units[sheet.unit_id]
    if unit.parent_id is not None and unit.parent_id not in units:
        units.update({u.id: u for u in session.exec(scope.units_by_ids([unit.parent_id])).all()})
    nodes = list(session.exec(scope.round_nodes(rnd.framework_id)).all())
    scores = {s.node_id: s for s in session.exec(scope.sheet_scores([sheet.id or 0])).all()}
    evidence: dict[int, list[Evidence]] = {}
    if scores:
        for score_id, ev in session.execute(scope.score_evidence_rows([s.id for s in scores.values()])).all():
            evidence.setdefault(score_id, []).append(ev)

    parents = {n.parent_id for n in nodes if n.parent_id is not None}
    rows = [
        NodeRow(
            node=n,
            depth=depth,
            leaf=n.id not in parents,
            max_milli=None if n.max_points is None else to_milli(n.max_points),
        )
        for n, depth in _tree(nodes)
    ]
    by_id = {r.node.id: r for r in rows}
    appraised_count = 0
    for r in rows:
        if not r.leaf:
            continue
        s = scores.get(r.node.id or 0)
        r.score = s
        r.evidence = evidence.get(s.id or 0, []) if s else []
        if s is None or s.self_points_milli is None:
            continue
        appraised = s.appraisal_state in (AppraisalState.accepted, AppraisalState.adjusted)
        appraised_count += appraised
        r.self_milli = s.self_points_milli
        r.appraised_milli = s.appraised_points_milli if appraised else None
        parent = by_id.get(r.node.parent_id)
        while parent is not None:  # each score counts for every ancestor (exact integer sums)
            parent.self_milli = (parent.self_milli or 0) + s.self_points_milli
            if r.appraised_milli is not None:
                parent.appraised_milli = (parent.appraised_milli or 0) + r.appraised_milli
            parent = by_id.get(parent.node.parent_id)
    tops = [r for r in rows if r.depth == 0]
    scorable = [r for r in rows if r.leaf and r.node.scoring_method != "survey"]
    return SheetReport(
        sheet=sheet,
        round=rnd,
        unit=unit,
        parent=units.get(unit.parent_id) if unit.parent_id else None,
        owner=units[rnd.owner_unit_id],
        rows=rows,
        issued=_issued(sheet, settings),
        total_max=sum(t.max_milli for t in tops if t.max_milli is not None)
        if tops and all(t.max_milli is not None for t in tops)
        else None,
        total_self=sum(r.self_milli or 0 for r in rows if r.leaf),
        total_appraised=sum(r.appraised_milli for r in rows if r.leaf and r.appraised_milli is not None)
        if appraised_count
        else None,
        appraised_count=appraised_count,
        scorable_count=len(scorable),
        scored_count=sum(1 for r in scorable if r.self_milli is not None),
    )


# --- the round's results ------------------------------------------------------------------------------------------


@dataclass
class RoundReport:
    round: AssessmentRound
    owner: OrgUnit
    owner_parent: OrgUnit | None
    results: dict[str, Any]  # api.scoring.results.round_results
    issued: date

    @property
    def ranked(self) -> list[dict[str, Any]]:
        return [u for u in self.results["units"] if u["ranked"]]

    @property
    def not_ranked(self) -> list[dict[str, Any]]:
        return [u for u in self.results["units"] if not u["ranked"]]

    @property
    def published(self) -> bool:
        return self.round.status == RoundStatus.published

    def texts(self) -> dict[str, str]:
        governing, issuing = vn.issuing_lines(self.owner, self.owner_parent)
        name = self.round.name
        return {
            "co_quan_chu_quan": governing,
            "ten_co_quan": "\n".join(issuing),
            "so_bao_cao": vn.document_number(None, vn.symbol(self.owner)),
            "dia_danh": vn.place_name(self.owner, self.owner_parent),
            "ngay": vn.long_date(self.issued),
            "ten_loai": "BÁO CÁO",
            "trich_yeu": f"Kết quả {name[:1].lower()}{name[1:]}" if name else "Kết quả đánh giá",
            "quyen_han": "\n".join(vn.signature_lines(self.owner, None)),
            "nguoi_ky": "",
        }

    def recipients(self) -> list[str]:
        return ["Các cơ quan, đơn vị được đánh giá;", "Lưu: VT."]


def round_report(session: Session, principal: Principal, *, round_id: int, settings: Settings) -> RoundReport:
    """The round's results as the results screen shows them to the caller, with the owner's header."""
    from api.scoring.results import round_results

    results = round_results(session, principal, round_id=round_id)
    rnd = scope.get_round_readable(session, principal, round_id)
    units = {u.id: u for u in session.exec(scope.units_by_ids([rnd.owner_unit_id])).all()}
    owner = units[rnd.owner_unit_id]
    parent = None
    if owner.parent_id is not None:
        parent = session.exec(scope.units_by_ids([owner.parent_id])).first()
    issued = settings.today()
    if rnd.published_at is not None and settings.as_of_date is None:
        issued = rnd.published_at.astimezone(ZoneInfo(settings.timezone)).date()
    return RoundReport(round=rnd, owner=owner, owner_parent=parent, results=results, issued=issued)
