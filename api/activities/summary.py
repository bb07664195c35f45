"""What the CCHC activities of a period add up to, for the periodic report (section I: kiểm tra, tuyên truyền,
giải trình). A fixed number of statements (four) whatever the number of rows."""

from collections.abc import Collection
from datetime import date

from pydantic import BaseModel
from sqlmodel import Session

from api.activities.areas import INSPECTION_KINDS, LANGUAGES, OUTREACH_KINDS
from api.authz import scope
from api.authz.principal import Principal


class InspectionLine(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    date: date
    kind: str
    kind_label: str
    findings: int
    follow_ups_open: int
    follow_ups_done: int
    closed: bool


class OutreachLine(BaseModel):
    kind: str
    kind_label: str
    language: str
    language_label: str
    entries: int
    quantity: int
    audience: int


class SessionLine(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    date: date
    items: int
    conclusion: str | None
    follow_ups: int


class ActivitySummary(BaseModel):
    inspections: list[InspectionLine]
    inspections_periodic: int
    inspections_adhoc: int
    units_inspected: int
    findings: int
    findings_by_severity: dict[str, int]
    follow_ups_open: int
    follow_ups_done: int
    outreach: list[OutreachLine]
    outreach_entries: int
    outreach_quantity: int
    outreach_audience: int
    sessions: list[SessionLine]


def _v(x: object) -> str:
    return str(getattr(x, "value", x))


def period_summary(
    session: Session, principal: Principal, unit_ids: Collection[int], start: date, end: date
) -> ActivitySummary:
    """Rows dated ``start``..``end`` (inclusive) of the given units, as far as the principal may read them."""
    units = sorted({int(u) for u in unit_ids})
    if not units or end < start:
        return ActivitySummary(
            inspections=[], inspections_periodic=0, inspections_adhoc=0, units_inspected=0, findings=0,
            findings_by_severity={"low": 0, "medium": 0, "high": 0}, follow_ups_open=0, follow_ups_done=0,
            outreach=[], outreach_entries=0, outreach_quantity=0, outreach_audience=0, sessions=[],
        )  # fmt: skip
    inspections = [
        InspectionLine(
            id=iid,
            unit_id=uid,
            unit_name=name,
            date=day,
            kind=_v(kind),
            kind_label=INSPECTION_KINDS.get(_v(kind), _v(kind)),
            findings=int(n),
            follow_ups_open=int(open_),
            follow_ups_done=int(done),
            closed=_v(status) == "closed",
        )
        for iid, uid, name, day, kind, status, n, open_, done in session.execute(
            scope.summary_inspections(principal, units, start, end)
        ).all()
    ]
    severities = {"low": 0, "medium": 0, "high": 0}
    for sev, n in session.execute(scope.summary_severities(principal, units, start, end)).all():
        severities[_v(sev)] = int(n)
    outreach = [
        OutreachLine(
            kind=_v(kind),
            kind_label=OUTREACH_KINDS.get(_v(kind), _v(kind)),
            language=_v(lang),
            language_label=LANGUAGES.get(_v(lang), _v(lang)),
            entries=int(n),
            quantity=int(qty),
            audience=int(aud),
        )
        for kind, lang, n, qty, aud in session.execute(
            scope.summary_outreach(principal, units, start, end)
        ).all()
    ]
    sessions = [
        SessionLine(
            id=s.id or 0,
            unit_id=s.unit_id,
            unit_name=name,
            date=s.date,
            items=int(n),
            conclusion=s.conclusion,
            follow_ups=len(s.follow_ups or []),
        )
        for s, name, n in session.execute(scope.summary_sessions(principal, units, start, end)).all()
    ]
    return ActivitySummary(
        inspections=inspections,
        inspections_periodic=sum(1 for i in inspections if i.kind == "periodic"),
        inspections_adhoc=sum(1 for i in inspections if i.kind == "adhoc"),
        units_inspected=len({i.unit_id for i in inspections}),
        findings=sum(i.findings for i in inspections),
        findings_by_severity=severities,
        follow_ups_open=sum(i.follow_ups_open for i in inspections),
        follow_ups_done=sum(i.follow_ups_done for i in inspections),
        outreach=outreach,
        outreach_entries=sum(o.entries for o in outreach),
        outreach_quantity=sum(o.quantity for o in outreach),
        outreach_audience=sum(o.audience for o in outreach),
        sessions=sessions,
    )
