"""A bad string already in the database (stored before the text policy, or written around the API) never breaks
an export: every report format and every import-layout export answers 200 and opens."""

import csv
import io
import json
from io import BytesIO
from typing import Any

from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session

from api.models import Assignment, OrgUnit, Report, Task
from tests.conftest import BACKEND
from tests.reports.helpers import V1, act, open_report, patch_report

# PostgreSQL cannot store NUL in text (nor \u0000 in JSON); SQLite can, so it gets it too.
BAD = ("\x00" if BACKEND == "sqlite" else "") + "\x01\x0b\x0c\x1b\x7f\x85\x9f\u202e\u2066\ufffe\uffff"


def _poison(engine: Any, world: dict[str, Any], report_id: int) -> int:
    """Write bad strings into a result, the unit's name, a task title and the narrative; returns the plan id."""
    with Session(engine) as s:
        a = s.get(Assignment, world["ids"]["on_1403"])
        assert a is not None
        a.result = f"Kết quả{BAD} đạt"
        task = s.get(Task, a.task_id)
        assert task is not None
        task.title = f"Nhiệm vụ{BAD} một"
        plan_id = task.plan_id
        unit = s.get(OrgUnit, world["unit"].id)
        assert unit is not None
        unit.name = f"UBND xã Hoa{BAD} Thám"
        report = s.get(Report, report_id)
        assert report is not None
        report.narrative = {"ket_qua": f"Tốt{BAD}", "phuong_huong": f"{BAD}=1+1"}
        s.add_all([a, task, unit, report])
        s.commit()
    return plan_id


def test_every_export_survives_bad_stored_strings(client, auth, engine, world) -> None:  # type: ignore[no-untyped-def]
    rep = open_report(client, auth("canbo.hoatham"), world["periods"]["q1"]["id"], world["unit"].id)
    patch_report(client, auth("chutich.hoatham"), rep["id"], {"number": "05", "signer": "Hoàng Văn Minh"})
    plan_id = _poison(
        engine, world, rep["id"]
    )  # before submit: the figures frozen at submit hold the bad strings too
    act(client, auth("chutich.hoatham"), rep["id"], "submit")
    act(client, auth("noivu"), rep["id"], "accept")
    headers = auth("canbo.hoatham")

    r = client.get(f"{V1}/reports/{rep['id']}/export", params={"format": "docx"}, headers=headers)
    assert r.status_code == 200, r.text
    body = "\n".join(p.text for p in Document(BytesIO(r.content)).paragraphs)
    assert "Tốt" in body and "\u202e" not in body and "\x0b" not in body

    r = client.get(f"{V1}/reports/{rep['id']}/export", params={"format": "xlsx"}, headers=headers)
    assert r.status_code == 200, r.text
    cells = [
        str(c)
        for ws in load_workbook(BytesIO(r.content))
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert any("Kết quả đạt" in c for c in cells)

    r = client.get(f"{V1}/reports/{rep['id']}/export", params={"format": "json"}, headers=headers)
    assert r.status_code == 200, r.text
    json.loads(r.content)  # JSON escapes what it must; the data is shown as stored

    admin = auth("noivu")
    for kind in ("org-units", "tasks"):
        params = {"plan_id": plan_id} if kind == "tasks" else {}
        r = client.get(f"{V1}/imports/{kind}/export.xlsx", params=params, headers=admin)
        assert r.status_code == 200, (kind, r.text)
        load_workbook(BytesIO(r.content))
        r = client.get(f"{V1}/imports/{kind}/export.csv", params=params, headers=admin)
        assert r.status_code == 200, (kind, r.text)
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows and not any("\u202e" in cell or "\x0b" in cell for row in rows for cell in row)
        expected = "Nhiệm vụ một" if kind == "tasks" else "UBND xã Hoa Thám"
        assert any(expected in cell for row in rows for cell in row), kind
