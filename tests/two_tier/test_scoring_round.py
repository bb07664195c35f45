"""The 2026 assessment round of the Lạng Sơn communes: owned by the province, 65 commune sheets in several states,
appraised by Sở Nội vụ with no district in between; its texts speak of the province."""

from collections import Counter

from sqlmodel import select

from api.demo.langson2026_scoring import ROUND_NAME
from api.models import AssessmentRound, AssessmentSheet, SheetStatus, User
from tests.two_tier.conftest import LS


def _round(ls: LS) -> AssessmentRound:
    return ls.session.exec(select(AssessmentRound).where(AssessmentRound.name == ROUND_NAME)).one()


def test_province_round_of_the_65_communes(ls: LS) -> None:
    rnd = _round(ls)
    assert rnd.owner_unit_id == ls.unit("LS").id and rnd.year == 2026
    sheets = ls.session.exec(select(AssessmentSheet).where(AssessmentSheet.round_id == rnd.id)).all()
    assert len(sheets) == 65
    states = Counter(s.status for s in sheets)
    assert set(states) >= {
        SheetStatus.not_started,
        SheetStatus.in_progress,
        SheetStatus.submitted,
        SheetStatus.returned,
        SheetStatus.under_appraisal,
        SheetStatus.appraised,
        SheetStatus.approved,
    }
    sonoivu = ls.session.exec(select(User).where(User.username == "sonoivu")).one()
    appraised = [s for s in sheets if s.status in (SheetStatus.appraised, SheetStatus.approved)]
    assert appraised and all(s.appraised_by_id == sonoivu.id for s in appraised)
    assert all(s.appraised_at and s.appraised_at.year == 2026 for s in appraised)
    texts = " ".join(f"{s.recommendations or ''} {s.return_reason or ''}" for s in sheets).lower()
    assert "huyện" not in texts and "phòng nội vụ" not in texts
    assert "sở nội vụ" in texts


def test_so_noi_vu_sees_the_round_and_a_commune_only_its_sheet(ls: LS) -> None:
    rnd = _round(ls)
    r = ls.get(f"/assessment-rounds/{rnd.id}", "sonoivu")
    assert r.status_code == 200, r.text
    listed = ls.get("/assessment-sheets", "sonoivu", params={"round_id": rnd.id, "limit": 100})
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 65
    own = ls.get("/assessment-sheets", "chutich.hvt", params={"round_id": rnd.id, "limit": 100})
    assert own.status_code == 200, own.text
    assert [s["unit_id"] for s in own.json()["items"]] == [ls.unit("LS.X.HOANGVANTHU").id]
    assert own.json()["items"][0]["status"] == "submitted"
