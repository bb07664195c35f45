"""Demo data for huyện Bình Gia: units, accounts for every role, frameworks and the 2024 plan (idempotent)."""

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from api.db import write_session
from api.models import Membership, OrgUnit, Role, SuccessionKind, UnitSuccession, User

DATA = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "BinhGia@2024"

# (username, full name, role, unit code, what they do)
DEMO_ACCOUNTS: list[tuple[str, str, Role, str, str]] = [
    ("admin", "Quản trị hệ thống", Role.admin, "LS", "Quản trị hệ thống / system administrator"),
    (
        "noivu",
        "Hoàng Thị Lan (Phòng Nội vụ)",
        Role.district_admin,
        "LS.BG",
        "Phòng Nội vụ: kế hoạch, duyệt, báo cáo / plans, review, reports",
    ),
    ("chutich", "Nguyễn Mạnh Tuấn", Role.leader, "LS.BG", "Chủ tịch UBND huyện / district chairman"),
    ("huyenuy", "Thường trực Huyện ủy", Role.observer, "LS.BG", "Quan sát / observer (read-only)"),
    (
        "truongphong.vhtt",
        "Lương Văn Hùng",
        Role.unit_head,
        "LS.BG.VHTT",
        "Trưởng phòng Văn hóa và Thông tin / department head",
    ),
    (
        "canbo.vhtt",
        "Vi Thị Hoa",
        Role.unit_officer,
        "LS.BG.VHTT",
        "Công chức Phòng VH&TT / department officer",
    ),
    (
        "chutich.hoatham",
        "Hoàng Văn Minh",
        Role.unit_head,
        "LS.BG.X.HOATHAM",
        "Chủ tịch UBND xã Hoa Thám / commune head",
    ),
    (
        "canbo.hoatham",
        "Nông Thị Thu",
        Role.unit_officer,
        "LS.BG.X.HOATHAM",
        "Công chức xã Hoa Thám / commune officer",
    ),
    (
        "chutich.tanvan",
        "Lộc Văn Bình",
        Role.unit_head,
        "LS.BG.X.TANVAN",
        "Chủ tịch UBND xã Tân Văn / commune head",
    ),
    (
        "canbo.tanvan",
        "Mông Thị Hằng",
        Role.unit_officer,
        "LS.BG.X.TANVAN",
        "Công chức xã Tân Văn / commune officer",
    ),
]


def load_yaml(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def seed_units(session: Session, today: date) -> dict[str, OrgUnit]:
    data = load_yaml("units.yaml")
    existing = {u.code: u for u in session.exec(select(OrgUnit)).all()}
    for row in data["units"]:
        if row["code"] in existing:
            continue
        parent = existing.get(row["parent"]) if row.get("parent") else None
        valid_to = row.get("valid_to")
        unit = OrgUnit(
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name"),
            level=row["level"],
            kind=row["kind"],
            parent_id=parent.id if parent else None,
            valid_from=row.get("valid_from"),
            valid_to=valid_to,
            is_active=valid_to is None or valid_to >= today,
            verified=bool(row.get("verified", True)),
            source_note=row.get("source_note"),
        )
        session.add(unit)
        session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        session.add(unit)
        existing[unit.code] = unit
    session.flush()
    have = {(s.from_unit_id, s.to_unit_id, s.kind) for s in session.exec(select(UnitSuccession)).all()}
    for row in data.get("successions", []):
        a, b = existing[row["from"]], existing[row["to"]]
        key = (a.id, b.id, SuccessionKind(row["kind"]))
        if key in have:
            continue
        session.add(
            UnitSuccession(
                from_unit_id=a.id or 0,
                to_unit_id=b.id or 0,
                kind=row["kind"],
                effective_date=row["date"],
                legal_basis=row.get("legal_basis"),
                verified=bool(row.get("verified", True)),
                note=row.get("note"),
            )
        )
    session.flush()
    return existing


def seed_users(session: Session, units: dict[str, OrgUnit]) -> int:
    from api.auth.security import hash_password

    created = 0
    pw_hash = None
    names = [a[0] for a in DEMO_ACCOUNTS]
    have = set(session.exec(select(User.username).where(col(User.username).in_(names))).all())
    for username, full_name, role, unit_code, _ in DEMO_ACCOUNTS:
        if username in have:
            continue
        pw_hash = pw_hash or hash_password(DEMO_PASSWORD)
        user = User(username=username, full_name=full_name, password_hash=pw_hash)
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id or 0, unit_id=units[unit_code].id or 0, role=role))
        created += 1
    session.flush()
    return created


def seed(session: Session | None = None) -> bool:
    """Load everything missing; returns True when demo accounts were created now (first start)."""
    from api.config import get_settings

    settings = get_settings()
    own = session is None
    s = session or write_session()
    try:
        units = seed_units(s, settings.today())
        created = seed_users(s, units)
        _seed_optional(s, units, settings)
        if own:
            s.commit()
        return created > 0
    finally:
        if own:
            s.close()


def _seed_optional(session: Session, units: dict[str, OrgUnit], settings: Any) -> None:
    """Frameworks, the plan, reporting periods, the index round and the plan's evidence, once their modules exist."""
    import importlib

    for module, func in (
        ("api.frameworks.seed", "seed_frameworks"),
        ("api.plans.seed", "seed_plan"),
        ("api.reports.seed", "seed_periods"),
        ("api.scoring.seed", "seed_round"),
        ("api.evidence.seed", "seed_evidence"),
        ("api.activities.seed", "seed_activities"),  # inspections, outreach, accountability of 2024 (issue 16)
        ("api.surveys.seed", "seed_surveys"),  # the default SIPAS survey; Bình Gia's desks and answers
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        getattr(mod, func)(session, units=units, settings=settings)


def print_accounts() -> None:
    print(f"\nTài khoản dùng thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD})")
    for username, _name, role, unit_code, what in DEMO_ACCOUNTS:
        print(f"  {username:<18} {role.value:<15} {unit_code:<18} {what}")
    print()
