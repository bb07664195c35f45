"""Vietnamese administrative text conventions used by the report exports (domain reference §6).

Numbers use a decimal comma and a dot for thousands ("86,98%", "36.525"); the date line pads the day and the
months 1–2 ("ngày 05 tháng 01 năm 2024", "ngày 14 tháng 3 năm 2024"); a document cited in the text keeps a 2-digit
day and an unpadded month ("Kế hoạch số 126/KH-UBND ngày 03/6/2024 của …", domain.md "In-text citations",
``short_date``); every other date a report writes is dd/mm/yyyy with leading zeros ("03/06/2024"), as the screens and
the spreadsheet cells show it (``date_text``).
"""

from datetime import date
from typing import Any

from api.models import OrgUnit, UnitKind

_BODY_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")
_PLACE_WORDS = ("thành phố ", "thị trấn ", "thị xã ", "huyện ", "tỉnh ", "quận ", "phường ", "xã ")


def number(value: float | int | None, decimals: int = 0) -> str:
    """``36525`` → ``"36.525"``; ``86.98, 2`` → ``"86,98"``."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


PERCENT_DECIMALS = 1


def percent(part: int | float, whole: int | float) -> str:
    """The one way a report writes a share: decimal comma, one decimal, ``"83,3%"``, ``"50,0%"``, ``"100,0%"``;
    an empty whole gives ``"0,0%"``. The SPA's ``percentText`` (components/reports/model.ts) writes the same."""
    value = 100 * part / whole if whole else 0
    return f"{number(value, PERCENT_DECIMALS)}%"


def tasks_and_assignments(tasks: int, assignments: int) -> str:
    """``"62 nhiệm vụ, 2.022 lượt giao"``: a task given to many units (or recurring) counts once as a task and
    once per unit and instance as an assignment (lượt giao)."""
    return f"{number(tasks)} nhiệm vụ, {number(assignments)} lượt giao"


def date_text(d: date | None) -> str:
    """``03/06/2024``: dd/mm/yyyy with leading zeros, the one way report text writes a date (as the screens do)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d else ""


def short_date(d: date | None) -> str:
    """``03/6/2024``: two-digit day, unpadded month — the date of a cited document only ("… số 12/KH-UBND ngày
    03/6/2024 của …"); any other date is ``date_text``."""
    return f"{d.day:02d}/{d.month}/{d.year}" if d else ""


def long_date(d: date) -> str:
    """``ngày 05 tháng 01 năm 2024``: day padded, months 1 and 2 padded (NĐ 30 date line)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def upper(text: str | None) -> str:
    return (text or "").upper()


def _strip_prefix(name: str, prefixes: tuple[str, ...]) -> str:
    low = name.lower()
    for p in prefixes:
        if low.startswith(p):
            return name[len(p) :]
    return name


def place_name(unit: OrgUnit, parent: OrgUnit | None = None) -> str:
    """Địa danh of the date line: "Bình Gia" for UBND huyện Bình Gia, "Hoa Thám" for UBND xã Hoa Thám; a
    department uses the place of its people's committee."""
    if unit.kind != UnitKind.people_committee and parent is not None:
        return place_name(parent)
    return _strip_prefix(_strip_prefix(unit.name, _BODY_PREFIXES), _PLACE_WORDS).strip()


def issuing_lines(unit: OrgUnit, parent: OrgUnit | None) -> tuple[str, list[str]]:
    """(tên cơ quan chủ quản, tên cơ quan ban hành lines), uppercase.

    A people's committee issues in its own name ("ỦY BAN NHÂN DÂN" / "HUYỆN BÌNH GIA"); a department or public
    service unit shows its people's committee above its own name ("UBND HUYỆN BÌNH GIA" / "PHÒNG NỘI VỤ").
    """
    if unit.kind == UnitKind.people_committee:
        rest = _strip_prefix(unit.name, _BODY_PREFIXES).strip()
        return "", ["ỦY BAN NHÂN DÂN", upper(rest)]
    governing = ""
    if parent is not None:
        governing = "UBND " + upper(_strip_prefix(parent.name, _BODY_PREFIXES).strip())
    return governing, [upper(unit.short_name or unit.name)]


def symbol(unit: OrgUnit) -> str:
    """Ký hiệu of a report: "BC-UBND" for a people's committee, "BC-<unit code suffix>" otherwise ([B])."""
    if unit.kind == UnitKind.people_committee:
        return "BC-UBND"
    return "BC-" + unit.code.rsplit(".", 1)[-1]


def document_number(report_number: str | None, sym: str) -> str:
    """``"12/BC-UBND"``; without a number the văn thư fills it at issue: ``"     /BC-UBND"``."""
    if report_number and "/" in report_number:
        return report_number
    if report_number:
        return f"{report_number}/{sym}"
    return f"{' ' * 6}/{sym}"


def signature_lines(unit: OrgUnit, signer_title: str | None) -> list[str]:
    """Quyền hạn and chức vụ lines: "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" …"""
    title = upper(signer_title).strip()
    if unit.kind == UnitKind.people_committee:
        head = "CHỦ TỊCH"
        if title.startswith("PHÓ"):
            return ["TM. ỦY BAN NHÂN DÂN", f"KT. {head}", title.split(" UBND")[0]]
        return ["TM. ỦY BAN NHÂN DÂN", head]
    if title.startswith("PHÓ "):
        return [f"KT. {title[4:]}", title]
    return [title or "THỦ TRƯỞNG ĐƠN VỊ"]


def cell(value: Any) -> str:
    return "" if value is None else str(value)
