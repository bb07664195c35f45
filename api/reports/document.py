"""The report as a document: header texts, figures, task table and narrative, shared by the DOCX, XLSX and JSON
exports (so the three always show the same data)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.authz import scope
from api.authz.principal import Principal
from api.config import Settings
from api.models import OrgUnit, Report, ReportLevel
from api.org_units import levels
from api.reports import exchange, outlines, service, vn
from api.reports.exchange import period_phrase


@dataclass
class ReportDocument:
    ctx: service.Context
    owner: OrgUnit
    live: bool
    figures: dict[str, Any]
    task_table: list[dict[str, Any]]
    issued_on: date
    links_base: str | None = None
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def report(self) -> Report:
        return self.ctx.report

    @property
    def is_district(self) -> bool:
        return self.report.level == ReportLevel.district

    @property
    def unit(self) -> OrgUnit:
        return self.ctx.unit


def recipients(doc: ReportDocument) -> list[str]:
    """Nơi nhận, in the words of the owner's level: an aggregated report goes to the Sở Nội vụ above it (the Bộ
    Nội vụ for a province), a unit report to the owner's people's committee through its home-affairs body."""
    owner_short = vn.place_name(doc.owner)
    own = levels.terms(doc.owner)
    if doc.is_district:
        province = doc.ctx.parent
        if province is None:
            receiver = "Bộ Nội vụ"
        else:
            above = levels.terms(province)
            receiver = (
                f"{above.home_affairs} {above.committee.removeprefix('UBND ')} {vn.place_name(province)}"
            )
        return [
            f"{receiver};",
            f"{own.party};",
            f"{own.council};",
            f"Chủ tịch, các Phó Chủ tịch {own.committee};",
            f"Lưu: VT, {own.home_affairs_code}.",
        ]
    return [f"{own.committee} {owner_short} (qua {own.home_affairs});", "Lưu: VT."]


def build(session: Session, principal: Principal, report: Report, *, settings: Settings) -> ReportDocument:
    """Gather everything an export shows (one report, its live or frozen figures)."""
    ctx = service.context(session, principal, report)
    live, figures, table = service.figures_of(session, ctx, today=settings.today())
    if "outline" not in figures:  # frozen before outlines existed: sections written from the frozen figures
        figures = dict(figures)
        as_of = figures.get("as_of")
        cutoff = date.fromisoformat(as_of) if as_of else ctx.period.data_to
        outlines.attach(session, report=report, unit=ctx.unit, period=ctx.period, principal=principal,
                        figures=figures, cutoff=cutoff)  # fmt: skip
    owner = ctx.unit if ctx.unit.id == ctx.period.owner_unit_id else None
    if owner is None:
        owner = session.exec(scope.units_by_ids([ctx.period.owner_unit_id])).one()
    # The date line is the submission day; a configured as-of date (demo, tests) is the clock lateness uses too.
    when = report.submitted_at
    if when is None or settings.as_of_date is not None:
        issued = settings.today()
    else:
        issued = when.astimezone(ZoneInfo(settings.timezone)).date()
    doc = ReportDocument(ctx, owner, live, figures, table, issued, settings.portal_links_base_url)
    governing, issuing = vn.issuing_lines(ctx.unit, ctx.parent)
    sym = vn.symbol(ctx.unit)
    period = ctx.period
    phrase = period_phrase(period.kind, period.year)
    doc.texts = {
        "co_quan_chu_quan": governing,
        "ten_co_quan": "\n".join(issuing),
        "ten_don_vi": ctx.unit.name,
        "ky_hieu": sym,
        "so_bao_cao": vn.document_number(report.number, sym),
        "dia_danh": vn.place_name(ctx.unit, ctx.parent),
        "ngay": vn.long_date(issued),
        "ngay_ngan": vn.short_date(issued),  # cited: "(Kèm theo Báo cáo số … ngày …)"
        "nam": str(period.year),
        "ten_loai": "BÁO CÁO",
        "ky_bao_cao": phrase,
        "trich_yeu": report.title or f"Kết quả thực hiện công tác cải cách hành chính {phrase}",
        "tu_ngay": vn.date_text(period.data_from),
        "den_ngay": vn.date_text(period.data_to),
        "quyen_han": "\n".join(vn.signature_lines(ctx.unit, report.signer_title)),
        "nguoi_ky": report.signer or "",
        "chuc_vu": report.signer_title or "",
    }
    return doc


def citation(plan: dict[str, Any]) -> str:
    """``Kế hoạch số 85/KH-UBND ngày 14/6/2024 của UBND huyện Bình Gia``."""
    issued = plan.get("issue_date")
    when = f" ngày {vn.short_date(date.fromisoformat(issued))}" if issued else ""
    return f"Kế hoạch số {plan.get('number')}/{plan.get('symbol')}{when} của {plan.get('issuing_unit')}"


def exchange_document(doc: ReportDocument) -> dict[str, Any]:
    """The JSON export: the ``parsipas.report.v1`` document (same builder as the portal's)."""
    r = doc.report
    return exchange.build(
        r,
        doc.ctx.period,
        doc.unit,
        figures=doc.figures,
        task_table=doc.task_table,
        approved_at=(r.reviewed_at or r.frozen_at) if r.status in service.FROZEN else None,
        links=exchange.ReportLinks.for_report(r.id or 0, doc.links_base),
        instance=doc.links_base,
    )
