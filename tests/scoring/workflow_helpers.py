"""Factories for the scoring workflow tests: a small commune framework written to the database, and HTTP helpers
for rounds, sheets, scores and transitions (each sends the sheet's current ETag, read as the same caller)."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import (
    Framework,
    FrameworkKind,
    FrameworkNode,
    FrameworkStatus,
    OrgUnit,
    ScoringMethod,
)

V1 = "/api/v1"
SELF = (date(2024, 10, 1), date(2024, 10, 31))  # the tests' reference date is 15/10/2024
APPRAISAL = (date(2024, 10, 1), date(2024, 11, 30))


def unit(session: Session, code: str) -> OrgUnit:
    u = session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()
    session.commit()  # end the test's read: SQLite writers take the lock at BEGIN
    return u


def make_framework(
    session: Session,
    *,
    owner: OrgUnit,
    code: str = "CCHC_XA_TEST",
    status: FrameworkStatus = FrameworkStatus.published,
) -> tuple[Framework, dict[str, FrameworkNode]]:
    """Lĩnh vực 1 (1.1 options 0 / 0,25 / 0,5; 1.2 thresholds over %; 1.3 manual) and lĩnh vực 2 (2.1 deduction;
    2.2 survey-scored, not self-scored). Scorable: 1.1, 1.2, 1.3, 2.1."""
    fw = Framework(
        code=code,
        name=f"Chỉ số CCHC cấp xã thử {code}",
        kind=FrameworkKind.local_index,
        valid_from_year=2024,
        valid_to_year=2025,
        status=status,
        scale=5,
        owner_unit_id=owner.id,
        applicability={"levels": ["commune"], "kinds": []},
        provenance="test",
    )
    session.add(fw)
    session.flush()
    nodes: dict[str, FrameworkNode] = {}

    def add(code: str, parent: str | None, max_points: float, order: int, **kw: Any) -> None:
        p = nodes.get(parent) if parent else None
        n = FrameworkNode(
            framework_id=fw.id or 0,
            parent_id=p.id if p else None,
            code=code,
            title=f"Tiêu chí {code}",
            max_points=max_points,
            depth=(p.depth + 1) if p else 0,
            order=order,
            **kw,
        )
        session.add(n)
        session.flush()
        n.path = f"{p.path if p else '/'}{n.id}/"
        nodes[code] = n

    add("1", None, 2.5, 1, level_name="Lĩnh vực")
    add("2", None, 2.5, 2, level_name="Lĩnh vực")
    add("1.1", "1", 0.5, 1, scoring={"kind": "options", "options": [
        {"label": "Không ban hành", "points": 0}, {"label": "Ban hành chậm", "points": 0.25},
        {"label": "Ban hành đúng hạn", "points": 0.5}]})  # fmt: skip
    add("1.2", "1", 1, 2, scoring={"kind": "thresholds", "value_unit": "%", "value_label": "Tỷ lệ hồ sơ đúng hạn",
        "thresholds": [{"min_value": 98, "points": 1}, {"min_value": 90, "points": 0.5}]})  # fmt: skip
    add("1.3", "1", 1, 3)
    add(
        "2.1",
        "2",
        1.5,
        1,
        scoring={"kind": "deduction", "per_unit": 0.25, "value_label": "Số lần chậm báo cáo"},
    )
    add("2.2", "2", 1, 2, scoring_method=ScoringMethod.survey)
    session.flush()
    return fw, nodes


def create_round(
    client: TestClient,
    headers: dict[str, str],
    *,
    framework_id: int,
    owner_unit_id: int,
    unit_ids: list[int] | None = None,
    year: int = 2024,
    self_window: tuple[date, date] = SELF,
    appraisal_window: tuple[date, date] = APPRAISAL,
    expect: int = 201,
) -> Any:
    body: dict[str, Any] = {
        "framework_id": framework_id,
        "owner_unit_id": owner_unit_id,
        "year": year,
        "name": f"Đánh giá Chỉ số CCHC năm {year}",
        "self_start_date": self_window[0].isoformat(),
        "self_end_date": self_window[1].isoformat(),
        "appraisal_start_date": appraisal_window[0].isoformat(),
        "appraisal_end_date": appraisal_window[1].isoformat(),
    }
    if unit_ids is not None:
        body["unit_ids"] = unit_ids
    r = client.post(f"{V1}/assessment-rounds", json=body, headers=headers)
    assert r.status_code == expect, r.text
    return r.json()


def sheet_id_of(client: TestClient, headers: dict[str, str], round_id: int, unit_id: int) -> int:
    r = client.get(
        f"{V1}/assessment-sheets", params={"round_id": round_id, "unit_id": unit_id}, headers=headers
    )
    assert r.status_code == 200, r.text
    (item,) = r.json()["items"]
    return int(item["id"])


def get_sheet(client: TestClient, headers: dict[str, str], sheet_id: int, expect: int = 200) -> Any:
    r = client.get(f"{V1}/assessment-sheets/{sheet_id}", headers=headers)
    assert r.status_code == expect, r.text
    return r.json()


def _etag(client: TestClient, headers: dict[str, str], sheet_id: int) -> str:
    return client.get(f"{V1}/assessment-sheets/{sheet_id}", headers=headers).headers.get("etag", '"x"')


def act(
    client: TestClient,
    headers: dict[str, str],
    sheet_id: int,
    action: str,
    json: Any = None,
    expect: int = 200,
) -> Any:
    """POST a transition (``submit``, ``return``, ``appraise``, ``approve``, ``reopen``, ``appraisals/accept``)."""
    r = client.post(
        f"{V1}/assessment-sheets/{sheet_id}/{action}",
        json=json,
        headers={**headers, "If-Match": _etag(client, headers, sheet_id)},
    )
    assert r.status_code == expect, r.text
    return r.json()


def score(
    client: TestClient, headers: dict[str, str], sheet_id: int, node_id: int, body: Any, expect: int = 200
) -> Any:
    r = client.put(
        f"{V1}/assessment-sheets/{sheet_id}/scores/{node_id}",
        json=body,
        headers={**headers, "If-Match": _etag(client, headers, sheet_id)},
    )
    assert r.status_code == expect, r.text
    return r.json()


def appraise(
    client: TestClient, headers: dict[str, str], sheet_id: int, node_id: int, body: Any, expect: int = 200
) -> Any:
    r = client.put(
        f"{V1}/assessment-sheets/{sheet_id}/appraisals/{node_id}",
        json=body,
        headers={**headers, "If-Match": _etag(client, headers, sheet_id)},
    )
    assert r.status_code == expect, r.text
    return r.json()


def node(detail: Any, code: str) -> Any:
    return next(n for n in detail["nodes"] if n["code"] == code)


def fill_all(
    client: TestClient, headers: dict[str, str], sheet_id: int, nodes: dict[str, FrameworkNode]
) -> Any:
    """Score every scorable node (0,25 + 0,5 + 1 on lĩnh vực 1, 1 deduction on 2.1 → 1,25) with a giải trình."""
    why = {"explanation": "Chưa số hóa tài liệu, đã lưu bản giấy tại văn phòng"}
    score(client, headers, sheet_id, nodes["1.1"].id or 0, {"option_index": 1, **why})
    score(client, headers, sheet_id, nodes["1.2"].id or 0, {"measured_value": "95", **why})
    score(client, headers, sheet_id, nodes["1.3"].id or 0, {"manual_points": "1", **why})
    return score(client, headers, sheet_id, nodes["2.1"].id or 0, {"measured_value": 1, **why})
