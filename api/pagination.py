"""One pagination, sort and filter contract for every list: ``{items, total, limit, offset}``."""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import func, select
from sqlmodel import Session

from api import hot_rows
from api.errors import FieldError, Unprocessable

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0
    sort: str | None = None


async def _page_params(  # no I/O: on the event loop, not a worker thread
    limit: Annotated[int, Query(ge=1, le=500, description="Số dòng mỗi trang / page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: Annotated[str | None, Query(max_length=200, description="vd. `-due_date,id`")] = None,
) -> PageParams:
    return PageParams(limit=limit, offset=offset, sort=sort)


PageDep = Annotated[PageParams, Depends(_page_params)]


def apply_sort(stmt: Any, sort: str | None, allowed: dict[str, Any], default: Sequence[Any]) -> Any:
    """Order by ``sort`` ("field,-other"), only fields in ``allowed``; a stable default tiebreak comes last."""
    clauses: list[Any] = []
    if sort:
        for raw in sort.split(","):
            name = raw.strip()
            if not name:
                continue
            desc = name.startswith("-")
            key = name.lstrip("-+")
            if key not in allowed:
                raise Unprocessable(
                    f"Không thể sắp xếp theo '{key}'. Cho phép: {', '.join(sorted(allowed))}.",
                    f"Cannot sort by '{key}'.",
                    errors=[
                        FieldError(
                            field="sort", code="invalid_sort", message=f"Trường sắp xếp không hợp lệ: {key}"
                        )
                    ],
                )
            col = allowed[key]
            clauses.append(col.desc() if desc else col.asc())
    return stmt.order_by(*clauses, *default)


def page_statements(
    stmt: Any, params: PageParams, *, sort_fields: dict[str, Any], default_order: Sequence[Any]
) -> tuple[Any, Any]:
    """The count and the page of ``stmt`` (a pure function of its arguments: a caller may keep the pair for the
    same inputs, see ``api.assignments.service.list_statements``)."""
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    ordered = (
        apply_sort(stmt, params.sort, sort_fields, default_order).limit(params.limit).offset(params.offset)
    )
    return count, ordered


def run_page(
    session: Session,
    statements: tuple[Any, Any],
    params: PageParams,
    *,
    transform: Callable[[list[Any]], list[Any]] | None = None,
    scalars: bool = True,
    core: bool = False,
) -> dict[str, Any]:
    """Run the count and the page built by :func:`page_statements` (``core``: on the session's Core connection,
    rows of plain columns as tuples, no ORM instances: :func:`api.hot_rows.rows`)."""
    count, ordered = statements
    if core:
        connection = session.connection()
        total = hot_rows.rows(connection, count)[0][0]
        rows = hot_rows.rows(connection, ordered)
    else:
        total = session.execute(count).scalar_one()
        rows = list(session.exec(ordered).all()) if scalars else list(session.execute(ordered).all())
    items = transform(rows) if transform else rows
    return {"items": items, "total": int(total), "limit": params.limit, "offset": params.offset}


def paginate(
    session: Session,
    stmt: Any,
    params: PageParams,
    *,
    sort_fields: dict[str, Any],
    default_order: Sequence[Any],
    transform: Callable[[list[Any]], list[Any]] | None = None,
    scalars: bool = True,
) -> dict[str, Any]:
    """Run the count and the page as two statements, whatever the page size."""
    statements = page_statements(stmt, params, sort_fields=sort_fields, default_order=default_order)
    return run_page(session, statements, params, transform=transform, scalars=scalars)


@cache
def _page_adapter(model: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(Page[model])  # type: ignore[valid-type]


def page_response(model: type[BaseModel], page: dict[str, Any]) -> Response:
    """A page of ``model`` rows as the JSON answer itself, checked and serialised once by pydantic's core.

    For the hot lists (their route still declares ``response_model=Page[model]`` for the schema): a dict returned
    by a sync route is validated again by FastAPI in another worker-thread hop before it is serialised; the rows
    here are instances the service built, so validating the page passes them through and the route answers
    without that hop (``bench/bench_http.py``)."""
    adapter = _page_adapter(model)
    return Response(adapter.dump_json(adapter.validate_python(page)), media_type="application/json")
