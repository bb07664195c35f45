"""Assessment rounds (đợt đánh giá) and the reading of sheets (phiếu tự đánh giá, chấm điểm).

A round scores one published framework version for one year over a set of units: one sheet per unit, created
``not_started``. The sheet's workflow lives in :mod:`api.scoring.workflow` (self-scoring, submit, approve, reopen)
and :mod:`api.scoring.appraisal` (thẩm định). Every query starts from ``api.authz.scope``; services flush, never
commit.

Points are integer thousandths in the database and exact ``Decimal`` here; subtotals are integer sums.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.audit.service import diff, record, snapshot
from api.authz import scope, scope_scoring
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Unprocessable
from api.etag import make_etag
from api.models import (
    AssessmentRound,
    AssessmentSheet,
    Evidence,
    EvidenceOwner,
    Framework,
    FrameworkNode,
    OrgUnit,
    RoundStatus,
    Score,
    ScoringMethod,
    SheetStatus,
)
from api.models.base import utcnow
from api.scoring.points import from_milli, to_milli
from api.scoring.rules import Rule, rule_of
from api.scoring.schemas import (
    EvidenceBrief,
    EvidenceCandidate,
    FrameworkBrief,
    RoundRead,
    ScoreRead,
    SheetDetail,
    SheetNode,
    SheetRead,
    SheetUpdate,
)

P = Permission
S = SheetStatus
SHEET_AUDIT = [
    "status",
    "difficulties",
    "recommendations",
    "signer_title",
    "signer_name",
    "return_reason",
    "reopen_reason",
]
SELF_EDITABLE = (S.not_started, S.in_progress, S.returned)
APPRAISABLE = (S.submitted, S.under_appraisal)

STATUS_VI = {
    S.not_started: "chưa chấm",
    S.in_progress: "đang tự chấm",
    S.returned: "bị trả lại",
    S.submitted: "đã nộp",
    S.under_appraisal: "đang thẩm định",
    S.appraised: "đã thẩm định",
    S.approved: "đã phê duyệt",
    S.published: "đã công bố",
}


def round_etag(r: AssessmentRound) -> str:
    return make_etag("round", r.id, r.version)


def sheet_etag(s: AssessmentSheet) -> str:
    return make_etag("sheet", s.id, s.version)


def dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def invalid(
    errors: list[FieldError], vi: str = "Dữ liệu không hợp lệ; xem lỗi theo từng trường."
) -> Unprocessable:
    return Unprocessable(vi, "Invalid data; see the errors per field.", errors=errors)


def field_error(field: str, code: str, vi: str, en: str) -> FieldError:
    return FieldError(field=field, code=code, message=vi, message_en=en)


def refuse(sheet: AssessmentSheet, action_vi: str, action_en: str) -> Conflict:
    """409 for a transition the sheet's status does not allow."""
    return Conflict(
        f"Không thể {action_vi} khi phiếu đang ở trạng thái “{STATUS_VI[sheet.status]}”.",
        f"Cannot {action_en} a sheet in status {sheet.status.value}.",
        code="invalid_transition",
    )


def ensure_round_open(rnd: AssessmentRound) -> None:
    if rnd.status == RoundStatus.published:
        raise Conflict(
            "Đợt đánh giá đã công bố kết quả: mọi phiếu đã khóa.",
            "The round is published: every sheet is locked.",
            code="round_published",
        )


def audit_sheet(
    session: Session,
    principal: Principal,
    action: str,
    sheet: AssessmentSheet,
    before: dict[str, Any],
    note: str | None = None,
) -> None:
    record(
        session,
        principal,
        action,
        "assessment_sheet",
        sheet.id,
        sheet.unit_id,
        diff(before, snapshot(sheet, SHEET_AUDIT)),
        note,
    )


def touch(sheet: AssessmentSheet) -> None:
    """A change to a sheet's scores is a change to the sheet: its ETag moves (so submit/appraise act on what was
    seen)."""
    sheet.updated_at = utcnow()


# --- reading rounds and sheets: the tree, scores, subtotals, allowed actions --------------------------------------------------------


def round_reads(session: Session, rounds: list[AssessmentRound]) -> list[RoundRead]:
    """Rounds with their framework's code and name and the owner unit's name (two statements for a page)."""
    fws = {f.id: f for f in session.exec(scope.round_frameworks({r.framework_id for r in rounds})).all()}
    owners = {u.id: u for u in session.exec(scope.units_by_ids({r.owner_unit_id for r in rounds})).all()}
    out = []
    for r in rounds:
        read = RoundRead.model_validate(r)
        if (fw := fws.get(r.framework_id)) is not None:
            read.framework_code, read.framework_name = fw.code, fw.name
        if (owner := owners.get(r.owner_unit_id)) is not None:
            read.owner_unit_name = owner.name
        out.append(read)
    return out


