"""The suite's own reset (``tests/conftest.py``): after a test inserts, updates and deletes rows, the next test gets
every table back exactly as the snapshot holds it, and new ids start where they would after a full restore."""

import sqlalchemy as sa
from sqlmodel import Session

from api.models import Membership, OrgUnit, UnitKind, UnitLevel, User
from tests.conftest import _SNAPSHOTS, _rows_of, reset_to_snapshot


def _next_unit_id(engine: sa.Engine) -> int:
    with Session(engine) as s:
        unit = OrgUnit(
            code="SNAP.NEXT", name="Đơn vị thử", level=UnitLevel.commune, kind=UnitKind.people_committee
        )
        s.add(unit)
        s.commit()
        return int(unit.id or 0)


def test_reset_puts_back_inserted_updated_and_deleted_rows(db: sa.Engine) -> None:
    from api.db import metadata

    tables = list(metadata.sorted_tables)
    before = _rows_of(db, tables)
    first_new_id = _next_unit_id(db)
    reset_to_snapshot(db, _SNAPSHOTS[str(db.url)])
    assert _rows_of(db, tables) == before

    with db.begin() as conn:
        conn.execute(sa.update(User.__table__).values(full_name="Đã sửa"))  # type: ignore[attr-defined]
        deleted = conn.execute(
            sa.delete(Membership.__table__).where(  # type: ignore[attr-defined]
                Membership.__table__.c.id
                == sa.select(sa.func.min(Membership.__table__.c.id)).scalar_subquery()  # type: ignore[attr-defined]
            )
        ).rowcount
        assert deleted == 1
    _next_unit_id(db)
    assert _rows_of(db, tables) != before  # the check below could fail

    reset_to_snapshot(db, _SNAPSHOTS[str(db.url)])
    assert _rows_of(db, tables) == before
    assert _next_unit_id(db) == first_new_id  # ids go on as after a full restore
    reset_to_snapshot(db, _SNAPSHOTS[str(db.url)])
    assert _rows_of(db, tables) == before
