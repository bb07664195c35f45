"""The engine's per-connection settings on PostgreSQL (reached in both suites: CI provides PostgreSQL)."""

import sqlalchemy as sa

from api.db import make_engine
from tests.conftest import PG_BASE


def test_postgres_connections_run_without_jit() -> None:
    """JIT compilation cost seconds on the index aggregates (api/db.py); every pooled connection has it off,
    including one the pool opens later, and a plain connection of the same server still has the default."""
    engine = make_engine(PG_BASE)
    try:
        with engine.connect() as a, engine.connect() as b:
            assert a.exec_driver_sql("SHOW jit").scalar() == "off"
            assert b.exec_driver_sql("SHOW jit").scalar() == "off"
        plain = sa.create_engine(PG_BASE)
        with plain.connect() as c:
            assert c.exec_driver_sql("SHOW jit").scalar() == "on"
        plain.dispose()
    finally:
        engine.dispose()
