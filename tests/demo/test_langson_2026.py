"""The Lạng Sơn 2026 demo: its data (the 65 communes of NQ 1672 by their real names, four NĐ 150 offices each,
unverified sở flagged, codes that do not clash with the Bình Gia demo), how ``PARSIPAS_DEMO`` selects it, and
``parsipas seed-demo --demo`` loading both demos into one database, idempotently."""

import pytest

from api.demo import catalog
from api.demo.langson2026 import unit_rows
from api.demo.seed import load_yaml
from tests.test_cli import counts, fresh, run, scalar  # noqa: F401 - fixture re-used

XA = """Thất Khê, Đoàn Kết, Tân Tiến, Tràng Định, Quốc Khánh, Kháng Chiến, Quốc Việt, Bình Gia, Tân Văn, Hồng Phong,
Hoa Thám, Quý Hòa, Thiện Hòa, Thiện Thuật, Thiện Long, Bắc Sơn, Hưng Vũ, Vũ Lăng, Nhất Hòa, Vũ Lễ, Tân Tri, Văn Quan,
Điềm He, Yên Phúc, Tri Lễ, Tân Đoàn, Khánh Khê, Na Sầm, Hoàng Văn Thụ, Thụy Hùng, Văn Lãng, Hội Hoan, Lộc Bình, Mẫu Sơn,
Na Dương, Lợi Bác, Thống Nhất, Xuân Dương, Khuất Xá, Đình Lập, Thái Bình, Châu Sơn, Kiên Mộc, Hữu Lũng, Tuấn Sơn,
Tân Thành, Vân Nham, Thiện Tân, Yên Bình, Hữu Liên, Cai Kinh, Chi Lăng, Quan Sơn, Chiến Thắng, Nhân Lý, Bằng Mạc,
Vạn Linh, Đồng Đăng, Cao Lộc, Công Sơn, Ba Sơn"""
PHUONG = {"Tam Thanh", "Lương Văn Tri", "Kỳ Lừa", "Đông Kinh"}


def test_the_65_communes_of_nq_1672() -> None:
    communes = load_yaml("langson_2026_units.yaml")["communes"]
    xa = {c["name"] for c in communes if c["type"] == "xa"}
    assert xa == {n.strip() for n in XA.replace("\n", " ").split(",")} and len(xa) == 61
    assert {c["name"] for c in communes if c["type"] == "phuong"} == PHUONG
    assert len({c["code"] for c in communes}) == 65


def test_units_offices_and_flags() -> None:
    rows = unit_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    offices = [r for r in rows if r["code"].count(".") == 3]
    assert len(offices) == 65 * 4
    assert sum(1 for r in offices if r["name"].startswith("Phòng Kinh tế, Hạ tầng và Đô thị phường")) == 4
    departments = [r for r in rows if r["level"] == "province" and r["code"] not in ("LS", "LS.SNV")]
    assert departments and all(r["verified"] is False and r["source_note"] for r in departments)


def test_codes_shared_with_the_2024_demo_mean_the_same_units() -> None:
    old = {u["code"]: u for u in load_yaml("units.yaml")["units"]}
    new = {r["code"]: r for r in unit_rows()}
    for code in set(old) & set(new):
        assert (old[code]["name"], old[code]["level"], old[code]["parent"]) == (
            new[code]["name"],
            new[code]["level"],
            new[code]["parent"],
        ), code
    assert not any(c.startswith("LS.BG") for c in new)


def test_demo_names() -> None:
    assert catalog.parse("0") == [] and catalog.parse("") == []
    assert catalog.parse("1") == ["binhgia-2024"] == catalog.parse("binhgia-2024")
    assert catalog.parse("langson-2026") == ["langson-2026"]
    assert catalog.parse("1, langson-2026") == ["binhgia-2024", "langson-2026"]
    with pytest.raises(ValueError):
        catalog.parse("hanoi-2030")


def test_seed_both_demos_into_one_database(fresh: str) -> None:  # noqa: F811
    assert run(fresh, "migrate").exit_code == 0
    r = run(fresh, "seed-demo", "--demo", "langson-2026", PARSIPAS_AS_OF_DATE="2026-10-15")
    assert r.exit_code == 0, r.output
    assert "sonoivu" in r.output and "LangSon@2026" in r.output and "BinhGia@2024" not in r.output
    r = run(fresh, "seed-demo")  # the default demo, Bình Gia 2024, on top
    assert r.exit_code == 0, r.output
    assert "BinhGia@2024" in r.output and "LangSon@2026" not in r.output
    both = counts(fresh)
    r = run(fresh, "seed-demo", "--demo", "binhgia-2024,langson-2026")
    assert r.exit_code == 0 and "đã có sẵn" in r.output
    assert counts(fresh) == both
    assert scalar(fresh, "select count(*) from org_unit where parent_id = (select id from org_unit where code='LS') "
                  "and level = 'commune'") == 65  # fmt: skip
    assert scalar(fresh, "select count(*) from plan") == 3
    assert run(fresh, "seed-demo", "--demo", "nowhere").exit_code == 2
