"""Shared setup of the report-outline tests: CCHC activities around the 2023 Quý III window, indicator values."""

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.reports.helpers import V1, unit

Q3_FROM, Q3_TO = date(2023, 6, 15), date(2023, 9, 14)


def add_activities(session: Session) -> dict[str, int]:
    """Inspections, outreach and accountability sessions of 2023: each kind once inside the Quý III window (15/6 –
    14/9/2023) and once outside it; one more session of another commune inside it (district report only)."""
    from api.models.activity import (
        AccountabilityItem,
        AccountabilitySession,
        Finding,
        Inspection,
        OutreachOutput,
        SessionStatus,
    )

    district, hoatham, tanvan = (unit(session, c) for c in ("LS.BG", "LS.BG.X.HOATHAM", "LS.BG.X.TANVAN"))
    ids: dict[str, int] = {}

    def inspection(key: str, when: date, kind: str, findings: list[str]) -> None:
        i = Inspection(owner_unit_id=district.id or 0, unit_id=hoatham.id or 0, kind=kind, date=when,  # type: ignore[arg-type]
                       team=["Phòng Nội vụ"], areas=["thu_tuc_hanh_chinh"], summary="Kiểm tra CCHC")  # fmt: skip
        session.add(i)
        session.flush()
        for sev in findings:
            session.add(
                Finding(inspection_id=i.id or 0, content=f"Tồn tại {sev}", severity=sev, area="cong_vu")
            )  # type: ignore[arg-type]
        ids[key] = i.id or 0

    inspection("inspection_in", date(2023, 8, 10), "periodic", ["high", "low"])
    inspection("inspection_out", date(2023, 9, 20), "adhoc", ["medium"])

    def outreach(when: date, kind: str, language: str, quantity: int, audience: int) -> None:
        session.add(OutreachOutput(unit_id=hoatham.id or 0, date=when, kind=kind, language=language,  # type: ignore[arg-type]
                                   title="Tuyên truyền CCHC", quantity=quantity, audience=audience))  # fmt: skip

    outreach(date(2023, 7, 1), "loudspeaker", "tay", 4, 300)
    outreach(date(2023, 6, 10), "article", "vi", 9, 0)

    def accountability(key: str, who: Any, when: date, conclusion: str) -> None:
        s = AccountabilitySession(owner_unit_id=district.id or 0, unit_id=who.id or 0, date=when,
                                  chaired_by="Chủ tịch UBND huyện", head_name="Nguyễn Văn A", head_title="Chủ tịch",
                                  conclusion=conclusion, status=SessionStatus.closed)  # fmt: skip
        session.add(s)
        session.flush()
        session.add(AccountabilityItem(session_id=s.id or 0, label="Nhiệm vụ chậm tiến độ", order=1))
        ids[key] = s.id or 0

    accountability("session_in", hoatham, date(2023, 9, 5), "Khắc phục xong trong tháng 10/2023")
    accountability("session_out", hoatham, date(2023, 9, 16), "Ngoài kỳ báo cáo")
    accountability("session_other", tanvan, date(2023, 7, 20), "Tân Văn bổ sung hồ sơ")
    session.commit()
    return ids


def indicators(client: TestClient, headers: dict[str, str], report_id: int) -> dict[str, Any]:
    r = client.get(f"{V1}/reports/{report_id}/indicators", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == r.json()["etag"]
    return r.json()


def by_code(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in table["items"]}


def put_values(
    client: TestClient, headers: dict[str, str], report_id: int, values: dict[str, Any], expect: int = 200
) -> Any:
    """PUT values by indicator code (looked up in the report's own table) with the report's ETag."""
    table = indicators(client, headers, report_id)
    codes = by_code(table)
    body = {"values": [{"indicator_id": codes[c]["indicator_id"], "value": v} for c, v in values.items()]}
    r = client.put(
        f"{V1}/reports/{report_id}/indicators", json=body, headers={**headers, "If-Match": table["etag"]}
    )
    assert r.status_code == expect, r.text
    return r.json()


def vn_to_decimal(text: str) -> Decimal:
    """A DOCX cell written the Vietnamese way back to a number: ``1.234,5`` → 1234.5."""
    return Decimal(text.replace(".", "").replace(",", "."))
