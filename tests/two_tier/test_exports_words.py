"""Nothing in the Lạng Sơn 2026 exports assumes a district: where the owner is the province (or a commune), the DOCX
and XLSX texts never say "huyện" or "Phòng Nội vụ"."""

import pytest
from sqlmodel import select

from api.models import PeriodKind, Report, ReportingPeriod
from tests.two_tier.conftest import LS, docx_text, xlsx_text

FORBIDDEN = ("huyện", "phòng nội vụ")


def _q3(ls: LS, owner: str) -> ReportingPeriod:
    return ls.session.exec(
        select(ReportingPeriod).where(
            ReportingPeriod.owner_unit_id == ls.unit(owner).id,
            ReportingPeriod.year == 2026,
            ReportingPeriod.kind == PeriodKind.q3,
        )
    ).one()


def _reports(ls: LS) -> list[int]:
    """The province's aggregated report, every seeded unit report of the province's Quý III (communes and sở, in
    every state), and xã Bình Gia's own aggregated report."""
    period = _q3(ls, "LS")
    agg = ls.post("/reports", "sonoivu", json={"period_id": period.id, "unit_id": ls.unit("LS").id})
    assert agg.status_code == 201, agg.text
    own = ls.post(
        "/reports",
        "vhxh.binhgia",
        json={"period_id": _q3(ls, "LS.X.BINHGIA").id, "unit_id": ls.unit("LS.X.BINHGIA").id},
    )
    assert own.status_code == 201, own.text
    units = list(
        ls.session.exec(select(Report.id).where(Report.period_id == period.id, Report.level == "unit")).all()
    )
    assert len(units) == 6
    return [agg.json()["id"], own.json()["id"], *units]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_no_district_words_in_2026_exports(ls: LS, fmt: str) -> None:
    for rid in _reports(ls):
        r = ls.get(f"/reports/{rid}/export", "sonoivu", params={"format": fmt})
        assert r.status_code == 200, r.text
        text = (docx_text if fmt == "docx" else xlsx_text)(r.content)
        assert "Sở Nội vụ" in text or fmt == "xlsx"
        low = text.lower()
        found = [w for w in FORBIDDEN if w in low]
        assert not found, (
            rid,
            found,
            [line for line in text.splitlines() if any(w in line.lower() for w in found)],
        )


def test_province_report_docx_speaks_of_the_province(ls: LS) -> None:
    rid = _reports(ls)[0]
    text = docx_text(ls.get(f"/reports/{rid}/export", "sonoivu", params={"format": "docx"}).content)
    for expected in (
        "Bộ Nội vụ;",
        "Thường trực Tỉnh ủy;",
        "Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
        "Lưu: VT, SNV.",
    ):
        assert expected in text, expected
    assert "Sở Nội vụ đã tiếp nhận 2/" in text
