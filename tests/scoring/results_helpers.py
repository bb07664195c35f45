"""Hand-made fixtures of the results / ranking / points-at-risk tests: a tiny framework, a round, sheets, scores.

Framework ``RES_<tag>`` (commune level, scale 10): lĩnh vực "1" (max 4) with leaves "1.1" (max 2) and "1.2"
(max 2); lĩnh vực "2" (max 6) with leaf "2.1" (max 6). Bands: D < 50 ≤ C < 80 ≤ B < 90 ≤ A (A unverified).
"""

from datetime import date
from typing import Any

from sqlmodel import Session, select

from api.models import (
    AssessmentRound,
    AssessmentSheet,
    Framework,
    FrameworkKind,
    FrameworkNode,
    FrameworkStatus,
    OrgUnit,
    RoundStatus,
    Score,
    SheetStatus,
)

API = "/api/v1"
BANDS = [
    {"code": "A", "name": "Xuất sắc", "min_percent": 90, "max_percent": None, "verified": False},
    {"code": "B", "name": "Tốt", "min_percent": 80, "max_percent": 90, "verified": True},
    {"code": "C", "name": "Khá", "min_percent": 50, "max_percent": 80, "verified": True},
    {"code": "D", "name": "Trung bình", "min_percent": None, "max_percent": 50, "verified": True},
]


def unit(session: Session, code: str) -> OrgUnit:
    return session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()


def framework(
    session: Session,
    tag: str,
    *,
    owner: str = "LS.BG",
    maxes: tuple[float | None, ...] = (4, 2, 2, 6, 6),
    cloned_from: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Returns ``{"id": fw_id, "1": node_id, "1.1": …}``; ``cloned_from`` maps codes to the older version's ids."""
    fw = Framework(
        code=f"RES_{tag}",
        name=f"Bộ chỉ số kết quả {tag}",
        kind=FrameworkKind.local_index,
        valid_from_year=2023,
        status=FrameworkStatus.published,
        scale=10,
        owner_unit_id=unit(session, owner).id,
        ranking_bands=BANDS,
        applicability={"levels": ["commune"], "kinds": []},
        cloned_from_id=(cloned_from or {}).get("id"),
    )
    session.add(fw)
    session.flush()
    ids: dict[str, Any] = {"id": fw.id}
    spec = [("1", None, maxes[0]), ("1.1", "1", maxes[1]), ("1.2", "1", maxes[2]), ("2", None, maxes[3]),
            ("2.1", "2", maxes[4])]  # fmt: skip
    for order, (code, parent, mx) in enumerate(spec):
        parent_node = session.get(FrameworkNode, ids[parent]) if parent else None
        n = FrameworkNode(
            framework_id=fw.id or 0,
            parent_id=ids[parent] if parent else None,
            code=code,
            title=f"Tiêu chí {code}",
            depth=0 if parent is None else 1,
            order=order,
            max_points=mx,
            cloned_from_id=(cloned_from or {}).get(code),
        )
        session.add(n)
        session.flush()
        n.path = f"{parent_node.path if parent_node else '/'}{n.id}/"
        ids[code] = n.id
    session.flush()
    return ids


def round_(session: Session, fw_id: int, *, year: int = 2024, status: RoundStatus = RoundStatus.open,
           owner: str = "LS.BG") -> int:  # fmt: skip
    r = AssessmentRound(
        framework_id=fw_id, owner_unit_id=unit(session, owner).id or 0, year=year, name=f"Đợt {year}",
        status=status, self_start_date=date(year, 9, 1), self_end_date=date(year, 10, 31),
        appraisal_start_date=date(year, 11, 1), appraisal_end_date=date(year, 11, 30),
    )  # fmt: skip
    session.add(r)
    session.flush()
    return r.id or 0


def sheet(
    session: Session,
    round_id: int,
    unit_code: str,
    status: SheetStatus,
    scores: dict[int, tuple[str | None, str | None]],
) -> int:
    """``scores``: node id → (self points, appraised points) as decimal text (None = not set)."""
    from api.scoring.points import to_milli

    sh = AssessmentSheet(round_id=round_id, unit_id=unit(session, unit_code).id or 0, status=status)
    session.add(sh)
    session.flush()
    for node_id, (self_p, appr) in scores.items():
        session.add(
            Score(
                sheet_id=sh.id or 0,
                node_id=node_id,
                self_points_milli=None if self_p is None else to_milli(self_p),
                appraised_points_milli=None if appr is None else to_milli(appr),
                explanation="Giải trình",
            )
        )
    session.flush()
    return sh.id or 0
