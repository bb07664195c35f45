"""HTTP routes of index frameworks (bộ chỉ số). Rules live in ``service`` / ``importer``; rows in ``scope``."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session, col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.db import SessionDep
from api.etag import make_etag, require_if_match, set_etag
from api.frameworks import importer, service
from api.frameworks.library import (
    SCHEMA_PATH,
    dump_json,
    dump_yaml,
)
from api.frameworks.schemas import (
    FrameworkCloneRequest,
    FrameworkCloneResult,
    FrameworkImportResult,
    FrameworkNodeDetail,
    FrameworkRead,
    FrameworkTree,
    FrameworkUpdate,
    NodeSearchHit,
)
from api.frameworks.upload import IMPORT_BODY, ImportDep
from api.idempotency import IdempotencyDep
from api.models import Framework, FrameworkKind, FrameworkNode, FrameworkStatus
from api.pagination import Page, PageDep, paginate

router = APIRouter(prefix="/frameworks", tags=["frameworks"])
P = Permission
SORT = {
    "code": Framework.code,
    "name": Framework.name,
    "valid_from_year": Framework.valid_from_year,
    "status": Framework.status,
    "id": Framework.id,
}
NODE_SORT = {"code": FrameworkNode.code, "framework_id": FrameworkNode.framework_id, "id": FrameworkNode.id}


def _etag(fw: Framework) -> str:
    return make_etag("framework", fw.id, fw.version)


def _read(session: Session, principal: Principal, fw: Framework) -> FrameworkRead:
    stats = service.stats_for(session, principal, [fw.id or 0]).get(fw.id or 0, service.Stats())
    return FrameworkRead.model_validate(fw).model_copy(update=service.read_values(fw, stats))


# --- reading --------------------------------------------------------------------------------------------


@router.get(
    "",
    response_model=Page[FrameworkRead],
    operation_id="frameworks-list",
    dependencies=[require(P.frameworks_read)],
)
def list_frameworks(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    kind: FrameworkKind | None = None,
    status: FrameworkStatus | None = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="Còn hiệu lực trong năm")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Tìm theo mã / tên")] = None,
) -> dict[str, object]:
    stmt = service.filter_frameworks(
        scope.visible_frameworks(principal), kind=kind, status=status, year=year, q=q
    )

    def transform(rows: list[Framework]) -> list[FrameworkRead]:
        stats = service.stats_for(session, principal, [fw.id or 0 for fw in rows])
        return [
            FrameworkRead.model_validate(fw).model_copy(
                update=service.read_values(fw, stats.get(fw.id or 0, service.Stats()))
            )
            for fw in rows
        ]

    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(Framework.kind), col(Framework.valid_from_year).desc(), col(Framework.id)],
        transform=transform,
    )


@router.get(
    "/schema.json",
    response_model=dict[str, Any],
    responses={200: {"content": {"application/schema+json": {"schema": {"type": "object"}}}}},
    operation_id="frameworks-schema",
    dependencies=[require(P.frameworks_read)],
)
def framework_schema() -> Response:
    """JSON Schema of the framework file format (import / export)."""
    return Response(SCHEMA_PATH.read_bytes(), media_type="application/schema+json")


@router.get(
    "/search",
    response_model=Page[NodeSearchHit],
    operation_id="frameworks-search",
    dependencies=[require(P.frameworks_read)],
)
def search_nodes(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="vd. `cai cach thu tuc` (không cần dấu)")
    ],
    framework_id: int | None = None,
    kind: FrameworkKind | None = None,
) -> dict[str, object]:
    """Nodes of every framework the caller sees whose title holds every word of ``q``, accents ignored."""
    stmt = service.search_statement(principal, q=q, framework_id=framework_id, kind=kind)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=NODE_SORT,
        default_order=[
            col(FrameworkNode.framework_id),
            col(FrameworkNode.depth),
            col(FrameworkNode.order),
            col(FrameworkNode.id),
        ],
        transform=service.search_hits,
        scalars=False,
    )


@router.get(
    "/{framework_id}",
    response_model=FrameworkRead,
    operation_id="frameworks-get",
    dependencies=[require(P.frameworks_read)],
)
def get_framework(
    framework_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> FrameworkRead:
    fw = scope.get_framework(session, principal, framework_id)
    set_etag(response, _etag(fw))
    return _read(session, principal, fw)


@router.get(
    "/{framework_id}/nodes",
    response_model=FrameworkTree,
    operation_id="frameworks-tree",
    dependencies=[require(P.frameworks_read)],
)
def get_tree(
    framework_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    q: Annotated[
        str | None, Query(max_length=200, description="Lọc theo tên mục, không phân biệt dấu")
    ] = None,
) -> dict[str, Any]:
    """The whole tree in one response (one query for the nodes), flat in tree order; see ``FrameworkTree``."""
    fw = scope.get_framework(session, principal, framework_id)
    nodes = service.framework_nodes(session, principal, fw)
    shown = service.filter_nodes(nodes, q) if q else nodes
    return {"framework": _read(session, principal, fw), "nodes": service.tree_payload(shown, nodes)}


@router.get(
    "/{framework_id}/nodes/{node_id}",
    response_model=FrameworkNodeDetail,
    operation_id="frameworks-node",
    dependencies=[require(P.frameworks_read)],
)
def get_node(
    framework_id: int, node_id: int, session: SessionDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """A node with its ancestors, children and the tasks linked to it (only tasks the caller may see)."""
    fw = scope.get_framework(session, principal, framework_id)
    return service.node_detail(session, principal, fw, node_id)


@router.get(
    "/{framework_id}/export",
    response_model=dict[str, Any],
    operation_id="frameworks-export",
    dependencies=[require(P.frameworks_read)],
    responses={200: {"content": {"application/json": {}, "application/yaml": {}}}},
)
def export_framework(
    framework_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    format: Annotated[str, Query(pattern="^(json|yaml)$")] = "json",
) -> Response:
    """The framework in the file format, ready to import again (lossless round trip)."""
    fw = scope.get_framework(session, principal, framework_id)
    doc = service.export_document(session, principal, fw)
    if format == "yaml":
        body, media, ext = dump_yaml(doc), "application/yaml; charset=utf-8", "yaml"
    else:
        body, media, ext = dump_json(doc), "application/json", "json"
    headers = {"Content-Disposition": f'attachment; filename="{fw.code}.{ext}"', "ETag": _etag(fw)}
    return Response(body.encode("utf-8"), media_type=media, headers=headers)


# --- changes --------------------------------------------------------------------------------------------


@router.post(
    "/import",
    response_model=FrameworkImportResult,
    operation_id="frameworks-import",
    dependencies=[require(P.frameworks_manage)],
    openapi_extra=IMPORT_BODY,
    responses={201: {"model": FrameworkImportResult, "description": "Đã tạo bộ chỉ số mới"}},
)
def import_framework(
    payload: ImportDep,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
    dry_run: bool = False,
) -> Response:
    """Create a framework, or replace one in place by node code (links kept). 201 when created, else 200.

    ``dry_run=true`` validates and reports what would change without writing anything.
    """
    if not dry_run:
        idem.add_fingerprint(payload.digest)
        if (replayed := idem.replay(session, principal.key)) is not None:
            return replayed
    plan = importer.plan_import(session, principal, doc=payload.doc)
    fw = plan.framework if dry_run else importer.apply_import(session, principal, plan)
    result = FrameworkImportResult(
        dry_run=dry_run,
        action=plan.action,  # type: ignore[arg-type]
        code=payload.doc.framework.code,
        framework=_read(session, principal, fw) if fw is not None else None,
        nodes_created=len(plan.create),
        nodes_updated=len(plan.update),
        nodes_deleted=len(plan.delete),
        nodes_unchanged=plan.unchanged,
        unverified_codes=[n.code for n in payload.doc.nodes if not n.verified],
    )
    status = 201 if plan.action == "create" and not dry_run else 200
    if dry_run:
        return JSONResponse(json.loads(result.model_dump_json()), status_code=status)
    headers = {"ETag": _etag(fw)} if fw is not None else {}
    return idem.respond(session, principal.key, result, status, headers)


@router.patch(
    "/{framework_id}",
    response_model=FrameworkRead,
    operation_id="frameworks-update",
    dependencies=[require(P.frameworks_manage)],
)
def update_framework(
    framework_id: int,
    body: FrameworkUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> FrameworkRead:
    """Metadata of a draft or not yet linked framework (If-Match required); nodes change by import."""
    fw = scope.get_framework(session, principal, framework_id, P.frameworks_manage)
    require_if_match(request, _etag(fw))
    fw = service.update_framework(session, principal, framework=fw, data=body)
    set_etag(response, _etag(fw))
    return _read(session, principal, fw)


def _transition(
    action: str,
    framework_id: int,
    request: Request,
    response: Response,
    session: Session,
    principal: Principal,
) -> FrameworkRead:
    fw = scope.get_framework(session, principal, framework_id, P.frameworks_manage)
    require_if_match(request, _etag(fw))
    fw = (service.publish if action == "publish" else service.retire)(session, principal, framework=fw)
    set_etag(response, _etag(fw))
    return _read(session, principal, fw)


@router.post(
    "/{framework_id}/publish",
    response_model=FrameworkRead,
    operation_id="frameworks-publish",
    dependencies=[require(P.frameworks_manage)],
)
def publish_framework(
    framework_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> FrameworkRead:
    """Ban hành: draft → published (If-Match required)."""
    return _transition("publish", framework_id, request, response, session, principal)


@router.post(
    "/{framework_id}/retire",
    response_model=FrameworkRead,
    operation_id="frameworks-retire",
    dependencies=[require(P.frameworks_manage)],
)
def retire_framework(
    framework_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> FrameworkRead:
    """Hết hiệu lực: published → retired (If-Match required); still readable, links kept."""
    return _transition("retire", framework_id, request, response, session, principal)


@router.post(
    "/{framework_id}/clone",
    status_code=201,
    response_model=FrameworkCloneResult,
    operation_id="frameworks-clone",
    dependencies=[require(P.frameworks_manage)],
)
def clone_framework(
    framework_id: int,
    body: FrameworkCloneRequest,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Response:
    """Next version as a draft, with the old → new node id mapping (also kept in ``cloned_from_id``)."""
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    source = scope.get_framework(session, principal, framework_id, P.frameworks_manage)
    fw, mapping = service.clone_framework(session, principal, source=source, data=body)
    result = FrameworkCloneResult(framework=_read(session, principal, fw), node_map=mapping)
    return idem.respond(session, principal.key, result, 201, {"ETag": _etag(fw)})
