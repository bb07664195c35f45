"""Report outlines (đề cương) and indicator tables (biểu số liệu): which outline a report follows, its sections
written from data or by the unit, the indicator values a unit enters, and their roll-up to the district.

Which outline: the period owner's own copy for the report's level (and, for a unit report, the unit's kind:
commune or department), else the shipped default (:mod:`api.reports.outline_defaults`). Values are matched to an
outline's indicators by code, so a district that copies and edits the default keeps the values already entered.

Roll-up (aggregated report): an entered indicator with ``sum`` / ``average`` adds up / averages the values the
units entered on their reports of the same period; ``share`` is the sum of the numerator indicator over the sum of
the denominator indicator (units that entered both), in per cent; ``none`` is the district's own entry. A unit is
expected to enter an indicator when its outline has it; the ones that have not are listed. Computed indicators
come from parsipas data (plan figures, CCHC activities) of the report's own scope.

Survey (issue 20): a section with ``source: survey`` shows the satisfaction survey of the report's own desks (a
unit: its desks; the district: every desk of its subtree) in the report's window; an entered indicator with
``source: survey_satisfaction`` is computed from those answers when there are any (the item says so in
``source_text``), entered by hand otherwise. The figures (``figures["survey"]``) freeze with the report.
"""

import importlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.audit.service import record
from api.authz import scope
from api.authz import scope_outline as so
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Unprocessable
from api.models import OrgUnit, Report, ReportLevel, UnitKind
from api.models.base import utcnow
from api.models.report_outline import Indicator, IndicatorValue, ReportOutline, Rollup
from api.reports import outline_defaults as D
from api.reports import vn
from api.reports.outline_schemas import (
    AUTO_SOURCES,
    COMPUTED_SOURCES,
    IndicatorIn,
    IndicatorItem,
    IndicatorRead,
    IndicatorValuesPut,
    MissingUnit,
    OutlineCopy,
    OutlineRead,
    OutlineUpdate,
    ReportIndicators,
)
from api.surveys import results as survey_results
from api.surveys import summary as S

P = Permission
SHARE_DECIMALS, AVERAGE_DECIMALS = 1, 2


# --- which outline ------------------------------------------------------------------------------------------


@dataclass
class Resolved:
    """An outline with its indicators (``outline`` is None for the built-in fallback when nothing is stored)."""

    outline: ReportOutline | None
    sections: list[dict[str, Any]]
    indicators: list[Any]  # Indicator rows (or IndicatorIn for the fallback)
    name: str
    verified: bool
    source_note: str | None
    by_kind: dict[str | None, list[Any]] = field(
        default_factory=dict
    )  # unit outlines' indicators per unit kind

    @property
    def id(self) -> int | None:
        return self.outline.id if self.outline else None


def unit_kind_of(unit: OrgUnit) -> str:
    return "commune" if unit.kind == UnitKind.people_committee else "department"


def _pick(candidates: list[ReportOutline], owner_id: int, kind: str | None) -> ReportOutline | None:
    def rank(o: ReportOutline) -> tuple[int, int, int]:
        return (0 if o.owner_unit_id == owner_id else 1, 0 if o.unit_kind == kind else 1, o.id or 0)

    fitting = [o for o in candidates if o.unit_kind in (kind, None)]
    return min(fitting, key=rank) if fitting else None


def _fallback(level: str, kind: str | None) -> Resolved:
    rows = [
        IndicatorIn(
            code=c,
            section_key=s,
            name=n,
            unit_of_measure=u,
            computed=src is not None and src not in D.ENTERED_SOURCES,
            source=src,
            rollup=Rollup(r),
            numerator_code=num,
            denominator_code=den,
            order=i,
        )
        for i, (c, s, n, u, src, r, num, den) in enumerate(D.indicators(level, kind), 1)
    ]
    name = next(n for _c, lv, k, n in D.OUTLINES if lv == level and (k == kind or level == "district"))
    return Resolved(None, D.sections(level), rows, name, False, D.SOURCE_NOTE)


def resolve(session: Session, report: Report, unit: OrgUnit, owner_id: int) -> Resolved:
    """The outline a report follows (a bounded number of statements); for an aggregated report also the unit
    outlines' indicators per unit kind, to know which units are expected to enter what."""
    level = ReportLevel(report.level)
    kind = None if level == ReportLevel.district else unit_kind_of(unit)
    candidates = list(session.exec(so.outlines_for_report(owner_id, level)).all())
    chosen = _pick(candidates, owner_id, kind)
    unit_outlines: dict[str | None, ReportOutline | None] = {}
    if level == ReportLevel.district:
        unit_candidates = list(session.exec(so.outlines_for_report(owner_id, ReportLevel.unit)).all())
        unit_outlines = {k: _pick(unit_candidates, owner_id, k) for k in ("commune", "department")}
    ids = {o.id for o in [chosen, *unit_outlines.values()] if o is not None}
    rows = list(session.exec(so.outline_indicators(list(ids))).all()) if ids else []
    per: dict[int, list[Indicator]] = {}
    for ind in rows:
        per.setdefault(ind.outline_id, []).append(ind)
    if chosen is None:
        out = _fallback(level.value, kind)
    else:
        out = Resolved(
            chosen,
            list(chosen.sections or []),
            per.get(chosen.id or 0, []),
            chosen.name,
            chosen.verified,
            chosen.source_note,
        )
    for k, o in unit_outlines.items():
        out.by_kind[k] = per.get(o.id or 0, []) if o is not None else _fallback("unit", k).indicators
    return out


