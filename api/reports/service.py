"""Báo cáo CCHC định kỳ: unit reports and the district report, their workflow and their frozen figures.

Unit report: draft → submitted (unit head, ``reports:submit``; late when after ``period.due_unit``) → accepted
(district admin, ``reports:review``; figures and task table frozen) or returned (with a reason) → submitted …
Aggregated report (``level = district``: the stored value keeps its first name, but the owner unit of the period
may be a province, a district of the past or a commune; the words shown come from ``api.org_units.levels``):
draft → submitted (district admin) →
approved (leader, ``reports:approve``; frozen, then handed to the portal outbox) or returned by the leader.
Until frozen, figures are computed live as of the cut-off on every read.
"""

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Forbidden, Unprocessable
from api.etag import make_etag
from api.models import OrgUnit, Report, ReportingPeriod, ReportLevel, ReportStatus, Role, UnitKind
from api.models.base import utcnow
from api.reports import district as district_figures
from api.reports import figures as unit_figures
from api.reports import outlines
from api.reports.schemas import NARRATIVE_SECTIONS, ReportCreate, ReportDetail, ReportRead, ReportUpdate

P = Permission
S = ReportStatus
AUDIT_FIELDS = [
    "period_id",
    "unit_id",
    "level",
    "status",
    "number",
    "title",
    "signer",
    "signer_title",
    "narrative",
    "is_late",
    "return_reason",
    "frozen_at",
]
EDITABLE = (S.draft, S.returned)
FROZEN = (S.accepted, S.approved)


def etag(report: Report) -> str:
    return make_etag("report", report.id, report.version)


@dataclass
class Context:
    """A report with what every view of it needs: its period, unit and the unit's parent (for headers)."""

    report: Report
    period: ReportingPeriod
    unit: OrgUnit
    parent: OrgUnit | None
    principal: Principal | None = None  # whose reach the CCHC activities of the outline are read in


def context(session: Session, principal: Principal, report: Report) -> Context:
    period = scope.get_period(session, principal, report.period_id)
    ids = [report.unit_id]
    units = {u.id: u for u in session.exec(scope.units_by_ids(ids)).all()}
    unit = units[report.unit_id]
    parent = None
    if unit.parent_id is not None:
        parent = session.exec(scope.units_by_ids([unit.parent_id])).first()
    return Context(report, period, unit, parent, principal)


