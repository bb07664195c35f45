"""User imports: memberships by unit code, role rules, passwords only for new accounts, idempotent."""

from sqlmodel import col, select

from api.models import Membership, User
from tests.imports.helpers import API, TABLES, counts, errors_of, fetch, fetch_all, post_file, post_json

HEADER = ["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "Mật khẩu ban đầu"]


def _roles(db, username: str) -> set[tuple[int, str]]:
    user = fetch(db, User, username=username)
    rows = fetch_all(db, select(Membership).where(col(Membership.user_id) == user.id))
    return {(m.unit_id, m.role.value) for m in rows}


def test_create_users_with_roles_then_reimport_is_unchanged(client, auth, db) -> None:
    h = auth("noivu")
    items = [
        {
            "username": "lan.nguyen",
            "full_name": "Nguyễn Thị Lan",
            "unit_code": "LS.BG.X.HOATHAM",
            "role": "Công chức",
            "password": "Mat-khau-2024!",
        },
        {"username": "lan.nguyen", "unit_code": "LS.BG.VHTT", "role": "observer"},  # second role, same person
        {"username": "binh.tran", "full_name": "Trần Văn Bình", "unit_code": "LS.BG", "role": "Lãnh đạo"},
    ]
    r = post_json(client, "users", items, h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["details"]["users"]["created"]) == (3, 2)
    assert len(_roles(db, "lan.nguyen")) == 2
    login = client.post("/api/v1/auth/login", json={"username": "lan.nguyen", "password": "Mat-khau-2024!"})
    assert login.status_code == 200, login.text
    # no initial password: the account exists but cannot log in until an admin sets one
    assert fetch(db, User, username="binh.tran").password_hash.startswith("!")
    before = counts(db, TABLES)
    r = post_json(client, "users", items, h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 3)
    assert {k: v for k, v in counts(db, TABLES).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }


def test_role_rules_scope_and_conflicting_rows(client, auth, db) -> None:
    h = auth("noivu")
    items = [
        {"username": "x.admin", "full_name": "X", "unit_code": "LS.BG", "role": "admin"},  # not assignable
        {
            "username": "x.tinh",
            "full_name": "Y",
            "unit_code": "LS.SNV",
            "role": "Công chức",
        },  # outside subtree
        {
            "username": "noivu",
            "full_name": "Hoàng Thị Lan (Phòng Nội vụ)",
            "unit_code": "LS.BG",
            "role": "district_admin",
            "is_active": "Không",
        },  # self-deactivation
        {"username": "ok.user", "full_name": "OK", "unit_code": "LS.BG.VHTT", "role": "Công chức"},
        {"username": "ok.user", "full_name": "Khác tên", "unit_code": "LS.BG.NV", "role": "Công chức"},
        {"username": "bad name!", "full_name": "Z", "unit_code": "LS.BG", "role": "Công chức"},
    ]
    before = counts(db, TABLES)
    r = post_json(client, "users", items, h)
    assert r.status_code == 422, r.text
    assert errors_of(r) == [
        (2, "role", "role_not_assignable"),
        (3, "unit_code", "unit_out_of_scope"),
        (4, "is_active", "self_deactivation"),
        (6, "full_name", "inconsistent"),
        (7, "username", "string_pattern_mismatch"),
    ]
    assert counts(db, TABLES) == before


def test_update_personal_details_add_role_and_deactivate(client, auth, db) -> None:
    h = auth("noivu")
    r = post_json(client, "users", [{"username": "canbo.vhtt", "full_name": "Vi Thị Hoa", "unit_code": "LS.BG.VHTT",
                                     "role": "unit_officer", "phone": "0912 000 111", "position": "Chuyên viên"},
                                    {"username": "canbo.vhtt", "unit_code": "LS.BG.NV", "role": "observer"},
                                    {"username": "canbo.tanvan", "full_name": "Mông Thị Hằng", "unit_code": "LS.BG.X.TANVAN",
                                     "role": "unit_officer", "is_active": "Không"}], h)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 3, 0)
    user = fetch(db, User, username="canbo.vhtt")
    assert (user.phone, user.position) == ("0912 000 111", "Chuyên viên")
    assert len(_roles(db, "canbo.vhtt")) == 2
    assert fetch(db, User, username="canbo.tanvan").is_active is False
    login = client.post("/api/v1/auth/login", json={"username": "canbo.tanvan", "password": "BinhGia@2024"})
    assert login.status_code == 401


def test_users_export_round_trips_without_passwords(client, auth, db) -> None:
    h = auth("noivu")
    r = client.get(f"{API}/users/export.csv", headers=h)
    assert r.status_code == 200
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0].split(",")[0] == "Tên đăng nhập *"
    assert any(x.startswith("chutich.hoatham,") for x in lines) and not any(
        x.startswith("admin,") for x in lines
    )
    assert all(x.endswith(",") for x in lines[1:]), "the password column is never exported"
    r2 = post_file(client, "users", "users.csv", r.content, h)
    assert r2.status_code == 200, r2.text
    assert r2.json()["unchanged"] == len(lines) - 1 and r2.json()["created"] == r2.json()["updated"] == 0
