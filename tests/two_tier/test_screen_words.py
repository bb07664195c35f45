"""/me tells the SPA whose words to use: the level of the people's committee that owns the plan and the report
periods a membership works under (the province for a commune of 2026, the district for a commune of Bình Gia 2024,
the commune for its own offices)."""

from tests.two_tier.conftest import LS


def _owner(ls: LS, username: str) -> tuple[str, str]:
    m = ls.get("/me", username).json()["memberships"][0]
    return m["owner_level"], m["owner_name"]


def test_owner_level_of_2026_memberships(ls: LS) -> None:
    province = ls.unit("LS").name
    assert _owner(ls, "sonoivu") == ("province", province)
    assert _owner(ls, "chutich.tinh") == ("province", province)
    # a commune head reports straight to Sở Nội vụ: no district in between
    assert _owner(ls, "chutich.hvt") == ("province", province)
    assert _owner(ls, "canbo.tamthanh") == ("province", province)
    # the commune runs its own plan for its offices
    assert _owner(ls, "vhxh.binhgia") == ("commune", ls.unit("LS.X.BINHGIA").name)
    assert _owner(ls, "canbo.tthcc.binhgia") == ("commune", ls.unit("LS.X.BINHGIA").name)


def test_owner_level_of_2024_memberships_unchanged(ls: LS) -> None:
    district = ls.unit("LS.BG").name
    assert _owner(ls, "noivu") == ("district", district)
    assert _owner(ls, "chutich.hoatham") == ("district", district)
