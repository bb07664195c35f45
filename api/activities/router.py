"""CCHC activities: /inspection-plans, /inspections, /findings, /outreach-outputs, /accountability-sessions,
/activities/areas. Creates take Idempotency-Key, edits If-Match (ETag of the GET)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from api.activities import schemas as S
from api.activities import service
from api.activities.areas import AREAS
from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.etag import make_etag, require_if_match, set_etag
from api.evidence import router as evidence_router
from api.evidence.schemas import EvidenceRead, EvidenceUploaded
from api.idempotency import IdempotencyDep
from api.models import EvidenceOwner
from api.models.activity import (
    AccountabilitySession,
    Finding,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    OutreachKind,
    OutreachOutput,
)
from api.pagination import Page, PageDep, paginate

router = APIRouter(tags=["activities"])
P = Permission


def _year(column: object, year: int | None) -> object | None:
    if year is None:
        return None
    return col(column).between(date(year, 1, 1), date(year, 12, 31))  # type: ignore[arg-type]


@router.get("/activities/areas", response_model=list[S.AreaRead], operation_id="activities-areas",
            dependencies=[require(P.activities_read)])  # fmt: skip
def areas() -> list[S.AreaRead]:
    """Lĩnh vực CCHC (codes used by inspections, findings and the report outline)."""
    return [S.AreaRead(code=c, name=n) for c, n in AREAS.items()]


# --- inspection plans -------------------------------------------------------------------------------------------


def _plan_etag(p: InspectionPlan) -> str:
    return make_etag("inspection-plan", p.id, p.version)


@router.get("/inspection-plans", response_model=Page[S.InspectionPlanRead], operation_id="activities-plans_list",
            dependencies=[require(P.activities_read)])  # fmt: skip
def list_plans(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, year: int | None = None
) -> dict[str, object]:
    stmt = scope.visible_inspection_plans(principal)
    if year is not None:
        stmt = stmt.where(col(InspectionPlan.year) == year)
    return paginate(session, stmt, page, sort_fields={"year": col(InspectionPlan.year), "id": col(InspectionPlan.id)},
                    default_order=[col(InspectionPlan.year).desc(), col(InspectionPlan.id)],
                    transform=lambda rows: service.plan_reads(session, principal, rows))  # fmt: skip


@router.post("/inspection-plans", status_code=201, response_model=S.InspectionPlanRead,
             operation_id="activities-plans_create", dependencies=[require(P.activities_manage)])  # fmt: skip
def create_plan(
    body: S.InspectionPlanCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    plan = service.create_plan(session, principal, body)
    read = service.plan_reads(session, principal, [plan])[0]
    return idem.respond(session, principal.key, read, 201, {"ETag": _plan_etag(plan)})


@router.get("/inspection-plans/{plan_id}", response_model=S.InspectionPlanRead, operation_id="activities-plans_get",
            dependencies=[require(P.activities_read)])  # fmt: skip
def get_plan(
    plan_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> S.InspectionPlanRead:
    plan = scope.get_inspection_plan(session, principal, plan_id)
    set_etag(response, _plan_etag(plan))
    return service.plan_reads(session, principal, [plan])[0]


@router.patch("/inspection-plans/{plan_id}", response_model=S.InspectionPlanRead,
              operation_id="activities-plans_update", dependencies=[require(P.activities_manage)])  # fmt: skip
def update_plan(plan_id: int, body: S.InspectionPlanUpdate, request: Request, response: Response,
                session: SessionDep, principal: CurrentPrincipal) -> S.InspectionPlanRead:  # fmt: skip
    plan = scope.get_inspection_plan(session, principal, plan_id, P.activities_manage)
    require_if_match(request, _plan_etag(plan))
    plan = service.update_plan(session, principal, plan, body)
    set_etag(response, _plan_etag(plan))
    return service.plan_reads(session, principal, [plan])[0]


# --- inspections and findings -------------------------------------------------------------------------------------


def _ins_etag(i: Inspection) -> str:
    return make_etag("inspection", i.id, i.version)


def _finding_etag(f: Finding) -> str:
    return make_etag("finding", f.id, f.version)


@router.get("/inspections", response_model=Page[S.InspectionRead], operation_id="activities-inspections_list",
            dependencies=[require(P.activities_read)])  # fmt: skip
def list_inspections(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: int | None = None,
    kind: InspectionKind | None = None,
    status: InspectionStatus | None = None,
) -> dict[str, object]:
    """Cuộc kiểm tra in reach (a commune: its own only), findings and follow-ups included: four statements."""
    stmt = scope.inspection_rows(principal)
    if (cond := _year(Inspection.date, year)) is not None:
        stmt = stmt.where(cond)
    if unit_id is not None:
        stmt = stmt.where(col(Inspection.unit_id) == unit_id)
    if kind is not None:
        stmt = stmt.where(col(Inspection.kind) == kind)
    if status is not None:
        stmt = stmt.where(col(Inspection.status) == status)
    return paginate(session, stmt, page, sort_fields={"date": col(Inspection.date), "id": col(Inspection.id)},
                    default_order=[col(Inspection.date).desc(), col(Inspection.id).desc()], scalars=False,
                    transform=lambda rows: service.inspection_reads(session, principal, rows))  # fmt: skip


@router.post("/inspections", status_code=201, response_model=S.InspectionRead,
             operation_id="activities-inspections_create", dependencies=[require(P.activities_manage)])  # fmt: skip
def create_inspection(
    body: S.InspectionCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    ins = service.create_inspection(session, principal, body)
    return idem.respond(session, principal.key, service.inspection_read(session, principal, ins), 201,
                        {"ETag": _ins_etag(ins)})  # fmt: skip


@router.get("/inspections/{inspection_id}", response_model=S.InspectionRead,
            operation_id="activities-inspections_get", dependencies=[require(P.activities_read)])  # fmt: skip
def get_inspection(
    inspection_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> S.InspectionRead:
    ins = scope.get_inspection(session, principal, inspection_id)
    set_etag(response, _ins_etag(ins))
    return service.inspection_read(session, principal, ins)


@router.patch("/inspections/{inspection_id}", response_model=S.InspectionRead,
              operation_id="activities-inspections_update", dependencies=[require(P.activities_manage)])  # fmt: skip
def update_inspection(inspection_id: int, body: S.InspectionUpdate, request: Request, response: Response,
                      session: SessionDep, principal: CurrentPrincipal) -> S.InspectionRead:  # fmt: skip
    ins = scope.get_inspection(session, principal, inspection_id, P.activities_manage)
    require_if_match(request, _ins_etag(ins))
    ins = service.update_inspection(session, principal, ins, body)
    set_etag(response, _ins_etag(ins))
    return service.inspection_read(session, principal, ins)


@router.post("/inspections/{inspection_id}/close", response_model=S.InspectionRead,
             operation_id="activities-inspections_close", dependencies=[require(P.activities_manage)])  # fmt: skip
def close_inspection(inspection_id: int, body: S.InspectionClose, request: Request, response: Response,
                     session: SessionDep, principal: CurrentPrincipal) -> S.InspectionRead:  # fmt: skip
    """Kết thúc with the conclusion (If-Match of the inspection). 409 ``follow_ups_open`` while a follow-up is not
    approved, unless ``force`` with ``reason``."""
    ins = scope.get_inspection(session, principal, inspection_id, P.activities_manage)
    require_if_match(request, _ins_etag(ins))
    ins = service.close_inspection(session, principal, ins, body)
    set_etag(response, _ins_etag(ins))
    return service.inspection_read(session, principal, ins)


@router.post("/inspections/{inspection_id}/findings", status_code=201, response_model=S.InspectionRead,
             operation_id="activities-findings_create", dependencies=[require(P.activities_manage)])  # fmt: skip
def create_finding(inspection_id: int, body: S.FindingCreate, session: SessionDep, principal: CurrentPrincipal,
                   idem: IdempotencyDep) -> Response:  # fmt: skip
    """Ghi tồn tại; with ``follow_up`` it becomes a task of the district's issued plan for the inspected unit
    (409 ``no_issued_plan`` without one). Answers the whole inspection."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    ins = scope.get_inspection(session, principal, inspection_id, P.activities_manage)
    service.add_finding(session, principal, ins, body)
    session.refresh(ins)
    return idem.respond(session, principal.key, service.inspection_read(session, principal, ins), 201,
                        {"ETag": _ins_etag(ins)})  # fmt: skip