def compute(session: Session, ctx: Context, *, today: date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Live figures and task table of the report (as of the period's cut-off), with its outline's sections, indicator
    table and CCHC activities (:func:`api.reports.outlines.attach`)."""
    if ctx.report.level == ReportLevel.district:
        figures, table = district_figures.district_figures(
            session, district=ctx.unit, period=ctx.period, today=today
        )
    else:
        figures, table = unit_figures.unit_figures(session, unit=ctx.unit, period=ctx.period, today=today)
    outlines.attach(session, report=ctx.report, unit=ctx.unit, period=ctx.period, principal=ctx.principal,
                    figures=figures, cutoff=unit_figures.as_of(ctx.period, today))  # fmt: skip
    return figures, table


def figures_of(
    session: Session, ctx: Context, *, today: date
) -> tuple[bool, dict[str, Any], list[dict[str, Any]]]:
    """(live, figures, task table): the frozen copy once accepted/approved, else computed now."""
    r = ctx.report
    if r.status in FROZEN and r.figures is not None:
        return False, r.figures, list(r.task_table or [])
    figures, table = compute(session, ctx, today=today)
    return True, figures, table


def read(report: Report, unit: OrgUnit | None = None, period: ReportingPeriod | None = None) -> ReportRead:
    out = ReportRead.model_validate(report)
    if unit is not None:
        out.unit_code, out.unit_name = unit.code, unit.name
    if period is not None:
        out.period_name = period.name
    return out


def detail(session: Session, principal: Principal, report: Report, *, today: date) -> ReportDetail:
    ctx = context(session, principal, report)
    live, figures, table = figures_of(session, ctx, today=today)
    base = read(report, ctx.unit, ctx.period).model_dump()
    as_of = figures.get("as_of")
    if "outline" not in figures:  # frozen before outlines existed: written from the frozen figures
        figures = dict(figures)
        cutoff = date.fromisoformat(as_of) if as_of else ctx.period.data_to
        outlines.attach(session, report=report, unit=ctx.unit, period=ctx.period, principal=principal,
                        figures=figures, cutoff=cutoff)  # fmt: skip
    shown = {k: v for k, v in figures.items() if k != "outline"}
    outline = figures.get("outline") or {}
    return ReportDetail(
        **base,
        live=live,
        as_of=date.fromisoformat(as_of) if as_of else None,
        figures=shown,
        task_table=table,
        outline=outline.get("sections", []),
        outline_info={k: v for k, v in outline.items() if k != "sections"},
    )


def list_query(
    principal: Principal,
    *,
    period_id: int | None,
    unit_id: int | None,
    status: ReportStatus | None,
    level: ReportLevel | None,
) -> Any:
    """Reports the caller reads, with the unit's code/name and the period's name (one statement per page)."""
    stmt = (
        scope.visible_reports(principal)
        .join(ReportingPeriod, col(ReportingPeriod.id) == col(Report.period_id))
        .add_columns(col(OrgUnit.code), col(OrgUnit.name), col(ReportingPeriod.name))
    )
    if period_id is not None:
        stmt = stmt.where(col(Report.period_id) == period_id)
    if unit_id is not None:
        stmt = stmt.where(col(Report.unit_id) == unit_id)
    if status is not None:
        stmt = stmt.where(col(Report.status) == status)
    if level is not None:
        stmt = stmt.where(col(Report.level) == level)
    return stmt


def list_rows(rows: list[Any]) -> list[ReportRead]:
    out = []
    for report, code, name, period_name in rows:
        r = read(report)
        r.unit_code, r.unit_name, r.period_name = code, name, period_name
        out.append(r)
    return out


# --- create and edit ------------------------------------------------------------------------------------------


def _invalid(field: str, message: str, message_en: str, code: str = "invalid") -> Unprocessable:
    return Unprocessable(
        message,
        message_en,
        code=code,
        errors=[FieldError(field=field, code=code, message=message, message_en=message_en)],
    )


# The default chức vụ of a unit's head when the account has no position, by the kind of unit.
HEAD_TITLES = {
    UnitKind.people_committee: "Chủ tịch",
    UnitKind.department: "Trưởng phòng",
}
DEFAULT_HEAD_TITLE = "Thủ trưởng đơn vị"


def default_signer(session: Session, unit: OrgUnit, level: ReportLevel) -> tuple[str | None, str | None]:
    """(signer, signer_title) of a new report: the unit's head (unit_head; the leader for an aggregated report),
    with the account's position as title, else the head's title by the kind of unit. Editable afterwards."""
    role = Role.leader if level == ReportLevel.district else Role.unit_head
    row = session.execute(scope.unit_head(unit.id or 0, role)).first()
    if row is None:
        return None, None
    name, position = row
    title = (position or "").strip() or HEAD_TITLES.get(UnitKind(unit.kind), DEFAULT_HEAD_TITLE)
    return name, title


def create(session: Session, principal: Principal, *, data: ReportCreate) -> Report:
    """Mở báo cáo of a unit for a period (one per period, unit and level)."""
    period = scope.get_period(session, principal, data.period_id)
    if data.unit_id == period.owner_unit_id:
        level, unit = ReportLevel.district, scope.get_unit(session, principal, data.unit_id, P.reports_review)
    else:
        level, unit = ReportLevel.unit, scope.get_unit(session, principal, data.unit_id, P.reports_edit)
        owner = session.exec(scope.units_by_ids([period.owner_unit_id])).one()
        if not unit.path.startswith(owner.path):
            raise _invalid(
                "unit_id",
                "Đơn vị không thuộc phạm vi của kỳ báo cáo này.",
                "The unit is not under the period's owner unit.",
                "unit_outside_period",
            )
    if (unit.valid_to and unit.valid_to < period.data_from) or (
        unit.valid_from and unit.valid_from > period.data_to
    ):
        raise _invalid(
            "unit_id",
            "Đơn vị không hoạt động trong kỳ báo cáo.",
            "The unit was not active in the period.",
            "unit_inactive",
        )
    existing = session.exec(
        scope.visible_reports(principal).where(
            col(Report.period_id) == period.id, col(Report.unit_id) == unit.id, col(Report.level) == level
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"Đơn vị đã có báo cáo cho kỳ này (mã {existing.id}).",
            f"A report already exists for this unit and period (id {existing.id}).",
            code="report_exists",
        )
    signer, signer_title = data.signer, data.signer_title
    if "signer" not in data.model_fields_set and "signer_title" not in data.model_fields_set:
        signer, signer_title = default_signer(session, unit, level)
    report = Report(
        period_id=period.id or 0,
        unit_id=unit.id or 0,
        level=level,
        number=data.number,
        title=data.title,
        signer=signer,
        signer_title=signer_title,
        narrative=dict.fromkeys(NARRATIVE_SECTIONS),
    )
    session.add(report)
    session.flush()
    record_create(session, principal, "report", report, report.unit_id, AUDIT_FIELDS)
    return report


def _refuse(report: Report, action_vi: str, action_en: str) -> Conflict:
    return Conflict(
        f"Không thể {action_vi} báo cáo đang ở trạng thái “{unit_figures.REPORT_STATUS_LABELS.get(report.status, report.status)}”.",
        f"Cannot {action_en} a report in status {report.status}.",
        code="invalid_transition",
    )


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    report: Report,
    before: dict[str, Any],
    note: str | None = None,
) -> None:
    record(
        session,
        principal,
        action,
        "report",
        report.id,
        report.unit_id,
        diff(before, snapshot(report, AUDIT_FIELDS)),
        note,
    )


def update(session: Session, principal: Principal, *, report: Report, data: ReportUpdate) -> Report:
    """Sửa nội dung (narrative sections, number, signer) while the report is a draft or returned."""
    if report.status not in EDITABLE:
        raise _refuse(report, "sửa", "edit")
    before = snapshot(report, AUDIT_FIELDS)
    values = data.model_dump(exclude_unset=True)
    if data.narrative is not None:
        narrative = dict(report.narrative or {})
        sent = data.narrative.sections()
        _check_written_keys(session, principal, report, set(sent))
        narrative.update(sent)
        report.narrative = narrative  # a new dict: JSON columns do not track in-place changes
    values.pop("narrative", None)
    for key, value in values.items():
        setattr(report, key, value)
    report.updated_at = utcnow()
    session.add(report)
    session.flush()
    _audit(session, principal, "update", report, before)
    return report


def _check_written_keys(session: Session, principal: Principal, report: Report, keys: set[str]) -> None:
    """Narrative keys are the written sections of the report's outline (and the classic five)."""
    extra = keys - set(NARRATIVE_SECTIONS)
    if not extra:
        return
    ctx = context(session, principal, report)
    unknown = sorted(extra - outlines.written_keys(session, report, ctx.unit, ctx.period.owner_unit_id))
    if unknown:
        raise _invalid(
            "narrative",
            "Mục không có trong đề cương của báo cáo: " + ", ".join(unknown) + ".",
            "Unknown narrative section(s): " + ", ".join(unknown),
            "unknown_section",
        )


# --- workflow -------------------------------------------------------------------------------------------------


def _check_level(report: Report, level: ReportLevel, action_vi: str) -> None:
    if report.level != level:
        which = "báo cáo của đơn vị" if level == ReportLevel.unit else "báo cáo tổng hợp"
        raise Conflict(
            f"Chỉ {action_vi} {which}.",
            f"Only a {level.value} report can be {action_vi}.",
            code="wrong_report_level",
        )


def units_not_reported(session: Session, principal: Principal, report: Report, *, today: date) -> list[str]:
    """Names of the units under an aggregated report whose own report has not been accepted yet."""
    figures, _ = compute(session, context(session, principal, report), today=today)
    return [str(u.get("name") or u.get("code") or u.get("unit_id")) for u in figures.get("not_reported", [])]


def _check_missing_units(
    session: Session, principal: Principal, report: Report, *, today: date, confirmed: bool
) -> None:
    """An aggregated report goes out with units missing only when the sender confirms it, having seen them."""
    if report.level != ReportLevel.district or confirmed:
        return
    missing = units_not_reported(session, principal, report, today=today)
    if not missing:
        return
    listed = "; ".join(missing)
    raise Conflict(
        f"Còn {len(missing)} cơ quan, đơn vị chưa có báo cáo được tiếp nhận: {listed}. "
        "Hãy xác nhận gửi báo cáo tổng hợp khi còn đơn vị chưa báo cáo (confirm_missing_units=true).",
        f"{len(missing)} unit(s) have no accepted report: {listed}. Confirm with confirm_missing_units=true.",
        code="units_not_reported",
        errors=[
            FieldError(
                field="confirm_missing_units",
                code="unit_not_reported",
                message=name,
                message_en=f"No accepted report: {name}",
            )
            for name in missing
        ],
    )


def submit(
    session: Session,
    principal: Principal,
    *,
    report: Report,
    today: date,
    confirm_missing_units: bool = False,
) -> Report:
    """Gửi báo cáo: late when the first submission comes after the level's due date. An aggregated report with
    units that have not reported needs ``confirm_missing_units`` (409 ``units_not_reported`` lists them)."""
    if report.status not in EDITABLE:
        raise _refuse(report, "gửi", "submit")
    _check_missing_units(session, principal, report, today=today, confirmed=confirm_missing_units)
    period = scope.get_period(session, principal, report.period_id)
    before = snapshot(report, AUDIT_FIELDS)
    due = period.due_unit if report.level == ReportLevel.unit else period.due_district
    if report.submitted_at is None:  # a return by the reviewer never makes a unit late
        report.is_late = today > due
    report.status = S.submitted
    report.submitted_at, report.submitted_by_id = utcnow(), principal.user_id
    session.add(report)
    session.flush()
    notes = ["Nộp muộn"] if report.is_late else []
    if report.level == ReportLevel.district and confirm_missing_units:
        notes.append("Xác nhận gửi khi còn đơn vị chưa báo cáo")
    _audit(session, principal, "submit", report, before, note="; ".join(notes) or None)
    return report


def _freeze(session: Session, principal: Principal, report: Report, today: date) -> None:
    figures, table = compute(session, context(session, principal, report), today=today)
    report.figures, report.task_table, report.frozen_at = figures, table, utcnow()


def accept(session: Session, principal: Principal, *, report: Report, today: date) -> Report:
    """Tiếp nhận báo cáo của đơn vị (Sở Nội vụ, Phòng Nội vụ… of the period's owner): figures and task table are
    frozen."""
    _check_level(report, ReportLevel.unit, "tiếp nhận")
    if report.status != S.submitted:
        raise _refuse(report, "tiếp nhận", "accept")
    before = snapshot(report, AUDIT_FIELDS)
    _freeze(session, principal, report, today)
    report.status, report.return_reason = S.accepted, None
    report.reviewed_at, report.reviewed_by_id = utcnow(), principal.user_id
    session.add(report)
    session.flush()
    _audit(session, principal, "accept", report, before)
    _notify(session, principal, report, "report_accepted")
    return report


def check_can_return(principal: Principal, *, report: Report, unit: OrgUnit) -> None:
    """A unit report is returned by whoever reviews it (reports:review), the district report by a leader."""
    needed = P.reports_review if report.level == ReportLevel.unit else P.reports_approve
    if not principal.covers(needed, unit.id or 0, unit.path):
        raise Forbidden(
            "Bạn không có quyền trả lại báo cáo này.",
            f"Missing permission {needed.value}.",
            code="missing_permission",
        )


def return_(session: Session, principal: Principal, *, report: Report, unit: OrgUnit, reason: str) -> Report:
    """Trả lại with a reason: a unit report by the district admin, the district report by a leader."""
    check_can_return(principal, report=report, unit=unit)
    if report.status != S.submitted:
        raise _refuse(report, "trả lại", "return")
    before = snapshot(report, AUDIT_FIELDS)
    report.status, report.return_reason = S.returned, reason
    report.reviewed_at, report.reviewed_by_id = utcnow(), principal.user_id
    session.add(report)
    session.flush()
    _audit(session, principal, "return", report, before, note=reason)
    _notify(session, principal, report, "report_returned", reason)
    return report


def _notify(
    session: Session, principal: Principal, report: Report, kind: str, reason: str | None = None
) -> None:
    """Đôn đốc: the unit's inbox entry (and e-mail/webhook rows) commit with the return or acceptance itself."""
    from api.notifications.events import on_report_event

    on_report_event(session, report=report, kind=kind, actor_user_id=principal.user_id, reason=reason)


def approve(session: Session, principal: Principal, *, report: Report, today: date) -> Report:
    """Lãnh đạo phê duyệt báo cáo tổng hợp: frozen, then queued for the provincial portal (same transaction)."""
    _check_level(report, ReportLevel.district, "phê duyệt")
    if report.status != S.submitted:
        raise _refuse(report, "phê duyệt", "approve")
    before = snapshot(report, AUDIT_FIELDS)
    _freeze(session, principal, report, today)
    report.status, report.return_reason = S.approved, None
    report.reviewed_at, report.reviewed_by_id = utcnow(), principal.user_id
    session.add(report)
    session.flush()
    _audit(session, principal, "approve", report, before)
    portal = _portal_service()
    if portal is not None:
        portal.enqueue_delivery(session, report=report, principal=principal)
    return report


def _portal_service() -> Any:
    """``api.portal.service`` when that package is installed (it is optional for the reports domain)."""
    try:
        module = importlib.import_module("api.portal.service")
    except ModuleNotFoundError as exc:
        if exc.name and "api.portal.service".startswith(exc.name):
            return None
        raise
    return module if hasattr(module, "enqueue_delivery") else None
