"""Round results and ranking, sheet results: exact totals, ties, bands at edges, visibility, year over year."""

from decimal import Decimal

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.models import RoundStatus, SheetStatus
from api.scoring.results import band_for, bands_of, competition_ranks
from api.scoring.results_schemas import RoundResults
from tests.dashboards.test_summary import count_statements
from tests.scoring.results_helpers import API, BANDS, framework, round_, sheet, unit

X = "LS.BG.X."


def _round_world(session: Session, status: RoundStatus = RoundStatus.open) -> dict[str, int]:
    f = framework(session, "R")
    rid = round_(session, f["id"], status=status)
    ids = {"fw": f["id"], "round": rid}
    # Hoa Thám: 0,25 + 0,5 + 6 = 6,75 self; appraised 2.1 down to 5,5 → 6,25
    ids["hoatham"] = sheet(session, rid, X + "HOATHAM", SheetStatus.appraised,
                           {f["1.1"]: ("0.25", None), f["1.2"]: ("0.5", None), f["2.1"]: ("6", "5.5")})  # fmt: skip
    # Tân Văn and Bình La tie at 6,25 (rank 1, 1); Hòa Bình 3 (rank 3)
    ids["tanvan"] = sheet(session, rid, X + "TANVAN", SheetStatus.submitted,
                          {f["1.1"]: ("1.25", None), f["2.1"]: ("5", None)})  # fmt: skip
    ids["binhla"] = sheet(session, rid, X + "BINHLA", SheetStatus.approved,
                          {f["1.1"]: ("2", "1"), f["2.1"]: ("5.25", None)})  # fmt: skip
    ids["hoabinh"] = sheet(session, rid, X + "HOABINH", SheetStatus.under_appraisal, {f["2.1"]: ("3", None)})
    # not submitted: listed after the ranked units, with their status, never ranked
    ids["hongphong"] = sheet(session, rid, X + "HONGPHONG", SheetStatus.in_progress, {f["2.1"]: ("6", None)})
    ids["mongan"] = sheet(session, rid, X + "MONGAN", SheetStatus.not_started, {})
    session.commit()
    return ids


