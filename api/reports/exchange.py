"""The ``parsipas.report.v1`` exchange document, built in one place.

The same document is the report's JSON export (``GET /reports/{id}/export?format=json``) and, for an approved
report, the body the ``parsipas-v1`` portal adapter sends to the province (``api/portal/schema.json`` publishes
its JSON Schema). Callers pass the figures they show: live ones for a draft export, the frozen ones once accepted.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from api import __version__
from api.models import OrgUnit, PeriodKind, Report, ReportingPeriod
from api.models.base import utcnow
from api.reports.schemas import NARRATIVE_SECTIONS

DOCUMENT_VERSION = "parsipas.report.v1"
_PERIOD_PHRASE = {
    PeriodKind.q1: "Quý I năm {y}",
    PeriodKind.h1: "6 tháng đầu năm {y}",
    PeriodKind.q3: "Quý III năm {y}",
    PeriodKind.year: "năm {y}",
}


def period_phrase(kind: PeriodKind, year: int) -> str:
    """``Quý I năm 2024``, ``6 tháng đầu năm 2024``…"""
    return _PERIOD_PHRASE[PeriodKind(kind)].format(y=year)


def default_title(period: ReportingPeriod) -> str:
    """Trích yếu used when the report has none of its own."""
    return f"Kết quả thực hiện công tác cải cách hành chính {period_phrase(period.kind, period.year)}"


@dataclass(frozen=True)
class ReportLinks:
    """Where the exported files of the report can be fetched (relative unless a public base URL is set)."""

    docx: str
    xlsx: str
    json: str

    @classmethod
    def for_report(cls, report_id: int, base_url: str | None = None) -> "ReportLinks":
        base = (base_url or "").rstrip("/")
        path = f"{base}/api/v1/reports/{report_id}/export?format="
        return cls(docx=path + "docx", xlsx=path + "xlsx", json=path + "json")


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _enum(value: Any) -> Any:
    return getattr(value, "value", value)


def _section(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _plain_json(value: Any) -> Any:
    """Through a JSON round trip, so dates and decimals become plain JSON values."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def build(
    report: Report,
    period: ReportingPeriod,
    unit: OrgUnit,
    *,
    figures: dict[str, Any],
    task_table: list[dict[str, Any]],
    approved_at: datetime | None,
    links: ReportLinks,
    instance: str | None,
) -> dict[str, Any]:
    """The exchange document of ``report`` (JSON-serialisable, valid against ``api/portal/schema.json``)."""
    narrative = report.narrative or {}
    return {
        "document_version": DOCUMENT_VERSION,
        "generated_at": utcnow().isoformat(),
        "source": {"system": "parsipas", "version": __version__, "instance": instance or None},
        "unit": {"code": unit.code, "name": unit.name, "level": _enum(unit.level)},
        "period": {
            "year": period.year,
            "kind": _enum(period.kind),
            "name": period.name,
            "data_from": _iso(period.data_from),
            "data_to": _iso(period.data_to),
        },
        "report": {
            "id": report.id,
            "level": _enum(report.level),
            "number": report.number,
            "title": report.title or default_title(period),
            "status": _enum(report.status),
            "approved_at": _iso(approved_at),
            "signer": {"name": report.signer, "title": report.signer_title},
        },
        "figures": _plain_json(figures),
        "task_table": _plain_json(task_table),
        "narrative": {k: _section(narrative.get(k)) for k in NARRATIVE_SECTIONS},
        "links": {"docx": links.docx, "xlsx": links.xlsx, "json": links.json},
    }
