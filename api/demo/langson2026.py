"""Demo "Lạng Sơn 2026": the two-tier government (tỉnh, xã) running the province's plan straight to its sở and
its 65 communes (idempotent, can live in one database with the Bình Gia 2024 demo).

What it loads: the historical Bình Gia tree and its succession links (``units.yaml``, so the 2024 units stay
readable and the reform can be followed), the province's departments (``verified: false`` where the reference has
no source), the 65 communes of NQ 1672/NQ-UBTVQH15 with their four offices each (NĐ 150/2025/NĐ-CP), the
illustrative 2026 plan of UBND tỉnh and a commune's own plan (xã Bình Gia → its offices), the 2026 report periods
of the province and of xã Bình Gia, a few commune reports in every state, and the demo accounts below.
"""

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from api.db import write_session
from api.demo.seed import load_yaml, seed_units
from api.models import Membership, OrgUnit, Role, User

UNITS_FILE = "langson_2026_units.yaml"
PLAN_FILE = "langson_2026_plan.yaml"
COMMUNE_PLAN_FILE = "langson_2026_commune_plan.yaml"
DEMO_PASSWORD = "LangSon@2026"
# The statuses of the demo's assignments are drawn as of this day (the day ``make run`` pins for this demo), so
# the data is the same whenever it is loaded.
REFERENCE_DATE = date(2026, 10, 15)
YEAR = 2026
PROVINCE = "LS"
COMMUNE_PLAN_OWNER = "LS.X.BINHGIA"

# (username, full name, role, unit code, what they do)
DEMO_ACCOUNTS: list[tuple[str, str, Role, str, str]] = [
    (
        "quantri.tinh",
        "Quản trị hệ thống (tỉnh)",
        Role.admin,
        "LS",
        "Quản trị hệ thống / system administrator",
    ),
    (
        "sonoivu",
        "Lý Thị Mai (Sở Nội vụ)",
        Role.district_admin,
        "LS",
        "Sở Nội vụ: kế hoạch của tỉnh, duyệt, báo cáo / plans, review, reports",
    ),
    (
        "chutich.tinh",
        "Chủ tịch UBND tỉnh (demo)",
        Role.leader,
        "LS",
        "Chủ tịch UBND tỉnh / provincial chairman",
    ),
    ("quansat.tinh", "Thường trực Tỉnh ủy (demo)", Role.observer, "LS", "Quan sát / observer (read-only)"),
    (
        "chutich.binhgia",
        "Hoàng Văn Đức",
        Role.unit_head,
        "LS.X.BINHGIA",
        "Chủ tịch UBND xã Bình Gia / commune head",
    ),
    (
        "canbo.binhgia",
        "Nông Thị Hà",
        Role.unit_officer,
        "LS.X.BINHGIA",
        "Công chức xã Bình Gia / commune officer",
    ),
    (
        "vhxh.binhgia",
        "Lăng Văn Sơn",
        Role.district_admin,
        "LS.X.BINHGIA",
        "Phòng Văn hóa – Xã hội xã Bình Gia: kế hoạch của xã / the commune's own plan",
    ),
    (
        "canbo.tthcc.binhgia",
        "Vy Thị Thảo",
        Role.unit_officer,
        "LS.X.BINHGIA.TTHCC",
        "Trung tâm Phục vụ hành chính công xã Bình Gia / commune office officer",
    ),
    ("chutich.hvt", "Chu Văn Tân", Role.unit_head, "LS.X.HOANGVANTHU", "Chủ tịch UBND xã Hoàng Văn Thụ"),
    ("canbo.hvt", "Hoàng Thị Nga", Role.unit_officer, "LS.X.HOANGVANTHU", "Công chức xã Hoàng Văn Thụ"),
    ("chutich.tamthanh", "Đinh Văn Long", Role.unit_head, "LS.P.TAMTHANH", "Chủ tịch UBND phường Tam Thanh"),
    ("canbo.tamthanh", "Lộc Thị Huyền", Role.unit_officer, "LS.P.TAMTHANH", "Công chức phường Tam Thanh"),
]