def test_ranking_ties_totals_and_not_submitted(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _round_world(session)
    r = client.get(f"{API}/assessment-rounds/{ids['round']}/results", headers=auth("noivu"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["complete"] is True and body["units_in_round"] == 6
    assert body["max_points"] == "10"
    rows = [
        (u["unit_code"].removeprefix(X), u["rank"], u["appraised_points"], u["status"]) for u in body["units"]
    ]
    assert rows == [
        ("BINHLA", 1, "6.25", "approved"),
        ("HOATHAM", 1, "6.25", "appraised"),
        ("TANVAN", 1, "6.25", "submitted"),
        ("HOABINH", 4, "3", "under_appraisal"),
        ("HONGPHONG", None, "6", "in_progress"),
        ("MONGAN", None, "0", "not_started"),
    ]
    hoatham = next(u for u in body["units"] if u["unit_code"].endswith("HOATHAM"))
    assert hoatham["self_points"] == "6.75"  # 0,25 + 0,5 + 6 exactly
    assert hoatham["percent"] == "62.50"
    assert hoatham["band"]["code"] == "C" and hoatham["band"]["verified"] is True
    assert hoatham["scored"] == 3
    assert [a["code"] for a in body["areas"]] == ["1", "2"]
    assert hoatham["area_points"] == ["0.75", "5.5"] and hoatham["area_percent"] == ["18.75", "91.67"]
    assert "areas" not in hoatham  # the exports' keyed copy stays inside the service
    mongan = body["units"][-1]
    assert mongan["ranked"] is False and mongan["band"] is None and mongan["area_points"] == [None, None]
    # served without re-validation (speed): the bytes must be what the documented model gives for the same data
    assert body == RoundResults.model_validate(body).model_dump(mode="json")
    assert r.headers["content-type"] == "application/json"
    assert (body["total"], body["limit"], body["offset"]) == (6, 50, 0)


def test_ranking_pages_keep_ranks_of_the_whole_round(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _round_world(session)
    url = f"{API}/assessment-rounds/{ids['round']}/results"
    r = client.get(url, headers=auth("noivu"), params={"limit": 2, "offset": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    rows = [(u["unit_code"].removeprefix(X), u["rank"]) for u in body["units"]]
    assert rows == [("TANVAN", 1), ("HOABINH", 4)]  # ties ranked on every unit, not on the page
    assert (body["total"], body["limit"], body["offset"]) == (6, 2, 2)
    last = client.get(url, headers=auth("noivu"), params={"limit": 2, "offset": 4}).json()
    assert [u["unit_code"].removeprefix(X) for u in last["units"]] == ["HONGPHONG", "MONGAN"]
    assert client.get(url, headers=auth("noivu"), params={"offset": 6}).json()["units"] == []
    bad = client.get(url, headers=auth("noivu"), params={"limit": 0})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


def test_competition_ranks_and_band_edges() -> None:
    assert competition_ranks([9, 9, 7, 7, 7, 1]) == [1, 1, 3, 3, 3, 6]
    assert competition_ranks([]) == []

    class Fw:
        ranking_bands = BANDS

    bands = bands_of(Fw())  # type: ignore[arg-type]
    code = lambda pts, mx=10_000: (band_for(bands, pts, mx) or {}).get("code")  # noqa: E731
    assert code(9_000) == "A"  # 90 % inclusive
    assert code(8_999) == "B"  # 89,99 %: below A's minimum even if it rounds to 90,0
    assert code(8_000) == "B"
    assert code(7_999) == "C"
    assert code(5_000) == "C"
    assert code(4_999) == "D"
    assert code(0) == "D"
    assert code(10_000) == "A"
    assert band_for(bands, 10, None) is None
    # exactness: 2/3 of a point is 66,666… % (C), never a float artefact
    assert code(2_000, 3_000) == "C"


def test_statements_do_not_grow_with_units(client: TestClient, session: Session, db: sa.Engine, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _round_world(session)
    h = auth("noivu")
    with count_statements(db) as small:
        assert client.get(f"{API}/assessment-rounds/{ids['round']}/results", headers=h).status_code == 200
    f_nodes = framework(session, "MORE")  # another framework: nodes that the round must not read
    for code in ("HOANGVANTHU", "HONGTHAI", "HUNGDAO", "MINHKHAI", "QUANGTRUNG"):
        sheet(session, ids["round"], X + code, SheetStatus.submitted, {})
    session.commit()
    assert f_nodes
    with count_statements(db) as big:
        r = client.get(f"{API}/assessment-rounds/{ids['round']}/results", headers=h)
    assert r.status_code == 200 and len(r.json()["units"]) == 11
    assert len(big) == len(small), (small, big)


def test_before_publication_a_commune_sees_only_its_own(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _round_world(session)
    r = client.get(f"{API}/assessment-rounds/{ids['round']}/results", headers=auth("chutich.hoatham"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [u["sheet_id"] for u in body["units"]] == [ids["hoatham"]]
    assert body["complete"] is False and body["units"][0]["rank"] is None  # no rank from a partial view
    # against the database: the round holds 6 sheets, the commune is shown exactly the one of its own unit
    hoatham = unit(session, X + "HOATHAM")
    assert all(u["unit_id"] == hoatham.id for u in body["units"])
    # another commune's sheet results: not found
    r = client.get(f"{API}/assessment-sheets/{ids['tanvan']}/results", headers=auth("chutich.hoatham"))
    assert r.status_code == 404


def test_after_publication_every_user_under_the_owner_sees_the_ranking(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    ids = _round_world(session, RoundStatus.published)
    r = client.get(f"{API}/assessment-rounds/{ids['round']}/results", headers=auth("canbo.hoatham"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["complete"] is True and len(body["units"]) == 6
    assert [u["rank"] for u in body["units"][:4]] == [1, 1, 1, 4]
    # a department under the same district also sees it (results:read, under the owner)
    assert (
        client.get(f"{API}/assessment-rounds/{ids['round']}/results", headers=auth("canbo.vhtt")).status_code
        == 200
    )


def test_sheet_results_levels_official_and_year_over_year(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    from api.models import OfficialResult

    old = framework(session, "OLD")
    new = framework(
        session, "NEW", cloned_from={"id": old["id"], **{c: old[c] for c in ("1", "1.1", "1.2", "2", "2.1")}}
    )
    r_old = round_(session, old["id"], year=2023, status=RoundStatus.published)
    r_new = round_(session, new["id"], year=2024)
    sheet(
        session,
        r_old,
        X + "HOATHAM",
        SheetStatus.published,
        {old["1.1"]: ("1", None), old["2.1"]: ("3", "2.5")},
    )
    sid = sheet(session, r_new, X + "HOATHAM", SheetStatus.approved,
                {new["1.1"]: ("2", None), new["1.2"]: ("0.5", None), new["2.1"]: ("6", "4.5")})  # fmt: skip
    hoatham = unit(session, X + "HOATHAM").id or 0
    session.add(OfficialResult(unit_id=hoatham, framework_id=new["id"], year=2024, node_code="", points_milli=6_500,
                               percent_milli=65_000, rank=2, source="QĐ 1/QĐ-UBND"))  # fmt: skip
    session.add(OfficialResult(unit_id=hoatham, framework_id=new["id"], year=2024, node_id=new["2.1"],
                               node_code="2.1", points_milli=4_000))  # fmt: skip
    session.commit()
    r = client.get(f"{API}/assessment-sheets/{sid}/results", headers=auth("chutich.hoatham"))
    assert r.status_code == 200, r.text
    body = r.json()
    by_code = {n["code"]: n for n in body["nodes"]}
    assert [n["code"] for n in body["nodes"]] == ["1", "1.1", "1.2", "2", "2.1"]
    assert by_code["1"]["self_points"] == "2.5" and by_code["1"]["percent"] == "62.50"
    assert by_code["2.1"]["appraised_points"] == "4.5" and by_code["2.1"]["self_points"] == "6"
    assert body["total"]["appraised_points"] == "7" and body["total"]["self_points"] == "8.5"
    assert body["total"]["official"] == {"points": "6.5", "percent": "65", "rank": 2, "source": "QĐ 1/QĐ-UBND",
                                         "gap": "-0.5"}  # fmt: skip
    assert by_code["2.1"]["official"]["gap"] == "-0.5"
    assert by_code["1.2"]["official"] is None
    # year over year through the clone mapping: 2023 had 1 on 1.1 and 2,5 (appraised) on 2.1
    assert body["previous_sheet"]["year"] == 2023
    assert by_code["1.1"]["previous"]["points"] == "1" and by_code["1.1"]["previous"]["change"] == "1"
    assert by_code["2.1"]["previous"]["change"] == "2"
    assert by_code["1.2"]["previous"]["points"] is None
    assert body["total"]["previous"]["points"] == "3.5" and body["total"]["previous"]["change"] == "3.5"
    assert body["total"]["previous"]["percent_change"] == "35.00"
    # weakest criteria: lowest % among leaves with a known max (1.2: 25 %, 2.1: 75 %, 1.1: 100 %)
    assert [w["code"] for w in body["weakest"]] == ["1.2", "2.1", "1.1"]
    assert Decimal(body["weakest"][0]["percent"]) == Decimal(25)


def test_fast_percent_is_the_exact_half_up_percent() -> None:
    """The integer path the ranking and points at risk use gives :func:`percent` for every value, at the .5 edges
    (1/8 = 12,5 % → 12.50; 1/3 → 33.33; 2/3 → 66.67; 0,005 % → 0.01), negatives (deductions) and an unknown max."""
    from api.scoring.points import percent
    from api.scoring.results import fast_percent

    cases = [(p, m) for m in (1, 3, 8, 125, 1000, 12_345, 100_000) for p in range(-m - 7, m + 8, max(1, m // 97))]
    cases += [(1, 20_000), (1, 20_001), (5, 1000), (0, 0), (10, 0), (None, 100)]
    for p, m in cases:
        assert fast_percent(p, m) == percent(p, m), (p, m)
    assert str(fast_percent(1, 8)) == "12.50" and str(fast_percent(2, 3)) == "66.67"
    assert fast_percent(1, 20_000) == Decimal("0.01") and fast_percent(-1, 8) == Decimal("-12.50")
