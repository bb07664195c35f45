"""Migration s20rept0001 (#20) on the selected backend: the shipped outlines' khảo sát section takes the survey and
CB_HAI_LONG its survey source; a district's copy keeps its own wording and only gains the source; downgrade
restores the previous shape, and upgrade again reaches the same state."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from api.db import get_engine
from api.migrate import downgrade, upgrade
from tests.conftest import make_database

BEFORE = "s20load0001"


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    url, cleanup = make_database(tmp_path)
    yield url
    cleanup()  # type: ignore[operator]


def _state(url: str) -> dict[str, Any]:
    with get_engine(url).connect() as conn:
        outlines = conn.execute(sa.text("SELECT id, owner_unit_id, code, sections FROM report_outline")).all()
        inds = conn.execute(
            sa.text("SELECT outline_id, computed, source FROM report_indicator WHERE code = 'CB_HAI_LONG'")
        ).all()
    out: dict[str, Any] = {"sections": {}, "indicators": {}}
    for _oid, owner, code, sections in outlines:
        data = json.loads(sections) if isinstance(sections, str) else sections
        out["sections"][(owner, code)] = next(s for s in data if s["key"] == "khao_sat")
    for oid, computed, source in inds:
        owner_code = next((o, c) for i, o, c, _s in outlines if i == oid)
        out["indicators"][owner_code] = (bool(computed), source)
    return out


def _add_copy(url: str) -> None:
    """A district's copy of the xã outline, made before the migration, with its own hint."""
    with get_engine(url).begin() as conn:
        unit = conn.execute(
            sa.text("INSERT INTO org_unit (code, name, level, kind, path, is_active, verified, version, created_at) "
                    "VALUES ('X.T', 'UBND huyện T', 'district', 'people_committee', '/x/', :t, :t, 1, "
                    "CURRENT_TIMESTAMP) RETURNING id"),
            {"t": True},
        ).scalar_one()  # fmt: skip
        src = conn.execute(sa.text("SELECT * FROM report_outline WHERE code = 'cchc-xa' AND owner_unit_id IS NULL")
                           ).mappings().one()  # fmt: skip
        sections = json.loads(src["sections"]) if isinstance(src["sections"], str) else src["sections"]
        for s in sections:
            if s["key"] == "khao_sat":
                s["hint"] = "Lời của huyện."
        new = conn.execute(
            sa.text("INSERT INTO report_outline (level, unit_kind, owner_unit_id, code, name, verified, sections, "
                    "version, created_at) VALUES (:level, :kind, :owner, 'cchc-xa', 'Bản sao', :v, :sections, 1, "
                    "CURRENT_TIMESTAMP) RETURNING id"),
            {"level": src["level"], "kind": src["unit_kind"], "owner": unit, "v": False,
             "sections": json.dumps(sections, ensure_ascii=False)},
        ).scalar_one()  # fmt: skip
        conn.execute(
            sa.text("INSERT INTO report_indicator (outline_id, code, section_key, name, unit_of_measure, computed, "
                    "source, rollup, \"order\") VALUES (:o, 'CB_HAI_LONG', 'khao_sat', 'Hài lòng', '%', :f, NULL, "
                    "'average', 1)"),
            {"o": new, "f": False},
        )  # fmt: skip


def test_upgrade_downgrade_upgrade(fresh_url: str) -> None:
    upgrade(fresh_url)
    after = _state(fresh_url)
    for code in ("cchc-huyen", "cchc-xa", "cchc-phong"):
        s = after["sections"][(None, code)]
        assert s["fill"] == "written" and s["source"] == "survey" and "bộ phận một cửa" in s["hint"]
    assert after["indicators"][(None, "cchc-xa")] == (False, "survey_satisfaction")
    assert after["indicators"][(None, "cchc-huyen")] == (False, "survey_satisfaction")

    downgrade(fresh_url, BEFORE)
    before = _state(fresh_url)
    s = before["sections"][(None, "cchc-xa")]
    assert s["source"] is None and s["hint"] == "Hình thức, số phiếu, kết quả khảo sát trong kỳ."
    assert before["indicators"][(None, "cchc-xa")] == (False, None)
    _add_copy(fresh_url)

    upgrade(fresh_url)
    again = _state(fresh_url)
    for key, s in after["sections"].items():
        assert again["sections"][key] == s
    copy = next(k for k in again["sections"] if k[0] is not None)
    assert (
        again["sections"][copy]["source"] == "survey" and again["sections"][copy]["hint"] == "Lời của huyện."
    )
    assert again["indicators"][copy] == (False, "survey_satisfaction")