# --- CCHC activities (helper module of the activities domain, optional) ----------------------------------------


def _activities_summary() -> Any:
    try:
        return importlib.import_module("api.activities.summary")
    except ModuleNotFoundError as exc:
        if exc.name and "api.activities.summary".startswith(exc.name):
            return None
        raise


def activities(
    session: Session, principal: Principal | None, unit: OrgUnit, subtree: bool, start: date, end: date
) -> dict[str, Any] | None:
    """The CCHC activities of the report's scope dated ``start``..``end`` (``None``: not recorded here)."""
    module = _activities_summary()
    if module is None or principal is None or end < start:
        return None
    ids = list(session.exec(so.subtree_unit_ids(unit)).all()) if subtree else [unit.id or 0]
    summary = module.period_summary(session, principal, ids, start, end)
    return summary.model_dump(mode="json")  # type: ignore[no-any-return]


# --- section texts ------------------------------------------------------------------------------------------

SEVERITY = {"high": "nghiêm trọng", "medium": "trung bình", "low": "nhẹ"}


def _d(iso: str | None) -> str:
    return vn.date_text(date.fromisoformat(iso)) if iso else ""


def _window(start: date, end: date) -> str:
    return f"từ ngày {vn.date_text(start)} đến ngày {vn.date_text(end)}"


def inspections_text(a: dict[str, Any] | None, *, district: bool, window: str) -> list[str]:
    if a is None:
        return ["Chưa có dữ liệu kiểm tra cải cách hành chính được ghi nhận trên hệ thống."]
    rows = a.get("inspections") or []
    if not rows:
        return [f"Trong kỳ ({window}) không có cuộc kiểm tra cải cách hành chính nào được ghi nhận."]
    sev = a.get("findings_by_severity") or {}
    sev_text = ", ".join(f"{word} {vn.number(sev[k])}" for k, word in SEVERITY.items() if sev.get(k))
    kinds = f"(định kỳ {vn.number(a.get('inspections_periodic', 0))}, đột xuất {vn.number(a.get('inspections_adhoc', 0))})"
    if district:
        head = (
            f"Trong kỳ đã tiến hành {vn.number(len(rows))} cuộc kiểm tra công tác cải cách hành chính {kinds} tại "
            f"{vn.number(a.get('units_inspected', 0))} cơ quan, đơn vị"
        )
    else:
        head = (
            f"Trong kỳ, đơn vị được kiểm tra công tác cải cách hành chính {vn.number(len(rows))} lần {kinds}"
        )
    lines = [
        f"{head}; phát hiện {vn.number(a.get('findings', 0))} tồn tại, hạn chế"
        + (f" ({sev_text})" if sev_text else "")
        + f"; nhiệm vụ khắc phục sau kiểm tra: đã hoàn thành {vn.number(a.get('follow_ups_done', 0))}, đang thực "
        f"hiện {vn.number(a.get('follow_ups_open', 0))}."
    ]
    for r in rows:
        state = "đã kết luận" if r.get("closed") else "chưa kết luận"
        lines.append(
            f"- Ngày {_d(r.get('date'))}: kiểm tra {str(r.get('kind_label') or '').lower()} tại {r.get('unit_name')}"
            f" ({vn.number(r.get('findings', 0))} tồn tại, hạn chế; {state})."
        )
    return lines


def outreach_text(a: dict[str, Any] | None, *, window: str) -> list[str]:
    if a is None:
        return ["Chưa có dữ liệu tuyên truyền cải cách hành chính được ghi nhận trên hệ thống."]
    rows = a.get("outreach") or []
    if not rows:
        return [f"Trong kỳ ({window}) chưa ghi nhận hoạt động tuyên truyền cải cách hành chính."]
    audience = int(a.get("outreach_audience") or 0)
    lines = [
        f"Trong kỳ đã thực hiện {vn.number(a.get('outreach_entries', 0))} hoạt động tuyên truyền cải cách hành "
        f"chính với {vn.number(a.get('outreach_quantity', 0))} tin, bài, buổi, sản phẩm"
        + (f", khoảng {vn.number(audience)} lượt người nghe, xem, tham dự" if audience else "")
        + ", cụ thể:"
    ]
    for r in rows:
        lang = r.get("language")
        label = str(r.get("language_label") or lang or "")
        lang_text = f" ({label[:1].lower()}{label[1:]})" if lang and lang != "vi" else ""
        lines.append(
            f"- {r.get('kind_label')}{lang_text}: {vn.number(r.get('quantity', 0))} "
            f"({vn.number(r.get('entries', 0))} lần ghi nhận)."
        )
    return lines


