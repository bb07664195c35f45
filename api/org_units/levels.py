"""Names that follow the level of the unit that owns a plan or a report period.

Since 01/7/2025 local government has two levels (tỉnh, xã; domain.md §4.3): a plan may be owned by a province (Sở
Nội vụ runs it), by a district of the past (Phòng Nội vụ, e.g. Bình Gia 2024) or by a commune (its Phòng Văn hóa –
Xã hội holds the nội vụ functions [B]). Exports, messages and role names on screen take their words from here, so
nothing says "huyện" where no district exists. Role keys (``district_admin``…) stay stable for API clients.
"""

from dataclasses import dataclass
from typing import Protocol, TypeVar

from api.models import Role, UnitKind, UnitLevel


class UnitLike(Protocol):
    """What these words read of a unit: an ``OrgUnit`` or the few columns of one (``/me``)."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def level(self) -> UnitLevel: ...
    @property
    def kind(self) -> UnitKind: ...
    @property
    def path(self) -> str: ...


U = TypeVar("U", bound=UnitLike)


@dataclass(frozen=True)
class LevelTerms:
    committee: str  # UBND tỉnh / UBND huyện / UBND xã (phường)
    home_affairs: str  # the body that runs the plan and receives reports
    home_affairs_code: str  # its code in "Lưu: VT, …."
    chair: str
    party: str  # Thường trực cấp ủy
    council: str  # Thường trực HĐND
    aggregate_report: str  # the owner's aggregated report


def _commune_word(unit: UnitLike) -> str:
    return "phường" if "phường" in unit.name.lower() else "xã"


def terms(unit: UnitLike) -> LevelTerms:
    """The words of ``unit``'s level (for a commune office, those of its commune's level)."""
    if unit.level == UnitLevel.province:
        return LevelTerms(
            "UBND tỉnh",
            "Sở Nội vụ",
            "SNV",
            "Chủ tịch UBND tỉnh",
            "Thường trực Tỉnh ủy",
            "Thường trực HĐND tỉnh",
            "báo cáo tổng hợp của tỉnh",
        )
    if unit.level == UnitLevel.district:
        return LevelTerms(
            "UBND huyện",
            "Phòng Nội vụ",
            "NV",
            "Chủ tịch UBND huyện",
            "Thường trực Huyện ủy",
            "Thường trực HĐND huyện",
            "báo cáo tổng hợp của huyện",
        )
    word = _commune_word(unit)
    return LevelTerms(
        f"UBND {word}",
        "Phòng Văn hóa – Xã hội",
        "VHXH",
        f"Chủ tịch UBND {word}",
        f"Thường trực Đảng ủy {word}",
        f"Thường trực HĐND {word}",
        f"báo cáo tổng hợp của {word}",
    )


def role_label(role: Role, unit: UnitLike) -> str:
    """A role's name on screen at ``unit`` (``district_admin`` at a province is "Sở Nội vụ")."""
    t = terms(unit)
    people_committee = unit.kind == UnitKind.people_committee
    labels = {
        Role.admin: "Quản trị hệ thống",
        Role.district_admin: f"{t.home_affairs} (quản lý kế hoạch, báo cáo)",
        Role.leader: t.chair if people_committee else "Lãnh đạo",
        Role.unit_head: t.chair
        if people_committee and unit.level == UnitLevel.commune
        else "Thủ trưởng đơn vị",
        Role.unit_officer: "Công chức",
        Role.observer: f"{t.party}, {t.council} (xem)",
        Role.integration: "Tích hợp (mã truy cập API)",
    }
    return labels[role]


# Roles that work at their own people's committee (they run its plan, review, read its dashboard); the others work
# under the committee above their unit (a commune head reports to whoever owns the plan: the province since 2025).
_OWN_COMMITTEE_ROLES = {Role.admin, Role.district_admin, Role.leader, Role.observer, Role.integration}


def path_ids(unit: UnitLike) -> list[int]:
    """Ids of ``unit`` and its ancestors, nearest first (from the materialised path)."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    if unit.id is not None and unit.id not in ids:
        ids.append(unit.id)
    return list(reversed(ids))


def owner_unit(role: Role, unit: U, lineage: dict[int, U]) -> U:
    """The people's committee whose plan and report periods a membership works under, so the SPA can word its
    screens by that committee's level ("Sở Nội vụ" for a commune of 2026, "Phòng Nội vụ" for one of Bình Gia 2024).

    ``lineage`` holds ``unit``'s ancestors by id (missing ones are skipped)."""
    chain = [lineage[i] for i in path_ids(unit) if i in lineage] or [unit]
    committees = [u for u in chain if u.kind == UnitKind.people_committee]
    if role in _OWN_COMMITTEE_ROLES:
        return committees[0] if committees else unit
    above = [u for u in committees if u.id != unit.id]
    return above[0] if above else (committees[0] if committees else unit)


# A level's name after "cấp" in messages ("đơn vị cấp xã").
LEVEL_VI: dict[UnitLevel, str] = {
    UnitLevel.province: "tỉnh",
    UnitLevel.district: "huyện",
    UnitLevel.commune: "xã",
}