def is_scorable(node: FrameworkNode, has_children: bool) -> bool:
    """Leaves that are not survey-scored (SIPAS-style nodes take imported results instead)."""
    return not has_children and node.scoring_method != ScoringMethod.survey


@dataclass
class SheetState:
    """A sheet with everything its rules and its view need (6 statements, whatever the framework's size)."""

    sheet: AssessmentSheet
    round: AssessmentRound
    framework: Framework
    unit: OrgUnit
    owner: OrgUnit
    nodes: list[FrameworkNode]  # tree order
    children: dict[int | None, list[FrameworkNode]]
    scores: dict[int, Score]  # node id → score
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)  # score id → evidence

    def scorable(self) -> list[FrameworkNode]:
        return [n for n in self.nodes if is_scorable(n, bool(self.children.get(n.id)))]

    def rule(self, node: FrameworkNode) -> Rule:
        return rule_of(node.scoring, node.formula, node.max_points)


def load(session: Session, sheet: AssessmentSheet) -> SheetState:
    rnd = session.exec(scope.sheet_round(sheet.round_id)).one()
    fw = session.exec(scope.round_frameworks([rnd.framework_id])).one()
    units = {u.id: u for u in session.exec(scope.units_by_ids({sheet.unit_id, rnd.owner_unit_id})).all()}
    nodes = list(session.exec(scope.round_nodes(rnd.framework_id)).all())
    children: dict[int | None, list[FrameworkNode]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n)
    for kids in children.values():
        kids.sort(key=lambda n: (n.order, n.code))
    ordered: list[FrameworkNode] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        n = stack.pop()
        ordered.append(n)
        stack.extend(reversed(children.get(n.id, [])))
    scores = {s.node_id: s for s in session.exec(scope.sheet_scores([sheet.id])).all()}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    if scores:
        for score_id, ev in session.exec(scope.score_evidence_rows([s.id for s in scores.values()])).all():
            evidence[score_id].append(ev)
    return SheetState(
        sheet, rnd, fw, units[sheet.unit_id], units[rnd.owner_unit_id], ordered, children, scores, evidence
    )


def node_of(state: SheetState, node_id: int) -> FrameworkNode:
    """A scorable node of the sheet's framework (404 outside the framework, 422 for a parent or survey node)."""
    from api.errors import NotFound

    node = next((n for n in state.nodes if n.id == node_id), None)
    if node is None:
        raise NotFound("Tiêu chí", "Criterion")
    if not is_scorable(node, bool(state.children.get(node.id))):
        raise invalid(
            [
                field_error(
                    "node_id",
                    "not_scorable",
                    f"Tiêu chí {node.code} không tự chấm điểm (tiêu chí có tiêu chí con, hoặc chấm qua khảo sát).",
                    f"Criterion {node.code} is not self-scored.",
                )
            ],
            f"Tiêu chí {node.code} không tự chấm điểm.",
        )
    return node


def within(today: date, start: date, end: date) -> bool:
    return start <= today <= end


def allowed_actions(principal: Principal, state: SheetState, today: date) -> list[str]:
    """What the caller may do on this sheet now (permissions at the unit, status, round and windows)."""
    sheet, rnd, unit = state.sheet, state.round, state.unit
    if rnd.status == RoundStatus.published:
        return []
    out: list[str] = []
    self_open = within(today, rnd.self_start_date, rnd.self_end_date)
    appraisal_open = within(today, rnd.appraisal_start_date, rnd.appraisal_end_date)
    if (
        sheet.status in SELF_EDITABLE
        and self_open
        and scope.reaches_unit(principal, P.assessments_edit, unit)
    ):
        out.append("edit")
        if scope.reaches_unit(principal, P.evidence_upload, unit):
            out.append("upload_evidence")
    if (
        sheet.status in (S.in_progress, S.returned)
        and self_open
        and scope.reaches_unit(principal, P.assessments_submit, unit)
    ):
        out.append("submit")
    if (
        sheet.status in APPRAISABLE
        and appraisal_open
        and scope.reaches_unit(principal, P.assessments_appraise, unit)
    ):
        out += ["appraise", "return", "finish_appraisal"]
    if sheet.status == S.appraised and scope.reaches_unit(principal, P.assessments_approve, unit):
        out.append("approve")
    if sheet.status in (S.appraised, S.approved) and may_reopen(principal, state):
        out.append("reopen")
    return out


def may_reopen(principal: Principal, state: SheetState) -> bool:
    return scope.reaches_unit(principal, P.assessments_appraise, state.unit) or scope.reaches_unit(
        principal, P.assessments_manage, state.owner
    )