def accountability_text(a: dict[str, Any] | None, *, window: str) -> list[str]:
    if a is None:
        return ["Chưa có dữ liệu giải trình được ghi nhận trên hệ thống."]
    rows = a.get("sessions") or []
    if not rows:
        return [f"Trong kỳ ({window}) không có phiên giải trình nào trước Chủ tịch UBND."]
    lines = [
        f"Trong kỳ đã tổ chức {vn.number(len(rows))} phiên giải trình của người đứng đầu trước Chủ tịch UBND:"
    ]
    for r in rows:
        said = (r.get("conclusion") or "").strip()
        conclusion = f" Kết luận: {said}{'' if said.endswith(('.', '!', '?')) else '.'}" if said else ""
        follow = f"; {vn.number(r.get('follow_ups', 0))} nhiệm vụ khắc phục" if r.get("follow_ups") else ""
        lines.append(
            f"- Ngày {_d(r.get('date'))}: {r.get('unit_name')} giải trình {vn.number(r.get('items', 0))} nội dung"
            f"{follow}.{conclusion}"
        )
    return lines


def plan_progress_text(f: dict[str, Any]) -> list[str]:
    counts, total = f.get("buckets", {}), int(f.get("total", 0))
    done = int(counts.get("done_on_time", 0)) + int(counts.get("done_late", 0))
    plans = "; ".join(f"Kế hoạch số {p.get('number')}/{p.get('symbol')}" for p in f.get("plans", []))
    return [
        (f"Thực hiện {plans}: " if plans else "")
        + f"tổng số được giao {vn.tasks_and_assignments(int(f.get('tasks', 0)), total)}; đã hoàn thành "
        f"{vn.number(done)} lượt giao ({vn.percent(done, total)}), quá hạn {vn.number(counts.get('overdue', 0))} "
        f"lượt giao ({vn.percent(int(counts.get('overdue', 0)), total)})."
    ]


def plan_tasks_text(f: dict[str, Any]) -> list[str]:
    return [
        f"Trong kỳ có {vn.number(f.get('completed_in_window', 0))} lượt nhiệm vụ được công nhận hoàn thành và "
        f"{vn.number(f.get('evidence_in_window', 0))} tài liệu kiểm chứng có hiệu lực (chi tiết tại Phụ lục)."
    ]


def unit_reports_text(f: dict[str, Any]) -> list[str]:
    missing = [str(u.get("name") or "") for u in f.get("not_reported", [])]
    return [
        f"Đã tiếp nhận {vn.number(f.get('accepted_reports', 0))}/{vn.number(f.get('units_expected', 0))} báo cáo "
        "của các cơ quan, đơn vị."
        + (f" Chưa có báo cáo được tiếp nhận: {'; '.join(missing)}." if missing else "")
    ]


def area_text(f: dict[str, Any], code: str) -> str | None:
    """One line of plan figures for a reform area (the first lĩnh vực row of the report that names it)."""
    keyword = next((kw for c, _t, kw in D.AREAS if c == code), None)
    if keyword is None:
        return None
    row = next((r for r in f.get("by_field", []) if keyword in str(r.get("name") or "").lower()), None)
    if row is None or not row.get("total"):
        return None
    c, total = row.get("buckets", {}), int(row["total"])
    done = int(c.get("done_on_time", 0)) + int(c.get("done_late", 0))
    return (
        f"Nhiệm vụ thuộc lĩnh vực trong Kế hoạch: {vn.number(total)} lượt giao, đã hoàn thành {vn.number(done)} "
        f"({vn.percent(done, total)}), quá hạn {vn.number(c.get('overdue', 0))}."
    )


def survey_text(survey: S.SurveySummary | None, *, district: bool, window: str) -> list[str]:
    if survey is None:
        return ["Chưa có dữ liệu khảo sát được ghi nhận trên hệ thống."]
    return S.section_lines(survey, district=district, window=window)


def takes_survey(resolved: "Resolved") -> bool:
    """Whether the outline shows the survey (a section or an indicator reads it): else it is not computed."""
    return any(s.get("source") == "survey" for s in resolved.sections) or any(
        i.source == S.SOURCE for i in resolved.indicators
    )


