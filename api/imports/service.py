"""Running an import: read → match headers → validate every row → (unless dry run) write, all or nothing.

Nothing is written while validating. When any row has an error the import is refused with the complete list
(422) and the request's transaction is rolled back; otherwise the kind writes its rows in batches inside the
request's single transaction (committed by ``SessionDep``), so a failure half-way leaves nothing behind.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from api.audit.service import record
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings
from api.errors import Forbidden
from api.imports.kinds import KINDS
from api.imports.kinds.base import Context, Counts, Kind, RowError
from api.imports.parsing import Table

P = Permission


class ImportKindName(StrEnum):
    org_units = "org-units"
    users = "users"
    plans = "plans"
    tasks = "tasks"
    frameworks = "frameworks"
    official_results = "official-results"
    sipas_results = "sipas-results"  # issue 20
    survey_responses = "survey-responses"  # issue 20


class ImportResult(BaseModel):
    """What an import did (or, with ``dry_run``, would do). Counts are per data row of the input."""

    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = Field(default=0, description="Mục bị xóa (chỉ khi nhập lại tệp bộ chỉ số) / nodes removed")
    details: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Đối tượng kèm theo (kế hoạch, mục, vai trò…) / secondary objects"
    )
    errors: list[RowError] = Field(default_factory=list)


class ImportRejected(Exception):
    """The input has errors: nothing was written; ``result.errors`` lists them all."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(f"{len(result.errors)} import errors")
        self.result = result


def get_kind(name: str) -> Kind:
    return KINDS[name]


def check_allowed(principal: Principal, kind: Kind) -> None:
    """``imports:run`` is checked by the route; the kind's own permission (e.g. users:manage) here."""
    if not (principal.has(P.imports_run) and principal.has(kind.permission)):
        raise Forbidden(
            f"Bạn không có quyền nhập {kind.title.lower()}.",
            f"Missing permission {kind.permission.value} (with imports:run) to import {kind.title_en}.",
            code="missing_permission",
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while an import builds its rows.

    A 10,000-row import allocates a few hundred thousand small objects that all stay alive until it ends; the
    collector would traverse them again and again (half the CPU time of validation). Reference counting still
    frees memory meanwhile; the collector is re-enabled afterwards (by whichever import paused it).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def run_import(
    session: Session,
    principal: Principal,
    *,
    kind: Kind,
    table: Table,
    settings: Settings,
    dry_run: bool,
    params: dict[str, Any] | None = None,
) -> ImportResult:
    """Validate ``table`` for ``kind`` and write it; with ``dry_run`` the writes are rolled back (nothing stays
    written) but the database still sees them, so a dry run is refused exactly when the real run would be.
    Raises :class:`ImportRejected`."""
    with gc_paused():
        return _run(
            session, principal, kind=kind, table=table, settings=settings, dry_run=dry_run, params=params
        )


def _run(
    session: Session,
    principal: Principal,
    *,
    kind: Kind,
    table: Table,
    settings: Settings,
    dry_run: bool,
    params: dict[str, Any] | None,
) -> ImportResult:
    check_allowed(principal, kind)
    ctx = Context(
        session=session,
        principal=principal,
        settings=settings,
        kind=kind,
        dry_run=dry_run,
        params=params or {},
    )
    counts = Counts()
    result = ImportResult(kind=kind.name, dry_run=dry_run)
    kind.start(ctx)
    if table.source == "document":
        if not kind.accepts_document:
            ctx.error(
                None,
                None,
                "document_not_accepted",
                f"Loại nhập “{kind.name}” không nhận tệp bộ chỉ số; hãy gửi bảng (CSV, XLSX hoặc JSON).",
                f"Import kind '{kind.name}' takes rows, not a framework document.",
            )
            prepared = None
        else:
            prepared = kind.prepare_document(ctx, table.document, counts)  # type: ignore[attr-defined]
            result.rows = counts.created + counts.updated + counts.unchanged
    else:
        rows = kind.match_headers(ctx, table)
        result.rows = len(rows)
        if not rows and not ctx.errors:
            ctx.error(
                None,
                None,
                "empty_file",
                "Tệp không có dòng dữ liệu nào (dòng 1 là tiêu đề cột).",
                "The input has no data rows (row 1 is the header).",
            )
        prepared = kind.prepare(ctx, rows, counts) if not ctx.errors else None
    result.created, result.updated, result.unchanged = counts.created, counts.updated, counts.unchanged
    result.deleted, result.details = counts.deleted, counts.details
    if ctx.errors:
        result.errors = _sorted(ctx.errors)
        raise ImportRejected(result)
    # A dry run writes too, inside a savepoint it then rolls back: whatever the database would refuse (a
    # constraint, a concurrent change) is refused in the dry run as in the real one, so its answer can be trusted.
    savepoint = session.begin_nested() if dry_run else None
    try:
        kind.apply(ctx, prepared)
        session.flush()
        grants = principal.grants_for(P.imports_run)
        record(
            session,
            principal,
            "import",
            "import",
            kind.name,
            grants[0].unit_id if grants else None,
            {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "deleted": result.deleted,
                "details": result.details,
            },
            f"Nhập {kind.title.lower()} từ tệp / bulk import of {kind.title_en}",
        )
        session.flush()
    finally:
        if savepoint is not None and savepoint.is_active:
            savepoint.rollback()
    return result


def rejected_summary(result: ImportResult) -> tuple[str, str]:
    n = len(result.errors)
    rows = sorted({e.row for e in result.errors if e.row is not None})
    where = f" ở {len(rows)} dòng" if rows else ""
    return (
        f"Tệp nhập có {n} lỗi{where}; chưa có dữ liệu nào được ghi. Hãy sửa các lỗi theo danh sách rồi gửi lại.",
        f"The import has {n} error(s){f' on {len(rows)} row(s)' if rows else ''}; nothing was written.",
    )
