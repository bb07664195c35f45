"""The schema exists only through Alembic: upgrade → downgrade → upgrade on a fresh database of the selected
backend, and the models match the migrations (what ``alembic check`` verifies)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import api.models  # noqa: F401  (registers every table)
from api.db import get_engine, metadata
from api.migrate import downgrade, upgrade
from tests.conftest import make_database


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    url, cleanup = make_database(tmp_path)
    yield url
    cleanup()  # type: ignore[operator]


def _tables(url: str) -> set[str]:
    engine = get_engine(url)
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def _diffs(url: str) -> list[object]:
    engine = get_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "target_metadata": metadata})
        return list(compare_metadata(ctx, metadata))


def test_upgrade_downgrade_upgrade(fresh_url: str) -> None:
    expected = set(metadata.tables)
    upgrade(fresh_url)
    assert _tables(fresh_url) == expected
    downgrade(fresh_url, "base")
    assert _tables(fresh_url) == set()
    upgrade(fresh_url)
    assert _tables(fresh_url) == expected
    with get_engine(fresh_url).connect() as conn:
        heads = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    assert len(heads) == 1


def test_models_and_migrations_agree(fresh_url: str) -> None:
    upgrade(fresh_url)
    assert _diffs(fresh_url) == []


def test_the_check_can_fail(fresh_url: str) -> None:
    """A table the migrations do not create is reported: the comparison above is not vacuous."""
    upgrade(fresh_url)
    engine = get_engine(fresh_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)")
    diffs = _diffs(fresh_url)
    assert any(d[0] == "remove_table" and d[1].name == "stray_table" for d in diffs)  # type: ignore[index]


def test_usernames_differing_only_in_case_stop_the_upgrade_with_a_report(fresh_url: str) -> None:
    """Migration h15usrcase01 lower-cases usernames, or names the accounts that would collide."""
    upgrade(fresh_url, "a12c0r1ng001")
    insert = (
        "INSERT INTO user_account (username, full_name, password_hash, is_active, language, version, created_at) "
        "VALUES (:u, :u, 'x', :t, 'vi', 1, CURRENT_TIMESTAMP)"
    )
    engine = get_engine(fresh_url)
    with engine.begin() as conn:
        for name in ("Abc", "ABC", "Xyz"):
            conn.execute(sa.text(insert), {"u": name, "t": True})
    with pytest.raises(RuntimeError, match="differ only in case") as clash:
        upgrade(fresh_url)
    assert "'Abc'" in str(clash.value) and "'ABC'" in str(clash.value) and "Xyz" not in str(clash.value)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM user_account WHERE username = 'ABC'")
    upgrade(fresh_url)
    with engine.begin() as conn:
        assert sorted(conn.exec_driver_sql("SELECT username FROM user_account").scalars()) == ["abc", "xyz"]
        with pytest.raises(sa.exc.IntegrityError):  # the check constraint keeps them lower-case
            conn.execute(sa.text(insert), {"u": "New", "t": True})