def survey_of(
    session: Session, unit: OrgUnit, *, district: bool, start: date, end: date
) -> S.SurveySummary | None:
    """The survey of the report's own desks in ``start``..``end`` (bounded statements: :mod:`api.surveys.results`)."""
    if end < start:
        return None
    return S.summarize(survey_results.for_report(session, unit=unit, subtree=district, start=start, end=end))


def depth(number: str) -> int:
    """I, II … → 0; 1, 2 … → 1; a, b … → 2; anything else (Biểu) → 0."""
    if number.isdigit():
        return 1
    if set(number.upper()) <= set("IVXLC"):
        return 0
    if len(number) == 1 and number.isalpha():
        return 2
    return 0


def section_texts(
    sections: list[dict[str, Any]],
    figures: dict[str, Any],
    acts: dict[str, Any] | None,
    narrative: dict[str, Any],
    *,
    district: bool,
    window: str,
    survey: S.SurveySummary | None = None,
) -> list[dict[str, Any]]:
    out = []
    for s in sections:
        fill, source = s.get("fill"), s.get("source")
        lines: list[str] | None = None
        auto_text = None
        if fill == "auto":
            lines = {
                "plan_progress": lambda: plan_progress_text(figures),
                "plan_tasks": lambda: plan_tasks_text(figures),
                "unit_reports": lambda: unit_reports_text(figures),
                "inspections": lambda: inspections_text(acts, district=district, window=window),
                "outreach": lambda: outreach_text(acts, window=window),
                "accountability": lambda: accountability_text(acts, window=window),
                "survey": lambda: survey_text(survey, district=district, window=window),
            }.get(str(source), lambda: [])()
        elif fill == "written" and str(source or "").startswith("area:"):
            auto_text = area_text(figures, str(source)[5:])
        elif fill == "written" and source == "survey":
            auto_text = "\n".join(survey_text(survey, district=district, window=window))
        text = (
            "\n".join(lines)
            if lines is not None
            else (narrative.get(s["key"]) if fill == "written" else None)
        )
        out.append({**s, "depth": depth(str(s.get("number") or "")), "text": text, "auto_text": auto_text})
    return out


# --- indicator values ---------------------------------------------------------------------------------------


def fmt(value: float | Decimal | None, decimals: int = 4) -> str | None:
    """A value as the API gives it: a plain decimal string with a dot, no exponent, no trailing zeros."""
    if value is None:
        return None
    d = round(Decimal(str(value)), decimals).normalize()
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def computed_values(
    figures: dict[str, Any], acts: dict[str, Any] | None, survey: S.SurveySummary | None = None
) -> dict[str, float | None]:
    b = figures.get("buckets", {})
    a = acts or {}
    have = acts is not None
    return {
        "plan_tasks": float(figures.get("tasks", 0)),
        "plan_assignments": float(figures.get("total", 0)),
        "plan_done": float(int(b.get("done_on_time", 0)) + int(b.get("done_late", 0))),
        "outreach_entries": float(a.get("outreach_entries", 0)) if have else None,
        "outreach_quantity": float(a.get("outreach_quantity", 0)) if have else None,
        "outreach_audience": float(a.get("outreach_audience", 0)) if have else None,
        "inspections": float(len(a.get("inspections") or [])) if have else None,
        "units_inspected": float(a.get("units_inspected", 0)) if have else None,
        "findings": float(a.get("findings", 0)) if have else None,
        "accountability_sessions": float(len(a.get("sessions") or [])) if have else None,
        S.SOURCE: S.satisfaction(survey),
    }


