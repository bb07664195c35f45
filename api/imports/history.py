"""Lịch sử nhập (issue 18): one :class:`ImportRun` per import run — who, which unit, when, what, dry run or not,
and the outcome (counts, and the first errors of a refused file) — and the scoped list of past runs."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col

from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.context import request_id_var
from api.imports.kinds.base import RowError
from api.imports.service import ImportResult
from api.models.import_run import KEPT_ERRORS, ImportOutcome, ImportRun
from api.pagination import PageParams, paginate


class ImportRunRead(BaseModel):
    id: int
    at: datetime
    unit_id: int
    unit_name: str
    actor_name: str
    kind: str
    kind_label: str = Field(description="Tên loại dữ liệu nhập (tiếng Việt)")
    file_name: str | None
    dry_run: bool
    outcome: ImportOutcome
    rows: int
    created: int
    updated: int
    unchanged: int
    deleted: int
    error_count: int
    errors: list[RowError] = Field(description=f"Tối đa {KEPT_ERRORS} lỗi đầu tiên / the first errors")
    allowed_actions: list[str] = Field(default_factory=list)


def record_run(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    file_name: str | None,
    result: ImportResult,
    outcome: ImportOutcome,
) -> ImportRun | None:
    """Add the run to the caller's transaction (after any rollback of the import's own writes). The unit is the
    one the caller imports as (its first ``imports:run`` grant), like the audit record of the import."""
    grants = principal.grants_for(Permission.imports_run)
    if not grants:
        return None
    run = ImportRun(
        unit_id=grants[0].unit_id,
        actor_user_id=principal.user_id,
        actor_token_id=principal.token_id,
        actor_name=principal.name[:200],
        kind=kind,
        file_name=(file_name or None) and file_name[-255:],
        dry_run=result.dry_run,
        outcome=outcome,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        deleted=result.deleted,
        error_count=len(result.errors),
        errors=[e.model_dump(mode="json", exclude_none=True) for e in result.errors[:KEPT_ERRORS]],
        request_id=request_id_var.get(),
    )
    session.add(run)
    return run


def list_runs(
    session: Session, principal: Principal, page: PageParams, *, kind: str | None, kind_titles: dict[str, str]
) -> dict[str, Any]:
    """Newest first, the runs of the units the caller reaches with ``imports:run``: two statements."""
    stmt = scope.visible_import_runs(principal)
    if kind:
        stmt = stmt.where(col(ImportRun.kind) == kind)

    def transform(rows: list[Any]) -> list[ImportRunRead]:
        return [
            ImportRunRead(
                **run.model_dump(exclude={"errors", "actor_user_id", "actor_token_id", "request_id"}),
                unit_name=unit_name,
                kind_label=kind_titles.get(run.kind, run.kind),
                errors=[RowError(**e) for e in run.errors],
            )
            for run, unit_name in rows
        ]

    return paginate(
        session,
        stmt,
        page,
        sort_fields={"at": col(ImportRun.at), "id": col(ImportRun.id)},
        default_order=[col(ImportRun.at).desc(), col(ImportRun.id).desc()],
        transform=transform,
        scalars=False,
    )
