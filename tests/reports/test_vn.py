"""Vietnamese administrative text conventions (no database)."""

from datetime import date

from api.models import OrgUnit, UnitKind, UnitLevel
from api.reports import vn
from api.reports.export_xlsx import safe


def _unit(code: str, name: str, kind: UnitKind, short: str | None = None) -> OrgUnit:
    return OrgUnit(code=code, name=name, short_name=short, kind=kind, level=UnitLevel.district)


DISTRICT = _unit("LS.BG", "Ủy ban nhân dân huyện Bình Gia", UnitKind.people_committee)
DEPT = _unit(
    "LS.BG.VHTT",
    "Phòng Văn hóa và Thông tin huyện Bình Gia",
    UnitKind.department,
    "Phòng Văn hóa và Thông tin",
)


def test_numbers_and_dates() -> None:
    assert vn.number(36525) == "36.525" and vn.number(86.98, 2) == "86,98"
    # one way everywhere: decimal comma, always one decimal
    assert vn.percent(1, 7) == "14,3%" and vn.percent(1, 2) == "50,0%" and vn.percent(0, 0) == "0,0%"
    assert vn.percent(2022, 2022) == "100,0%" and vn.percent(2, 3) == "66,7%"
    assert vn.tasks_and_assignments(62, 2022) == "62 nhiệm vụ, 2.022 lượt giao"
    assert vn.long_date(date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert vn.long_date(date(2024, 6, 3)) == "ngày 03 tháng 6 năm 2024"
    # report text writes dd/mm/yyyy with leading zeros, as the screens do (11/09/2024, never 11/9/2024)
    assert vn.date_text(date(2024, 6, 3)) == "03/06/2024" and vn.date_text(date(2024, 11, 9)) == "09/11/2024"
    assert vn.date_text(date(2024, 12, 25)) == "25/12/2024" and vn.date_text(None) == ""


def test_issuing_body_place_symbol_and_signature() -> None:
    assert vn.issuing_lines(DISTRICT, None) == ("", ["ỦY BAN NHÂN DÂN", "HUYỆN BÌNH GIA"])
    assert vn.issuing_lines(DEPT, DISTRICT) == ("UBND HUYỆN BÌNH GIA", ["PHÒNG VĂN HÓA VÀ THÔNG TIN"])
    assert vn.place_name(DISTRICT) == "Bình Gia" and vn.place_name(DEPT, DISTRICT) == "Bình Gia"
    assert vn.symbol(DISTRICT) == "BC-UBND" and vn.symbol(DEPT) == "BC-VHTT"
    assert vn.document_number("12", "BC-UBND") == "12/BC-UBND"
    assert vn.document_number("125/BC-UBND", "BC-UBND") == "125/BC-UBND"
    assert vn.document_number(None, "BC-UBND").strip() == "/BC-UBND"
    assert vn.signature_lines(DISTRICT, "Chủ tịch") == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert vn.signature_lines(DISTRICT, "Phó Chủ tịch") == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    assert vn.signature_lines(DEPT, "Phó Trưởng phòng") == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]


def test_spreadsheet_cells_never_start_a_formula() -> None:
    for raw in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=x"):
        assert safe(raw) == "'" + raw
    assert safe("Kế hoạch") == "Kế hoạch" and safe(-1) == -1