@router.get("/findings/{finding_id}", response_model=S.FindingRead, operation_id="activities-findings_get",
            dependencies=[require(P.activities_read)])  # fmt: skip
def get_finding(
    finding_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> S.FindingRead:
    f, ins = scope.get_finding(session, principal, finding_id, P.activities_read)
    set_etag(response, _finding_etag(f))
    return next(x for x in service.inspection_read(session, principal, ins).findings if x.id == f.id)


@router.patch("/findings/{finding_id}", response_model=S.FindingRead, operation_id="activities-findings_update",
              dependencies=[require(P.activities_manage)])  # fmt: skip
def update_finding(finding_id: int, body: S.FindingUpdate, request: Request, response: Response,
                   session: SessionDep, principal: CurrentPrincipal) -> S.FindingRead:  # fmt: skip
    f, ins = scope.get_finding(session, principal, finding_id, P.activities_manage)
    require_if_match(request, _finding_etag(f))
    f = service.update_finding(session, principal, f, ins, body)
    set_etag(response, _finding_etag(f))
    return next(x for x in service.inspection_read(session, principal, ins).findings if x.id == f.id)


@router.delete("/findings/{finding_id}", status_code=204, operation_id="activities-findings_delete",
               dependencies=[require(P.activities_manage)])  # fmt: skip
def delete_finding(
    finding_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Only a finding without a follow-up (409 ``has_follow_up``), on an open inspection; If-Match of the finding."""
    f, ins = scope.get_finding(session, principal, finding_id, P.activities_manage)
    require_if_match(request, _finding_etag(f))
    service.delete_finding(session, principal, f, ins)
    return Response(status_code=204)


# --- outreach ----------------------------------------------------------------------------------------------------


def _out_etag(o: OutreachOutput) -> str:
    return make_etag("outreach", o.id, o.version)


@router.get("/outreach-outputs", response_model=Page[S.OutreachRead], operation_id="activities-outreach_list",
            dependencies=[require(P.activities_read)])  # fmt: skip
def list_outreach(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: int | None = None,
    kind: OutreachKind | None = None,
) -> dict[str, object]:
    stmt = scope.outreach_rows(principal)
    if (cond := _year(OutreachOutput.date, year)) is not None:
        stmt = stmt.where(cond)
    if unit_id is not None:
        stmt = stmt.where(col(OutreachOutput.unit_id) == unit_id)
    if kind is not None:
        stmt = stmt.where(col(OutreachOutput.kind) == kind)
    return paginate(session, stmt, page, sort_fields={"date": col(OutreachOutput.date), "id": col(OutreachOutput.id)},
                    default_order=[col(OutreachOutput.date).desc(), col(OutreachOutput.id).desc()], scalars=False,
                    transform=lambda rows: service.outreach_reads(session, principal, rows))  # fmt: skip


@router.post("/outreach-outputs", status_code=201, response_model=S.OutreachRead,
             operation_id="activities-outreach_create", dependencies=[require(P.outreach_edit)])  # fmt: skip
def create_outreach(
    body: S.OutreachCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    o = service.create_outreach(session, principal, body)
    return idem.respond(session, principal.key, service.outreach_read(session, principal, o), 201,
                        {"ETag": _out_etag(o)})  # fmt: skip


@router.get("/outreach-outputs/{output_id}", response_model=S.OutreachRead, operation_id="activities-outreach_get",
            dependencies=[require(P.activities_read)])  # fmt: skip
def get_outreach(
    output_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> S.OutreachRead:
    o = scope.get_outreach(session, principal, output_id)
    set_etag(response, _out_etag(o))
    return service.outreach_read(session, principal, o)


@router.patch("/outreach-outputs/{output_id}", response_model=S.OutreachRead,
              operation_id="activities-outreach_update", dependencies=[require(P.outreach_edit)])  # fmt: skip
def update_outreach(output_id: int, body: S.OutreachUpdate, request: Request, response: Response,
                    session: SessionDep, principal: CurrentPrincipal) -> S.OutreachRead:  # fmt: skip
    o = scope.get_outreach(session, principal, output_id, P.outreach_edit)
    require_if_match(request, _out_etag(o))
    o = service.update_outreach(session, principal, o, body)
    set_etag(response, _out_etag(o))
    return service.outreach_read(session, principal, o)


@router.delete("/outreach-outputs/{output_id}", status_code=204, operation_id="activities-outreach_delete",
               dependencies=[require(P.outreach_edit)])  # fmt: skip
def delete_outreach(
    output_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    o = scope.get_outreach(session, principal, output_id, P.outreach_edit)
    require_if_match(request, _out_etag(o))
    service.delete_outreach(session, principal, o)
    return Response(status_code=204)


# --- accountability ----------------------------------------------------------------------------------------------


def _ses_etag(s: AccountabilitySession) -> str:
    return make_etag("accountability", s.id, s.version)


@router.get("/accountability-sessions", response_model=Page[S.SessionRead],
            operation_id="activities-sessions_list", dependencies=[require(P.activities_read)])  # fmt: skip
def list_sessions(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: int | None = None,
) -> dict[str, object]:
    stmt = scope.session_rows(principal)
    if (cond := _year(AccountabilitySession.date, year)) is not None:
        stmt = stmt.where(cond)
    if unit_id is not None:
        stmt = stmt.where(col(AccountabilitySession.unit_id) == unit_id)
    return paginate(session, stmt, page,
                    sort_fields={"date": col(AccountabilitySession.date), "id": col(AccountabilitySession.id)},
                    default_order=[col(AccountabilitySession.date).desc(), col(AccountabilitySession.id).desc()],
                    scalars=False, transform=lambda rows: service.session_reads(session, principal, rows))  # fmt: skip


@router.post("/accountability-sessions", status_code=201, response_model=S.SessionRead,
             operation_id="activities-sessions_create", dependencies=[require(P.activities_manage)])  # fmt: skip
def create_session(
    body: S.SessionCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    s = service.create_session(session, principal, body)
    return idem.respond(session, principal.key, service.session_read(session, principal, s), 201,
                        {"ETag": _ses_etag(s)})  # fmt: skip


@router.get("/accountability-sessions/{session_id}", response_model=S.SessionRead,
            operation_id="activities-sessions_get", dependencies=[require(P.activities_read)])  # fmt: skip
def get_session(
    session_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> S.SessionRead:
    s = scope.get_session(session, principal, session_id)
    set_etag(response, _ses_etag(s))
    return service.session_read(session, principal, s)


@router.patch("/accountability-sessions/{session_id}", response_model=S.SessionRead,
              operation_id="activities-sessions_update", dependencies=[require(P.activities_manage)])  # fmt: skip
def update_session(session_id: int, body: S.SessionUpdate, request: Request, response: Response,
                   session: SessionDep, principal: CurrentPrincipal) -> S.SessionRead:  # fmt: skip
    s = scope.get_session(session, principal, session_id, P.activities_manage)
    require_if_match(request, _ses_etag(s))
    s = service.update_session(session, principal, s, body)
    set_etag(response, _ses_etag(s))
    return service.session_read(session, principal, s)


@router.put("/accountability-sessions/{session_id}/explanation", response_model=S.SessionRead,
            operation_id="activities-sessions_explain", dependencies=[require(P.activities_respond)])  # fmt: skip
def explain(session_id: int, body: S.ExplanationIn, request: Request, response: Response,
            session: SessionDep, principal: CurrentPrincipal) -> S.SessionRead:  # fmt: skip
    """Nội dung giải trình, written by the answering unit's head (If-Match of the session)."""
    s = scope.get_session(session, principal, session_id, P.activities_respond)
    require_if_match(request, _ses_etag(s))
    s = service.explain(session, principal, s, body)
    set_etag(response, _ses_etag(s))
    return service.session_read(session, principal, s)


@router.post("/accountability-sessions/{session_id}/follow-ups", status_code=201, response_model=S.SessionRead,
             operation_id="activities-sessions_follow_up", dependencies=[require(P.activities_manage)])  # fmt: skip
def add_follow_up(session_id: int, body: S.FollowUpCreate, session: SessionDep, principal: CurrentPrincipal,
                  idem: IdempotencyDep) -> Response:  # fmt: skip
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    s = scope.get_session(session, principal, session_id, P.activities_manage)
    s = service.add_session_follow_up(session, principal, s, body)
    return idem.respond(session, principal.key, service.session_read(session, principal, s), 201,
                        {"ETag": _ses_etag(s)})  # fmt: skip


# --- evidence (the evidence machinery, with the new owner kinds) ---------------------------------------------------

_OWNERS = {
    "inspections": (EvidenceOwner.inspection, "inspection"),
    "outreach-outputs": (EvidenceOwner.outreach, "outreach"),
    "accountability-sessions": (EvidenceOwner.accountability, "session"),
}


def _evidence_routes(prefix: str, owner: EvidenceOwner, name: str) -> None:
    @router.post(f"/{prefix}/{{owner_id}}/evidence", status_code=201, response_model=EvidenceUploaded,
                 operation_id=f"activities-evidence_upload_{name}", dependencies=[require(P.evidence_upload)],
                 responses=evidence_router._UPLOAD_RESPONSES, openapi_extra=evidence_router._UPLOAD_BODY)  # fmt: skip
    async def upload(
        owner_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
    ) -> Response:
        """Upload a document (multipart ``file`` + metadata, like assignments' evidence)."""
        return await evidence_router._upload(request, session, principal, owner, owner_id)

    @router.get(f"/{prefix}/{{owner_id}}/evidence", response_model=Page[EvidenceRead],
                operation_id=f"activities-evidence_list_{name}", dependencies=[require(P.evidence_read)])  # fmt: skip
    def list_evidence(owner_id: int, session: SessionDep, principal: CurrentPrincipal, page: PageDep,
                      all_versions: bool = False) -> dict[str, object]:  # fmt: skip
        if owner == EvidenceOwner.inspection:
            scope.get_inspection(session, principal, owner_id)
        elif owner == EvidenceOwner.outreach:
            scope.get_outreach(session, principal, owner_id)
        else:
            scope.get_session(session, principal, owner_id)
        return evidence_router._list(session, principal, page, owner, owner_id, all_versions, False)

    upload.__name__ = f"upload_{name}_evidence"
    list_evidence.__name__ = f"list_{name}_evidence"


for _prefix, (_owner, _name) in _OWNERS.items():
    _evidence_routes(_prefix, _owner, _name)
