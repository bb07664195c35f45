"""The Lạng Sơn 2026 demo loaded on top of the Bình Gia 2024 one (both in one database), as of 15/10/2026."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import OrgUnit

AS_OF = date(2026, 10, 15)
PASSWORD = "LangSon@2026"
V1 = "/api/v1"
_SNAPSHOTS: dict[str, Any] = {}


@pytest.fixture
def ls_db(db: sa.Engine) -> sa.Engine:
    from api.demo import langson2026
    from tests.conftest import _take_snapshot, reset_to_snapshot

    key = str(db.url)
    if key in _SNAPSHOTS:
        reset_to_snapshot(db, _SNAPSHOTS[key])
    else:
        with Session(db) as s:
            langson2026.seed(s)
            s.commit()
        _SNAPSHOTS[key] = _take_snapshot(db)
    return db


@pytest.fixture
def as_of_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.config import get_settings

    monkeypatch.setattr(get_settings(), "as_of_date", AS_OF)


@pytest.fixture
def ls(ls_db: sa.Engine, as_of_2026: None, client: TestClient) -> Iterator["LS"]:
    with Session(ls_db, expire_on_commit=False) as s:
        yield LS(client, s)


class LS:
    """Helpers over the two demos: unit ids by code, logins (2026 or 2024 accounts), If-Match calls."""

    def __init__(self, client: TestClient, session: Session) -> None:
        self.client, self.session = client, session
        self._headers: dict[str, dict[str, str]] = {}

    def unit(self, code: str) -> OrgUnit:
        return self.session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()

    def as_(self, username: str) -> dict[str, str]:
        if username not in self._headers:
            self.session.commit()
            from api.demo.langson2026 import DEMO_ACCOUNTS
            from tests.conftest import DEMO_PASSWORD

            password = PASSWORD if username in {a[0] for a in DEMO_ACCOUNTS} else DEMO_PASSWORD
            r = self.client.post(f"{V1}/auth/login", json={"username": username, "password": password})
            assert r.status_code == 200, r.text
            self._headers[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self._headers[username]

    def get(self, path: str, user: str, **kw: Any) -> Any:
        self.session.commit()  # SQLite: never hold the write lock (BEGIN IMMEDIATE) while the app works
        return self.client.get(f"{V1}{path}", headers=self.as_(user), **kw)

    def post(self, path: str, user: str, json: Any = None, etag_of: str | None = None, **kw: Any) -> Any:
        self.session.commit()
        headers = dict(self.as_(user))
        if etag_of is not None:
            headers["If-Match"] = self.get(etag_of, user).headers["ETag"]
        headers.update(kw.pop("headers", {}))
        return self.client.post(f"{V1}{path}", headers=headers, json=json, **kw)


def xlsx_text(content: bytes) -> str:
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(content), read_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
    )


def docx_text(content: bytes) -> str:
    """Every paragraph of the body, tables, headers and footers."""
    from io import BytesIO

    from docx import Document

    d = Document(BytesIO(content))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    for s in d.sections:
        for hf in (s.header, s.footer, s.first_page_header, s.first_page_footer):
            parts += [p.text for p in hf.paragraphs]
            parts += [c.text for t in hf.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)