def _evidence_brief(ev: Evidence) -> EvidenceBrief:
    return EvidenceBrief.model_validate(ev)


def score_read(score: Score, evidence: list[Evidence]) -> ScoreRead:
    return ScoreRead(
        option_index=score.option_index,
        measured_value=score.measured_value,
        self_points=from_milli(score.self_points_milli),
        manual=score.manual,
        comment=score.comment,
        explanation=score.explanation,
        appraisal_state=score.appraisal_state,
        appraised_points=from_milli(score.appraised_points_milli),
        appraisal_reason=score.appraisal_reason,
        evidence=[_evidence_brief(e) for e in evidence],
        updated_at=score.updated_at or score.created_at,
    )


def _milli(value: Any) -> int | None:
    return None if value is None else to_milli(value)


def sheet_read(sheet: AssessmentSheet, **extra: Any) -> SheetRead:
    out = SheetRead.model_validate(sheet)
    return out.model_copy(update=extra)


def detail(session: Session, principal: Principal, sheet: AssessmentSheet, *, today: date) -> SheetDetail:
    """The sheet as the scoring and appraisal screens show it: the tree in order, each leaf's rule and score, the
    subtotals of every parent (self and appraised, exact), progress and what the caller may do."""
    state = load(session, sheet)
    self_sum: dict[int, int] = defaultdict(int)
    appraised_sum: dict[int, int] = defaultdict(int)
    appraised_seen: dict[int, bool] = defaultdict(bool)
    scored_count: dict[int, int] = defaultdict(int)
    scorable_count: dict[int, int] = defaultdict(int)
    by_id = {n.id: n for n in state.nodes}
    scorable_ids = {n.id for n in state.scorable()}
    for n in state.nodes:
        if n.id not in scorable_ids:
            continue
        score = state.scores.get(n.id or 0)
        ancestors = []
        p = n.parent_id
        while p is not None:
            ancestors.append(p)
            p = by_id[p].parent_id
        ancestors.append(0)  # 0 = the whole sheet
        for a in ancestors:
            scorable_count[a] += 1
            if score is not None and score.self_points_milli is not None:
                scored_count[a] += 1
                self_sum[a] += score.self_points_milli
            if score is not None and score.appraised_points_milli is not None:
                appraised_sum[a] += score.appraised_points_milli
                appraised_seen[a] = True
    out_nodes = []
    for n in state.nodes:
        leaf = n.id in scorable_ids
        score = state.scores.get(n.id or 0)
        has_kids = bool(state.children.get(n.id))
        out_nodes.append(
            SheetNode(
                id=n.id or 0,
                parent_id=n.parent_id,
                code=n.code,
                title=n.title,
                depth=n.depth,
                level_name=n.level_name,
                max_points=from_milli(_milli(n.max_points)),
                scorable=leaf,
                scoring_method=n.scoring_method.value,
                expected_evidence=n.expected_evidence,
                verified=n.verified,
                rule=state.rule(n).as_dict() if leaf else None,
                score=score_read(score, state.evidence.get(score.id or 0, [])) if score is not None else None,
                self_subtotal=from_milli(self_sum[n.id or 0]) if has_kids else None,
                appraised_subtotal=from_milli(appraised_sum[n.id or 0])
                if has_kids and appraised_seen[n.id or 0]
                else None,
                scored=scored_count[n.id or 0] if has_kids else int(leaf and score is not None),
                scorable_count=scorable_count[n.id or 0] if has_kids else int(leaf),
            )
        )
    roots = state.children.get(None, [])
    max_total = (
        from_milli(sum(_milli(r.max_points) or 0 for r in roots))
        if roots and all(r.max_points is not None for r in roots)
        else None
    )
    fw = state.framework
    base = sheet_read(
        sheet,
        unit_code=state.unit.code,
        unit_name=state.unit.name,
        round_name=state.round.name,
        year=state.round.year,
        scored=scored_count[0],
        self_total=from_milli(self_sum[0]),
        appraised_total=from_milli(appraised_sum[0]) if appraised_seen[0] else None,
    )
    return SheetDetail(
        **base.model_dump(),
        round=round_reads(session, [state.round])[0],
        framework=FrameworkBrief(
            id=fw.id or 0, code=fw.code, name=fw.name, scale=Decimal(repr(fw.scale)) if fw.scale else None
        ),
        nodes=out_nodes,
        progress_scored=scored_count[0],
        progress_scorable=scorable_count[0],
        max_total=max_total,
        allowed_actions=allowed_actions(principal, state, today),
    )


