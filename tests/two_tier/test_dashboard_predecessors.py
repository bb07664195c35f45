"""Past figures roll up into the successor's history where the user asks: ``include_predecessors=true`` on
``GET /dashboards/summary`` and ``/dashboards/trend`` counts, for a ``unit_id``, the units merged (or renamed) into
it, transitively — only those the caller reaches (scope), each still listed under its own name."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import func, select

from api.models import Assignment, SuccessionKind, UnitSuccession
from tests.two_tier.conftest import LS

NEW = "LS.X.BINHGIA"
MERGED = ("LS.BG.TTBG", "LS.BG.X.HOANGVANTHU", "LS.BG.X.MONGAN")  # NQ 1672: merged into the new xã Bình Gia


def _count(ls: LS, codes: tuple[str, ...]) -> int:
    ids = [ls.unit(c).id for c in codes]
    n = ls.session.exec(select(func.count()).select_from(Assignment).where(Assignment.unit_id.in_(ids))).one()  # type: ignore[union-attr]
    ls.session.commit()
    return int(n)


def _summary(ls: LS, user: str, **params: object) -> dict:  # type: ignore[type-arg]
    r = ls.get("/dashboards/summary", user, params={"unit_id": ls.unit(NEW).id, "limit": 5000, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _due_at_end(ls: LS, user: str, **params: object) -> int:
    r = ls.get(
        "/dashboards/trend",
        user,
        params={"unit_id": ls.unit(NEW).id, "date_from": "2024-01-01", **params},
    )
    assert r.status_code == 200, r.text
    return int(r.json()["points"][-1]["due"])


def test_province_sees_the_merged_communes_roll_up(ls: LS) -> None:
    own, old = _count(ls, (NEW,)), _count(ls, MERGED)
    assert old > 0  # the 2024 Bình Gia plan's assignments of the dissolved district's communes

    plain = _summary(ls, "sonoivu")
    assert plain["total"] == own
    assert [u["code"] for u in plain["by_unit"]] == ([NEW] if own else [])

    rolled = _summary(ls, "sonoivu", include_predecessors="true")
    assert rolled["total"] == own + old
    # Past figures stay under their own names: one row per unit, the old communes included.
    codes = {u["code"] for u in rolled["by_unit"]}
    assert set(MERGED) <= codes <= {NEW, *MERGED}
    assert sum(u["total"] for u in rolled["by_unit"]) == own + old

    assert _due_at_end(ls, "sonoivu", include_predecessors="true") > _due_at_end(ls, "sonoivu")


def test_a_commune_head_does_not_reach_the_old_communes(ls: LS) -> None:
    """The new commune's head has no grant on the dissolved district's communes: asking changes nothing."""
    plain = _summary(ls, "chutich.binhgia")
    rolled = _summary(ls, "chutich.binhgia", include_predecessors="true")
    assert rolled["total"] == plain["total"] == _count(ls, (NEW,))
    assert {u["code"] for u in rolled["by_unit"]} <= {NEW}
    assert _due_at_end(ls, "chutich.binhgia", include_predecessors="true") == _due_at_end(
        ls, "chutich.binhgia"
    )


def test_successions_are_followed_transitively(ls: LS, db: sa.Engine) -> None:
    """A unit merged into one that was itself merged later counts too (a test-only link)."""
    before = _summary(ls, "sonoivu", include_predecessors="true")["total"]
    ls.session.add(
        UnitSuccession(
            from_unit_id=ls.unit("LS.BG.X.TANVAN").id or 0,
            to_unit_id=ls.unit("LS.BG.X.MONGAN").id or 0,
            kind=SuccessionKind.merged_into,
            effective_date=date(2020, 1, 1),
        )
    )
    ls.session.commit()
    after = _summary(ls, "sonoivu", include_predecessors="true")
    assert after["total"] == before + _count(ls, ("LS.BG.X.TANVAN",))
    assert "LS.BG.X.TANVAN" in {u["code"] for u in after["by_unit"]}
    # Without the option the successor's own figures are unchanged.
    assert _summary(ls, "sonoivu")["total"] == _count(ls, (NEW,))
