"""The survey in the periodic report (#20): the khảo sát section and the indicator CB_HAI_LONG computed from the
answers of the report's own desks in its window (a recount from the rows here), entered by hand without answers;
a commune's report never reads another commune's answers; the district's covers every desk; the DOCX and the XLSX
show the same figures; the figures freeze with the report; the statement count does not grow with the desks."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, select

from api.models.survey import (
    CollectionPoint,
    QuestionScale,
    ResponseSource,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from tests.reports.helpers import V1, act, open_report, unit
from tests.reports.outline_helpers import by_code, indicators, put_values

HT_DESK, TV_DESK, BG_DESK = "BG.HOATHAM.MOTCUA", "BG.TANVAN.MOTCUA", "BG.MOTCUA"


def _answers(
    session: Session, desk: str, day: date, n: int, value: int, **flags: Any
) -> list[tuple[int, int]]:
    """``n`` responses at ``desk`` on ``day``, every question answered ``value`` (yes/no: 1 when value ≥ 4);
    returns the (scale-aware satisfied, answers) count of what was written."""
    point = session.exec(select(CollectionPoint).where(CollectionPoint.code == desk)).one()
    qs = list(session.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == point.survey_id)).all())
    out = []
    for i in range(n):
        r = SurveyResponse(point_id=point.id or 0, unit_id=point.unit_id, survey_id=point.survey_id,
                           source=ResponseSource.paper, answered_on=day,
                           answers_hash=f"t-{desk}-{day}-{value}-{i}", **flags)  # fmt: skip
        session.add(r)
        session.flush()
        for q in qs:
            v = value if q.scale == QuestionScale.likert5 else (1 if value >= 4 else 0)
            session.add(SurveyAnswer(response_id=r.id or 0, question_id=q.id or 0, value=v))
            out.append((1 if v >= 4 or (q.scale == QuestionScale.yes_no and v == 1) else 0, 1))
    session.commit()
    return out


def _recount(session: Session, unit_ids: list[int], start: date, end: date) -> Decimal:
    """The satisfaction rate recounted from the rows: top two levels / yes over every valid answer, in %."""
    rows = session.execute(
        sa.select(SurveyAnswer.value, SurveyQuestion.scale)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(
            SurveyResponse.unit_id.in_(unit_ids),  # type: ignore[attr-defined]
            SurveyResponse.answered_on >= start,
            SurveyResponse.answered_on <= end,
            SurveyResponse.duplicate.is_(False),  # type: ignore[attr-defined]
            SurveyResponse.honeypot.is_(False),  # type: ignore[attr-defined]
        )
    ).all()
    session.commit()
    sat = sum(1 for v, scale in rows if (v >= 4 if scale == QuestionScale.likert5 else v == 1))
    return round(Decimal(sat) * 100 / Decimal(len(rows)), 2)


@pytest.fixture
def answered(session, world):  # type: ignore[no-untyped-def]
    """Quý III/2023 answers: Hoa Thám mostly satisfied, Tân Văn not at all; one Hoa Thám answer outside the
    window and flagged ones that do not count."""
    q3 = world["periods"]["q3"]
    start, end = date.fromisoformat(q3["data_from"]), date.fromisoformat(q3["data_to"])
    _answers(session, HT_DESK, start + timedelta(days=3), 8, 5)
    _answers(session, HT_DESK, start + timedelta(days=10), 4, 2)
    _answers(session, HT_DESK, start + timedelta(days=10), 3, 1, duplicate=True)  # not counted
    _answers(session, HT_DESK, start - timedelta(days=2), 5, 1)  # before the window
    _answers(session, TV_DESK, start + timedelta(days=5), 6, 1)  # another commune
    ht, tv = unit(session, "LS.BG.X.HOATHAM"), unit(session, "LS.BG.X.TANVAN")
    district = unit(session, "LS.BG")
    session.commit()
    return {"start": start, "end": end, "ht": ht.id, "tv": tv.id, "district": district.id, "q3": q3["id"]}


def _sections(detail: dict[str, Any]) -> dict[str, Any]:
    return {s["key"]: s for s in detail["outline"]}


def test_unit_report_takes_its_own_desks_answers(client, auth, session, world, answered) -> None:  # type: ignore[no-untyped-def]
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, answered["q3"], answered["ht"])
    detail = client.get(f"{V1}/reports/{rep['id']}", headers=officer).json()
    survey = detail["figures"]["survey"]
    assert survey["responses"] == 12 and survey["excluded"] == 3  # 8 + 4 in the window; 3 duplicates left out
    expected = _recount(session, [answered["ht"]], answered["start"], answered["end"])
    other = _recount(session, [answered["ht"], answered["tv"]], answered["start"], answered["end"])
    assert expected != other  # Tân Văn's answers would change it
    khao_sat = _sections(detail)["khao_sat"]
    assert khao_sat["fill"] == "written" and khao_sat["source"] == "survey"
    text = khao_sat["auto_text"]
    assert "đã thu được 12 phiếu khảo sát hợp lệ tại 1 điểm khảo sát" in text
    assert "3 phiếu trùng hoặc do máy tự điền không được tính" in text
    assert "Tiếp cận dịch vụ hành chính công" in text and "mẫu nhỏ" in text  # 12 < 30 responses
    assert "Chỉ số hài lòng chung đạt" in text and "Các yếu tố có tỷ lệ hài lòng thấp nhất" in text
    assert f"{str(expected).replace('.', ',')}%" in text or f"{expected:.1f}".replace(".", ",") in text
    item = by_code(indicators(client, officer, rep["id"]))["CB_HAI_LONG"]
    assert Decimal(item["value"]) == expected
    assert item["computed"] is True and item["editable"] is False
    assert item["source_text"].startswith("Tính từ khảo sát, n = 12 phiếu")
    # computed: not entered by hand while the window has answers
    r = client.put(f"{V1}/reports/{rep['id']}/indicators", json={"values": [
        {"indicator_id": item["indicator_id"], "value": "99"}]},
        headers={**officer, "If-Match": client.get(f"{V1}/reports/{rep['id']}", headers=officer).headers["etag"]})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "computed_indicator", r.text
    # the unit's text stays its own, below the figures
    etag = client.get(f"{V1}/reports/{rep['id']}", headers=officer).headers["etag"]
    r = client.patch(f"{V1}/reports/{rep['id']}", json={"narrative": {"khao_sat": "Phát thêm 50 phiếu giấy."}},
                     headers={**officer, "If-Match": etag})  # fmt: skip
    assert r.status_code == 200, r.text
    again = _sections(client.get(f"{V1}/reports/{rep['id']}", headers=officer).json())["khao_sat"]
    assert again["text"] == "Phát thêm 50 phiếu giấy." and again["auto_text"] == text
    # a Tân Văn officer's own report reads Tân Văn only
    tv = auth("canbo.tanvan")
    trep = open_report(client, tv, answered["q3"], answered["tv"])
    tsurvey = client.get(f"{V1}/reports/{trep['id']}", headers=tv).json()["figures"]["survey"]
    assert tsurvey["responses"] == 6 and tsurvey["overall"]["satisfied"] == 0


def test_without_answers_the_section_says_so_and_the_indicator_is_entered(
    client, auth, session, world
) -> None:  # type: ignore[no-untyped-def]
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, world["periods"]["q1"]["id"], world["unit"].id)
    detail = client.get(f"{V1}/reports/{rep['id']}", headers=officer).json()
    assert detail["figures"]["survey"]["responses"] == 0
    assert "chưa có phiếu khảo sát sự hài lòng nào" in _sections(detail)["khao_sat"]["auto_text"]
    item = by_code(indicators(client, officer, rep["id"]))["CB_HAI_LONG"]
    assert item["computed"] is False and item["editable"] is True and item["value"] is None
    assert item["source_text"] == "Đơn vị nhập (trong kỳ chưa có phiếu khảo sát)"
    put_values(client, officer, rep["id"], {"CB_HAI_LONG": "87,5"})
    item = by_code(indicators(client, officer, rep["id"]))["CB_HAI_LONG"]
    assert item["value"] == "87.5" and item["computed"] is False


def test_district_report_pools_every_desk_and_freezes(client, auth, session, world, answered) -> None:  # type: ignore[no-untyped-def]
    noivu = auth("noivu")
    drep = open_report(client, noivu, answered["q3"], answered["district"])
    detail = client.get(f"{V1}/reports/{drep['id']}", headers=noivu).json()
    survey = detail["figures"]["survey"]
    units = {u["unit_id"]: u for u in survey["units"]}
    assert set(units) >= {answered["ht"], answered["tv"]}
    assert units[answered["ht"]]["responses"] == 12 and units[answered["tv"]]["responses"] == 6
    ids = [u for u in units]
    expected = _recount(session, ids, answered["start"], answered["end"])
    item = by_code(indicators(client, noivu, drep["id"]))["CB_HAI_LONG"]
    assert Decimal(item["value"]) == expected and item["computed"] is True
    assert "Theo đơn vị: " in _sections(detail)["khao_sat"]["auto_text"]
    # the commune's report of the same period still reads its own desk only
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, answered["q3"], answered["ht"])
    own = by_code(indicators(client, officer, rep["id"]))["CB_HAI_LONG"]
    assert Decimal(own["value"]) == _recount(session, [answered["ht"]], answered["start"], answered["end"])
    assert Decimal(own["value"]) != expected
    # frozen on acceptance: later answers do not change the accepted report
    act(client, auth("chutich.hoatham"), rep["id"], "submit")
    act(client, noivu, rep["id"], "accept")
    _answers(session, HT_DESK, answered["start"] + timedelta(days=20), 10, 1)
    frozen = by_code(indicators(client, officer, rep["id"]))["CB_HAI_LONG"]
    assert frozen["value"] == own["value"]
    live = client.get(f"{V1}/reports/{drep['id']}", headers=noivu).json()["figures"]["survey"]
    assert live["responses"] == survey["responses"] + 10  # the district's draft is live


def test_docx_and_xlsx_show_the_section(client, auth, session, world, answered) -> None:  # type: ignore[no-untyped-def]
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, answered["q3"], answered["ht"])
    item = by_code(indicators(client, officer, rep["id"]))["CB_HAI_LONG"]
    r = client.get(f"{V1}/reports/{rep['id']}/export", params={"format": "docx"}, headers=officer)
    assert r.status_code == 200, r.text
    doc = Document(BytesIO(r.content))
    paragraphs = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    head = paragraphs.index("4. Khảo sát sự hài lòng của người dân, tổ chức")
    assert (
        paragraphs[head + 1].startswith("Trong kỳ (từ ngày")
        and "12 phiếu khảo sát hợp lệ" in paragraphs[head + 1]
    )
    assert any(p.startswith("Chỉ số hài lòng chung đạt") for p in paragraphs[head:])
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Yếu tố")
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][3] == "Tỷ lệ hài lòng" and len(cells) == 1 + 5 + 1
    assert cells[-1][0] == "Chỉ số chung" and cells[-1][2] == "12"
    assert all("(mẫu nhỏ)" in row[3] for row in cells[1:] if row[3])
    # the biểu số liệu row says where the value comes from
    ind = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    row = next(r for r in ind.rows if r.cells[1].text == item["name"])
    assert row.cells[4].text.startswith("Tính từ khảo sát, n = 12 phiếu")
    assert Decimal(row.cells[3].text.replace(".", "").replace(",", ".")) == Decimal(item["value"]).quantize(
        Decimal("0.01")
    )
    r = client.get(f"{V1}/reports/{rep['id']}/export", params={"format": "xlsx"}, headers=officer)
    assert r.status_code == 200, r.text
    ws = load_workbook(BytesIO(r.content))["Khảo sát"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    overall = next(x for x in rows if x[0] == "Chỉ số chung (theo trọng số)")
    assert overall[2] == 12 and overall[3] > 0
    answers, satisfied = overall[3], overall[4]
    assert round(Decimal(satisfied) * 100 / Decimal(answers), 2) == Decimal(item["value"])


def test_statements_do_not_grow_with_the_desks(client, auth, session, world, answered, db) -> None:  # type: ignore[no-untyped-def]
    """The district report reads the survey in a fixed number of statements, however many desks answered."""
    from tests.dashboards.test_summary import count_statements

    noivu = auth("noivu")
    drep = open_report(client, noivu, answered["q3"], answered["district"])
    with count_statements(db) as seen:
        client.get(f"{V1}/reports/{drep['id']}", headers=noivu)
    before = len(seen)
    _answers(session, BG_DESK, answered["start"] + timedelta(days=8), 3, 4)  # a third desk answers
    with count_statements(db) as seen:
        detail = client.get(f"{V1}/reports/{drep['id']}", headers=noivu).json()
    assert len(detail["figures"]["survey"]["units"]) == 3
    assert len(seen) == before, (before, len(seen))