def _share(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return 100 * num / den


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    return {i: n for i, n in session.execute(so.user_names(ids)).all()} if ids else {}


def indicator_items(
    session: Session,
    *,
    report: Report,
    unit: OrgUnit,
    resolved: Resolved,
    figures: dict[str, Any],
    acts: dict[str, Any] | None,
    editable: bool,
    survey: S.SurveySummary | None = None,
) -> list[dict[str, Any]]:
    """The biểu số liệu of a report: every indicator of its outline with its value (entered, computed or rolled
    up), and for the aggregated report the units that have not entered it. An entered indicator with a source
    (:data:`~api.reports.outline_defaults.ENTERED_SOURCES`) is computed when its data exists."""
    district = report.level == ReportLevel.district
    own = (
        {code: v for v, code in session.execute(so.report_values(report.id or 0)).all()} if report.id else {}
    )
    computed = computed_values(figures, acts, survey)
    rolled: dict[str, dict[str, Any]] = {}
    per_unit: dict[str, dict[int, float]] = {}
    expected: dict[str, list[dict[str, Any]]] = {}
    if district:
        stmt = so.period_unit_values(report.period_id, unit)
        sub = stmt.subquery()
        for code, total, mean, n in session.execute(
            sa.select(
                sub.c.code, sa.func.sum(sub.c.value), sa.func.avg(sub.c.value), sa.func.count(sub.c.value)
            ).group_by(sub.c.code)
        ).all():
            rolled[code] = {"sum": total, "average": mean, "count": int(n)}
        for unit_id, code, entered in session.execute(stmt).all():
            per_unit.setdefault(code, {})[unit_id] = float(entered)
        expected = _expected_units(session, figures, resolved)
    entered_by = _user_names(session, {v.entered_by_id for v in own.values() if v.entered_by_id})
    values: dict[str, float | None] = {}
    items: list[dict[str, Any]] = []
    ordered = sorted(resolved.indicators, key=lambda i: (i.rollup == Rollup.share, i.order))
    for ind in ordered:
        mine = own.get(ind.code)
        item = IndicatorItem(
            indicator_id=getattr(ind, "id", None),
            code=ind.code,
            section_key=ind.section_key,
            name=ind.name,
            unit_of_measure=ind.unit_of_measure,
            computed=ind.computed,
            source=ind.source,
            rollup=ind.rollup,
        )
        value: float | None = None
        decimals = 4
        if ind.rollup == Rollup.share:
            decimals = SHARE_DECIMALS
            if district:
                num_u, den_u = (
                    per_unit.get(ind.numerator_code or "", {}),
                    per_unit.get(ind.denominator_code or "", {}),
                )
                both = set(num_u) & set(den_u)
                value = _share(sum(num_u[u] for u in both), sum(den_u[u] for u in both)) if both else None
                _missing(item, expected.get(ind.code, []), both)
            else:
                value = _share(values.get(ind.numerator_code or ""), values.get(ind.denominator_code or ""))
        elif ind.computed:
            value = computed.get(str(ind.source))
            if ind.source == S.SOURCE and survey is not None and survey.has_answers:
                item.source_text = S.source_text(survey)
                decimals = AVERAGE_DECIMALS
        elif ind.source in D.ENTERED_SOURCES and computed.get(str(ind.source)) is not None:
            value, decimals = computed[str(ind.source)], AVERAGE_DECIMALS
            item.computed = True  # this period: computed, not entered
            item.source_text = S.source_text(survey) if survey is not None else None
        elif district and ind.rollup in (Rollup.sum, Rollup.average):
            r = rolled.get(ind.code)
            if r is not None:
                value = float(r["sum"] if ind.rollup == Rollup.sum else r["average"])
                decimals = 4 if ind.rollup == Rollup.sum else AVERAGE_DECIMALS
            _missing(item, expected.get(ind.code, []), set(per_unit.get(ind.code, {})))
        else:
            value = mine.value if mine is not None else None
            item.editable = editable and item.indicator_id is not None
        if ind.source in D.ENTERED_SOURCES and not item.computed:
            item.source_text = (
                "Tổng hợp từ số liệu các đơn vị nhập"
                if district and ind.rollup != Rollup.none
                else "Đơn vị nhập"
            ) + " (trong kỳ chưa có phiếu khảo sát)"
        if mine is not None and not item.computed and ind.rollup != Rollup.share:
            item.note = mine.note
            item.entered_at = mine.entered_at
            item.entered_by = entered_by.get(mine.entered_by_id or 0)
        values[ind.code] = value
        item.value = fmt(value, decimals)
        items.append(item.model_dump(mode="json"))
    order = {ind.code: i for i, ind in enumerate(sorted(resolved.indicators, key=lambda i: i.order))}
    return sorted(items, key=lambda it: order.get(it["code"], 0))


def _missing(item: IndicatorItem, expected: list[dict[str, Any]], entered: set[int]) -> None:
    item.units_expected = len(expected)
    item.units_entered = sum(1 for u in expected if u["unit_id"] in entered)
    item.missing_units = [
        MissingUnit(unit_id=u["unit_id"], unit_name=u["name"])
        for u in expected
        if u["unit_id"] not in entered
    ]


def _expected_units(
    session: Session, figures: dict[str, Any], resolved: Resolved
) -> dict[str, list[dict[str, Any]]]:
    """Per indicator code: the units of the aggregated report whose own outline has it (in the report's order)."""
    rows = [u for u in figures.get("units", []) if u.get("unit_id") is not None]
    ids = [u["unit_id"] for u in rows]
    kinds = {u.id: unit_kind_of(u) for u in session.exec(scope.units_by_ids(ids)).all()} if ids else {}
    codes = {k: {i.code for i in inds} for k, inds in resolved.by_kind.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for u in rows:
        for code in codes.get(kinds.get(u["unit_id"]), set()):
            out.setdefault(code, []).append(
                {"unit_id": u["unit_id"], "name": u.get("name") or u.get("code") or ""}
            )
    return out


# --- the report's outline, attached to its figures ----------------------------------------------------------


def attach(
    session: Session,
    *,
    report: Report,
    unit: OrgUnit,
    period: Any,
    principal: Principal | None,
    figures: dict[str, Any],
    cutoff: date,
) -> None:
    """Add ``outline`` (sections with their texts), ``indicators`` and ``activities`` to a report's figures (so the
    frozen copy keeps them once the report is accepted or approved)."""
    district = report.level == ReportLevel.district
    resolved = resolve(session, report, unit, period.owner_unit_id)
    acts = activities(session, principal, unit, district, period.data_from, cutoff)
    window = _window(period.data_from, period.data_to)
    survey = (
        survey_of(session, unit, district=district, start=period.data_from, end=cutoff)
        if takes_survey(resolved)
        else None
    )
    sections = section_texts(
        resolved.sections,
        figures,
        acts,
        report.narrative or {},
        district=district,
        window=window,
        survey=survey,
    )
    editable = report.status in ("draft", "returned")
    figures["activities"] = acts
    if survey is not None:
        figures["survey"] = survey.model_dump(mode="json")
    figures["indicators"] = indicator_items(
        session,
        report=report,
        unit=unit,
        resolved=resolved,
        figures=figures,
        acts=acts,
        editable=editable,
        survey=survey,
    )
    figures["outline"] = {
        "id": resolved.id,
        "name": resolved.name,
        "verified": resolved.verified,
        "source_note": resolved.source_note,
        "sections": sections,
    }


def written_keys(session: Session, report: Report, unit: OrgUnit, owner_id: int) -> set[str]:
    resolved = resolve(session, report, unit, owner_id)
    return {s["key"] for s in resolved.sections if s.get("fill") == "written"}


# --- entering values ----------------------------------------------------------------------------------------


def _invalid(field_name: str, message: str, message_en: str, code: str = "invalid") -> Unprocessable:
    return Unprocessable(
        message,
        message_en,
        code=code,
        errors=[FieldError(field=field_name, code=code, message=message, message_en=message_en)],
    )


def put_values(
    session: Session,
    principal: Principal,
    *,
    report: Report,
    unit: OrgUnit,
    owner_id: int,
    body: IndicatorValuesPut,
) -> None:
    """Enter (or clear, with null) the values of entered indicators on an editable report; all or nothing."""
    if report.status not in ("draft", "returned"):
        raise Conflict(
            "Báo cáo đã gửi hoặc đã chốt: không thể sửa biểu số liệu.",
            "The report is not editable.",
            code="report_not_editable",
        )
    resolved = resolve(session, report, unit, owner_id)
    district = report.level == ReportLevel.district
    by_id = {i.id: i for i in resolved.indicators if getattr(i, "id", None) is not None}
    errors: list[FieldError] = []
    parsed: list[tuple[Indicator, Decimal | None, str | None]] = []
    seen: set[int] = set()
    surveyed = _survey_answered(session, principal, report, unit, body, by_id)
    for n, v in enumerate(body.values):
        where = f"values[{n}].value"
        ind = by_id.get(v.indicator_id)
        if ind is None or v.indicator_id in seen:
            msg = "Chỉ tiêu không thuộc biểu số liệu của báo cáo này (hoặc bị lặp)."
            errors.append(
                FieldError(
                    field=f"values[{n}].indicator_id",
                    code="unknown_indicator",
                    message=msg,
                    message_en="Unknown or repeated indicator.",
                )
            )
            continue
        seen.add(v.indicator_id)
        if ind.source in D.ENTERED_SOURCES and surveyed:
            msg = f"“{ind.name}” được tính từ {surveyed} phiếu khảo sát trong kỳ, không nhập tay."
            errors.append(
                FieldError(
                    field=where,
                    code="computed_indicator",
                    message=msg,
                    message_en="Computed from the survey.",
                )
            )
            continue
        if ind.computed or ind.rollup == Rollup.share or (district and ind.rollup != Rollup.none):
            msg = f"“{ind.name}” được hệ thống tự tính, không nhập tay."
            errors.append(
                FieldError(
                    field=where, code="computed_indicator", message=msg, message_en="Computed indicator."
                )
            )
            continue
        try:
            number = v.number()
        except ValueError:
            msg = f"“{ind.name}”: giá trị “{v.value}” không phải là số."
            errors.append(
                FieldError(field=where, code="not_a_number", message=msg, message_en="Not a number.")
            )
            continue
        if number is not None and (number < 0 or number > Decimal("1e12")):
            msg = f"“{ind.name}”: giá trị phải từ 0 trở lên."
            errors.append(
                FieldError(field=where, code="out_of_range", message=msg, message_en="Out of range.")
            )
            continue
        if number is not None and ind.unit_of_measure.strip() == "%" and number > 100:
            msg = f"“{ind.name}”: tỷ lệ không vượt quá 100%."
            errors.append(FieldError(field=where, code="out_of_range", message=msg, message_en="Over 100 %."))
            continue
        note = v.note.strip() if v.note and v.note.strip() else None
        parsed.append((ind, number, note))
    if errors:
        raise Unprocessable(
            "Biểu số liệu có giá trị không hợp lệ: " + " ".join(e.message for e in errors),
            "Invalid indicator values.",
            code="invalid_indicator_values",
            errors=errors,
        )
    existing = {v.indicator_id: v for v, _code in session.execute(so.report_values(report.id or 0)).all()}
    changes: dict[str, Any] = {}
    now = utcnow()
    for ind, number, note in parsed:
        row = existing.get(ind.id or 0)
        value = float(number) if number is not None else None
        before = (row.value, row.note) if row is not None else (None, None)
        if before == (value, note):
            continue
        if row is None:
            row = IndicatorValue(report_id=report.id or 0, indicator_id=ind.id or 0, unit_id=report.unit_id)
        row.value, row.note, row.entered_by_id, row.entered_at = value, note, principal.user_id, now
        session.add(row)
        changes[ind.code] = {"from": fmt(before[0]), "to": fmt(value)}
    if changes:
        report.updated_at = now  # a new report version: the indicators' ETag is the report's
        session.add(report)
        session.flush()
        record(session, principal, "update_indicators", "report", report.id, report.unit_id, changes)


def _survey_answered(
    session: Session,
    principal: Principal,
    report: Report,
    unit: OrgUnit,
    body: IndicatorValuesPut,
    by_id: dict[Any, Any],
) -> int:
    """How many valid survey responses the report's window has (0 when no value sent reads the survey)."""
    if not any(getattr(by_id.get(v.indicator_id), "source", None) in D.ENTERED_SOURCES for v in body.values):
        return 0
    period = scope.get_period(session, principal, report.period_id)
    return survey_results.count_for_report(
        session,
        unit=unit,
        subtree=report.level == ReportLevel.district,
        start=period.data_from,
        end=period.data_to,
    )


# --- outlines: read, copy, edit -----------------------------------------------------------------------------


def outline_reads(session: Session, principal: Principal, items: list[ReportOutline]) -> list[OutlineRead]:
    """Outlines as the API gives them, with indicators and allowed actions (two statements for a page)."""
    ids = [o.id for o in items]
    inds: dict[int, list[Indicator]] = {}
    for ind in session.exec(so.outline_indicators(ids)).all() if ids else []:
        inds.setdefault(ind.outline_id, []).append(ind)
    owner_ids = list({o.owner_unit_id for o in items if o.owner_unit_id is not None})
    owners = {u.id: u for u in session.exec(scope.units_by_ids(owner_ids)).all()} if owner_ids else {}
    out = []
    for o in items:
        r = OutlineRead.model_validate(o)
        r.indicators = [IndicatorRead.model_validate(i) for i in inds.get(o.id or 0, [])]
        actions = ["copy"] if principal.has(P.reports_review) else []
        owner = owners.get(o.owner_unit_id)
        if owner is not None and principal.covers(P.reports_review, owner.id or 0, owner.path):
            actions.append("edit")
        r.allowed_actions = actions
        out.append(r)
    return out


def report_indicators(
    session: Session,
    principal: Principal,
    ctx: Any,
    *,
    figures: dict[str, Any],
    live: bool,
    legacy: bool = False,
) -> ReportIndicators:
    """GET /reports/{id}/indicators: the biểu of the report's figures (live, or the frozen copy)."""
    from api.reports import figures as F
    from api.reports import service

    report = ctx.report
    if legacy:
        cutoff = date.fromisoformat(figures["as_of"]) if figures.get("as_of") else ctx.period.data_to
        attach(
            session,
            report=report,
            unit=ctx.unit,
            period=ctx.period,
            principal=principal,
            figures=figures,
            cutoff=min(cutoff, F.as_of(ctx.period, cutoff)),
        )
    info = figures.get("outline") or {}
    editable = report.status in ("draft", "returned") and principal.covers(
        P.reports_edit, ctx.unit.id or 0, ctx.unit.path
    )
    return ReportIndicators(
        report_id=report.id or 0,
        outline_id=info.get("id"),
        outline_name=str(info.get("name") or ""),
        verified=bool(info.get("verified")),
        source_note=info.get("source_note"),
        live=live,
        items=[
            IndicatorItem.model_validate({**i, "editable": bool(i.get("editable")) and editable})
            for i in figures.get("indicators", [])
        ],
        etag=service.etag(report),
        allowed_actions=["edit"] if editable else [],
    )


def copy(
    session: Session, principal: Principal, *, source: ReportOutline, body: OutlineCopy
) -> ReportOutline:
    from api.reports.periods import owner_unit_for

    owner = owner_unit_for(session, principal, body.owner_unit_id)
    new = ReportOutline(
        level=source.level,
        unit_kind=source.unit_kind,
        owner_unit_id=owner.id,
        based_on_id=source.id,
        code=source.code,
        name=body.name or source.name,
        verified=source.verified,
        source_note=source.source_note,
        sections=list(source.sections or []),
    )
    session.add(new)
    session.flush()
    for ind in session.exec(so.outline_indicators([source.id])).all():
        data = ind.model_dump(exclude={"id", "outline_id"})
        session.add(Indicator(outline_id=new.id or 0, **data))
    session.flush()
    record(
        session,
        principal,
        "create",
        "report_outline",
        new.id,
        owner.id,
        {"based_on_id": {"from": None, "to": source.id}, "name": {"from": None, "to": new.name}},
    )
    return new


def _check_outline(sections: list[dict[str, Any]], indicators: list[IndicatorIn]) -> None:
    errors: list[FieldError] = []

    def bad(where: str, msg: str) -> None:
        errors.append(FieldError(field=where, code="invalid", message=msg, message_en=msg))

    keys = [s["key"] for s in sections]
    for n, s in enumerate(sections):
        if keys.count(s["key"]) > 1:
            bad(f"sections[{n}].key", f"Khóa mục “{s['key']}” bị lặp.")
        if s["fill"] == "auto" and s.get("source") not in AUTO_SOURCES:
            bad(f"sections[{n}].source", f"Mục “{s['title']}” tự điền cần nguồn dữ liệu hợp lệ.")
    codes = [i.code for i in indicators]
    for n, i in enumerate(indicators):
        if codes.count(i.code) > 1:
            bad(f"indicators[{n}].code", f"Mã chỉ tiêu “{i.code}” bị lặp.")
        if i.section_key not in keys:
            bad(f"indicators[{n}].section_key", f"Chỉ tiêu “{i.name}” gắn với mục không có trong đề cương.")
        if i.rollup == Rollup.share and (i.numerator_code not in codes or i.denominator_code not in codes):
            bad(f"indicators[{n}].rollup", f"Chỉ tiêu tỷ lệ “{i.name}” cần mã tử số và mẫu số trong biểu.")
        if i.computed and i.rollup != Rollup.share and i.source not in COMPUTED_SOURCES:
            bad(f"indicators[{n}].source", f"Chỉ tiêu tự tính “{i.name}” cần nguồn dữ liệu hợp lệ.")
    if errors:
        raise Unprocessable(
            "Đề cương không hợp lệ: " + " ".join(e.message for e in errors),
            "Invalid outline.",
            code="invalid_outline",
            errors=errors,
        )


def update(
    session: Session, principal: Principal, *, outline: ReportOutline, body: OutlineUpdate
) -> ReportOutline:
    """Edit a district's own outline (name, sections, indicators replaced by code). An indicator that already has
    values cannot be removed (409)."""
    current = list(session.exec(so.outline_indicators([outline.id])).all())
    sections = (
        [s.model_dump() for s in body.sections] if body.sections is not None else list(outline.sections)
    )
    wanted = (
        body.indicators
        if body.indicators is not None
        else [IndicatorIn.model_validate(i.model_dump(exclude={"outline_id"})) for i in current]
    )
    _check_outline(sections, wanted)
    changes: dict[str, Any] = {}
    if body.name is not None and body.name != outline.name:
        changes["name"] = {"from": outline.name, "to": body.name}
        outline.name = body.name
    if "source_note" in body.model_fields_set and body.source_note != outline.source_note:
        changes["source_note"] = {"from": outline.source_note, "to": body.source_note}
        outline.source_note = body.source_note
    if body.sections is not None and sections != outline.sections:
        changes["sections"] = {"from": len(outline.sections or []), "to": len(sections)}
        outline.sections = sections
    if body.indicators is not None:
        by_code = {i.code: i for i in current}
        gone = [i for c, i in by_code.items() if c not in {w.code for w in wanted}]
        if gone:
            used = session.execute(so.values_of_indicators([i.id for i in gone])).scalar_one()
            if used:
                raise Conflict(
                    "Không thể bỏ chỉ tiêu đã có đơn vị nhập số liệu: "
                    + "; ".join(i.name for i in gone)
                    + ".",
                    "Indicators with values cannot be removed.",
                    code="indicator_in_use",
                )
            for i in gone:
                session.delete(i)
        for w in wanted:
            row = by_code.get(w.code) or Indicator(
                outline_id=outline.id or 0, code=w.code, section_key="", name="", unit_of_measure=""
            )
            for k, v in w.model_dump(exclude={"id"}).items():
                setattr(row, k, v)
            session.add(row)
        changes["indicators"] = {"from": len(current), "to": len(wanted)}
    if changes:
        outline.updated_at = utcnow()
        session.add(outline)
        session.flush()
        record(session, principal, "update", "report_outline", outline.id, outline.owner_unit_id, changes)
    return outline