def sheet_list(
    principal: Principal, *, round_id: int | None, unit_id: int | None, status: SheetStatus | None
) -> Any:
    """Sheets the caller reads, with the unit's code/name and the round's name/year (one statement per page)."""
    stmt = (
        scope.visible_sheets(principal)
        .join(AssessmentRound, col(AssessmentRound.id) == col(AssessmentSheet.round_id))
        .add_columns(
            col(OrgUnit.code),
            col(OrgUnit.name),
            col(AssessmentRound.name),
            col(AssessmentRound.year),
            col(AssessmentRound.framework_id),
        )
    )
    if round_id is not None:
        stmt = stmt.where(col(AssessmentSheet.round_id) == round_id)
    if unit_id is not None:
        stmt = stmt.where(col(AssessmentSheet.unit_id) == unit_id)
    if status is not None:
        stmt = stmt.where(col(AssessmentSheet.status) == status)
    return stmt


def sheet_rows(session: Session, rows: list[Any]) -> list[SheetRead]:
    """A page of sheets with their scored count out of the framework's scorable criteria ("32/41 đã chấm") and
    totals: one grouped statement for the page's scores, one for its frameworks' criteria."""
    ids = [r[0].id for r in rows]
    totals: dict[int, tuple[int, int | None, int | None]] = {}
    scorable: dict[int, int] = {}
    if ids:
        child = aliased(FrameworkNode)
        criteria = (
            scope_scoring.nodes_of_frameworks(sorted({r[5] for r in rows}))
            .with_only_columns(col(FrameworkNode.framework_id), func.count(col(FrameworkNode.id)))
            .where(
                col(FrameworkNode.scoring_method) != ScoringMethod.survey,
                ~exists().where(col(child.parent_id) == col(FrameworkNode.id)),
            )
            .group_by(col(FrameworkNode.framework_id))
        )
        scorable = {int(fw): int(n) for fw, n in session.execute(criteria).all()}
        agg = (
            scope.sheet_scores(ids)
            .with_only_columns(
                col(Score.sheet_id),
                func.count(col(Score.self_points_milli)),
                func.sum(col(Score.self_points_milli)),
                func.sum(col(Score.appraised_points_milli)),
            )
            .group_by(col(Score.sheet_id))
        )
        for sid, n, self_sum, appraised in session.execute(agg).all():
            totals[sid] = (int(n), self_sum, appraised)
    out = []
    for sheet, code, name, round_name, year, framework_id in rows:
        n, self_sum, appraised = totals.get(sheet.id, (0, None, None))
        out.append(
            sheet_read(
                sheet,
                unit_code=code,
                unit_name=name,
                round_name=round_name,
                year=year,
                scored=n,
                scorable=scorable.get(framework_id, 0),
                self_total=from_milli(int(self_sum)) if self_sum is not None else Decimal(0),
                appraised_total=from_milli(int(appraised)) if appraised is not None else None,
            )
        )
    return out


def update_sheet(
    session: Session, principal: Principal, *, sheet: AssessmentSheet, data: SheetUpdate, today: date
) -> None:
    """Khó khăn, vướng mắc; kiến nghị; người ký — while the unit may still edit its sheet."""
    from api.scoring.workflow import ensure_self_editable

    ensure_self_editable(session, sheet, today, "sửa phiếu", "edit the sheet")
    before = snapshot(sheet, SHEET_AUDIT)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(sheet, key, value.strip() if isinstance(value, str) else value)
    touch(sheet)
    session.flush()
    audit_sheet(session, principal, "update", sheet, before)


# --- evidence candidates ----------------------------------------------------------------------------------------


def candidates(session: Session, principal: Principal, sheet: AssessmentSheet, node_id: int | None) -> Any:
    """Evidence a score of this sheet may cite: the unit's assignments linked to the node (or to any node of the
    framework) first, then the sheet's own uploads."""
    from api.errors import NotFound

    rnd = session.exec(scope.sheet_round(sheet.round_id)).one()
    nodes = scope.round_nodes(rnd.framework_id)
    if node_id is not None:
        if session.exec(nodes.where(FrameworkNode.id == node_id)).first() is None:
            raise NotFound("Tiêu chí", "Criterion")
        return scope.sheet_evidence_candidates(principal, sheet, [node_id])
    return scope.sheet_evidence_candidates(principal, sheet, nodes.with_only_columns(col(FrameworkNode.id)))


def candidate_rows(rows: list[Evidence]) -> list[EvidenceCandidate]:
    return [
        EvidenceCandidate.model_validate(
            {
                **EvidenceBrief.model_validate(ev).model_dump(),
                "source": "sheet" if ev.owner_type == EvidenceOwner.sheet else "assignment",
                "issuing_body": ev.issuing_body,
                "uploaded_at": ev.uploaded_at,
            }
        )
        for ev in rows
    ]
