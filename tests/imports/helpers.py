"""Helpers for the import tests: sending files, counting rows, building workbooks."""

import io
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import Workbook

API = "/api/v1/imports"


def post_json(client: TestClient, kind: str, items: Any, headers: dict[str, str], **params: Any) -> Any:
    return client.post(f"{API}/{kind}", json=items, headers=headers, params=params or None)


def post_file(
    client: TestClient,
    kind: str,
    name: str,
    data: bytes,
    headers: dict[str, str],
    ctype: str = "text/csv",
    **params: Any,
) -> Any:
    return client.post(
        f"{API}/{kind}", files={"file": (name, data, ctype)}, headers=headers, params=params or None
    )


def count(engine: sa.Engine, table: str, where: str = "") -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}" {where}').scalar() or 0)


def counts(engine: sa.Engine, tables: tuple[str, ...]) -> dict[str, int]:
    return {t: count(engine, t) for t in tables}


def csv_bytes(header: list[str], rows: list[list[str]], sep: str = ",", bom: bool = False) -> bytes:
    def cell(v: str) -> str:
        return f'"{v}"' if (sep in v or '"' in v or "\n" in v) else v

    text = "\r\n".join(sep.join(cell(v) for v in r) for r in [header, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Loại đơn vị", "Mã đơn vị cấp trên"]


def make_token(engine: sa.Engine, unit_code: str, permissions: list[str]) -> dict[str, str]:
    """An API token of ``unit_code`` (its grant is capped by TOKEN_CEILING like any token)."""
    import secrets

    from sqlmodel import Session, select

    from api.auth import security
    from api.models import ApiToken, OrgUnit

    plain = f"pst_{secrets.token_urlsafe(24)}"
    with Session(engine) as s:
        unit = s.exec(select(OrgUnit).where(OrgUnit.code == unit_code)).one()
        s.add(
            ApiToken(
                name="test",
                prefix=plain[:10],
                token_hash=security.sha256_hex(plain),
                unit_id=unit.id or 0,
                permissions=permissions,
            )
        )
        s.commit()
    return {"Authorization": f"Bearer {plain}"}


def errors_of(r: Any) -> list[tuple[Any, Any, str]]:
    """(row, field, code) of a rejected import."""
    return [(e["row"], e["field"], e["code"]) for e in r.json()["errors"]]


TABLES = (
    "org_unit",
    "user_account",
    "membership",
    "plan",
    "plan_section",
    "task",
    "task_unit",
    "task_node",
    "assignment",
    "framework",
    "framework_node",
    "audit_event",
    "idempotency_record",
)


def fetch(engine: sa.Engine, model: Any, **where: Any) -> Any:
    """One row (detached) read in its own short transaction, so the app's writers are never blocked."""
    from sqlmodel import Session, select

    with Session(engine) as s:
        stmt = select(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return s.exec(stmt).first()


def fetch_all(engine: sa.Engine, stmt: Any) -> list[Any]:
    from sqlmodel import Session

    with Session(engine) as s:
        return list(s.exec(stmt).all())