def unit_rows() -> list[dict[str, Any]]:
    """The 2026 units as flat rows (``units.yaml`` shape): departments, communes, then each commune's offices."""
    data = load_yaml(UNITS_FILE)
    rows: list[dict[str, Any]] = list(data["units"])
    for d in data["departments"]:
        rows.append(
            {
                "code": d["code"],
                "name": d["name"],
                "short_name": d.get("short_name"),
                "level": "province",
                "kind": d.get("kind", "department"),
                "parent": PROVINCE,
                "valid_from": date(2025, 3, 1),
                "verified": False,
                "source_note": data["departments_note"],
            }
        )
    offices = []
    for c in data["communes"]:
        word = "phường" if c["type"] == "phuong" else "xã"
        rows.append(
            {
                "code": c["code"],
                "name": f"UBND {word} {c['name']}",
                "short_name": f"{word.capitalize()} {c['name']}",
                "level": "commune",
                "kind": "people_committee",
                "parent": PROVINCE,
                "valid_from": date(2025, 7, 1),
                "verified": True,
                "source_note": data["communes_note"],
            }
        )
        for o in data["commune_offices"]:
            name = o.get("name_phuong", o["name"]) if word == "phường" else o["name"]
            offices.append(
                {
                    "code": f"{c['code']}.{o['suffix']}",
                    "name": f"{name} {word} {c['name']}",
                    "short_name": o.get("short_name", name),
                    "level": "commune",
                    "kind": o["kind"],
                    "parent": c["code"],
                    "valid_from": date(2025, 7, 1),
                    "verified": True,
                    "source_note": data["commune_offices_note"],
                }
            )
    return rows + offices


def seed_2026_units(session: Session, today: date) -> dict[str, OrgUnit]:
    """History first (the Bình Gia tree and its successions), then the 2026 units whose code is missing."""
    existing = seed_units(session, today)
    for row in unit_rows():
        if row["code"] in existing:
            continue
        parent = existing[row["parent"]] if row.get("parent") else None
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
    return existing


def seed_users(session: Session, units: dict[str, OrgUnit]) -> int:
    from api.auth.security import hash_password

    names = [a[0] for a in DEMO_ACCOUNTS]
    have = set(session.exec(select(User.username).where(col(User.username).in_(names))).all())
    created, pw_hash = 0, None
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


def _system(unit: OrgUnit) -> Any:
    from api.authz.principal import Principal, grant_for_role

    return Principal(
        user_id=None,
        token_id=None,
        name="Dữ liệu mẫu (seed)",
        grants=(grant_for_role(unit.id or 0, unit.path, Role.district_admin),),
    )


def seed_periods_and_reports(session: Session, units: dict[str, OrgUnit]) -> None:
    """2026 periods of the province and of xã Bình Gia; Quý III reports of a few communes in every state."""
    from api.models import PeriodKind, Report
    from api.reports import periods
    from api.reports import service as reports
    from api.reports.schemas import ReportCreate

    province, commune = units[PROVINCE], units[COMMUNE_PLAN_OWNER]
    system = _system(province)
    by_kind = {p.kind: p for p in periods.generate(session, system, owner=province, year=YEAR)}
    periods.generate(session, _system(commune), owner=commune, year=YEAR)
    q3 = by_kind[PeriodKind.q3]
    if session.exec(select(Report.id).where(Report.period_id == q3.id)).first() is not None:
        return
    today = REFERENCE_DATE
    plan = [
        ("LS.X.BINHGIA", "accepted"),
        ("LS.X.HOANGVANTHU", "submitted"),
        ("LS.P.TAMTHANH", "returned"),
        ("LS.X.TANVAN", "draft"),
        ("LS.STP", "accepted"),
        ("LS.SKHCN", "submitted"),
    ]
    for code, state in plan:
        unit = units[code]
        r = reports.create(session, system, data=ReportCreate(period_id=q3.id or 0, unit_id=unit.id or 0))
        r.narrative = {**(r.narrative or {}), "ket_qua": "Nội dung minh họa (dữ liệu mẫu)."}
        if state == "draft":
            continue
        reports.submit(session, system, report=r, today=date(2026, 9, 5))
        if state == "accepted":
            reports.accept(session, system, report=r, today=today)
        elif state == "returned":
            reason = "Đề nghị bổ sung số liệu giải quyết hồ sơ TTHC của Quý III (dữ liệu mẫu)."
            reports.return_(session, system, report=r, unit=unit, reason=reason)


def seed(session: Session | None = None) -> bool:
    """Load everything missing; returns True when demo accounts were created now (first start)."""
    from api.config import get_settings
    from api.frameworks.seed import seed_frameworks
    from api.plans.seed import seed_plan

    settings = get_settings()
    own = session is None
    s = session or write_session()
    try:
        units = seed_2026_units(s, settings.today())
        created = seed_users(s, units)
        seed_frameworks(s, units=units, settings=settings)
        for file in (PLAN_FILE, COMMUNE_PLAN_FILE):
            seed_plan(s, units=units, settings=settings, file=file, today=REFERENCE_DATE)
        seed_periods_and_reports(s, units)
        from api.demo.langson2026_scoring import seed_round

        seed_round(s, province=units[PROVINCE])
        if own:
            s.commit()
        return created > 0
    finally:
        if own:
            s.close()


def print_accounts() -> None:
    print(f"\nLạng Sơn 2026 — tài khoản dùng thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD})")
    for username, _name, role, unit_code, what in DEMO_ACCOUNTS:
        print(f"  {username:<20} {role.value:<15} {unit_code:<20} {what}")
    print()
