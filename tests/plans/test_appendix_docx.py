"""Phụ lục DOCX (#18): the plan's appendix as issued, read back with python-docx — A4 landscape with the NĐ 30
margins, the six official columns, one row per mục and per task the caller sees, in the appendix's order, with
the same words as the appendix JSON (deadlines as people write them, never ISO dates)."""

import re
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.plans.export_docx import COLUMNS
from tests.assignments.helpers import API, plan_85


def _rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    out = []
    for tr in table._tbl.tr_lst:  # physical cells: a merged mục row has two
        out.append(["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.tc_lst])
    return out


def _get(client: TestClient, headers: dict[str, str], plan_id: int):  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/plans/{plan_id}/appendix.docx", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in r.headers["content-disposition"]
    return Document(BytesIO(r.content))


def test_appendix_docx_reads_back_in_the_official_layout(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    session.commit()
    doc = _get(client, h, plan.id or 0)
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height  # landscape
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (297, 210)
    margins = [sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin]
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Phụ lục"
    assert re.search(r"Kèm theo Kế hoạch số \S+/\S+", texts[2]), texts[:3]
    assert len(doc.tables) == 1
    table = doc.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) - Mm(252).twips) <= len(
        grid
    )  # between the margins: 297 − 30 − 15 mm (twips rounding)
    rows = _rows(table)
    assert rows[0] == COLUMNS

    app = client.get(f"{API}/plans/{plan.id}/tasks", headers=h).json()
    assert app["tasks"] and app["sections"]
    task_rows = [r for r in rows[1:] if len(r) == 6]
    heading_rows = [r for r in rows[1:] if len(r) == 2]
    assert len(task_rows) == len(app["tasks"])
    assert {tuple(r) for r in heading_rows} == {(s["label"], s["title"]) for s in app["sections"]}
    by_label = {t["label"]: t for t in app["tasks"]}
    for stt, title, product, deadline, lead, coordinating in task_rows:
        t = by_label[stt]
        assert title == t["title"] and product == (t["product"] or "")
        assert lead == t["lead_unit"]["name"]
        assert coordinating == "; ".join(u["name"] for u in t["coordinating_units"])
        assert deadline and not re.search(r"\d{4}-\d{2}-\d{2}", deadline), deadline
        if t["deadline_kind"] == "date" and not t["deadline_text"]:
            y, m, d = t["due_date"].split("-")
            assert deadline == f"{d}/{m}/{y}"
    # Each task sits under its own mục (the rows follow the appendix's order).
    section_of = {s["label"]: s["id"] for s in app["sections"]}
    current = None
    for r in rows[1:]:
        if len(r) == 2:
            current = section_of[r[0]]
        elif by_label[r[0]]["section_id"] is not None:
            assert by_label[r[0]]["section_id"] == current, r


def test_a_commune_gets_only_the_tasks_it_sees(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    plan = plan_85(session)
    session.commit()
    h = auth("canbo.hoatham")
    mine = client.get(f"{API}/plans/{plan.id}/tasks", headers=h).json()["tasks"]
    every = client.get(f"{API}/plans/{plan.id}/tasks", headers=auth("noivu")).json()["tasks"]
    rows = [r for r in _rows(_get(client, h, plan.id or 0).tables[0])[1:] if len(r) == 6]
    assert 0 < len(rows) == len(mine) < len(every)
    assert client.get(f"{API}/plans/999999/appendix.docx", headers=h).status_code == 404
