"""The matrix restores its whole world (demo data + foreign province + setups + logins) in one bulk restore."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.authz.world import WORLD_CACHE


@pytest.fixture
def db(engine: sa.Engine, _demo_hash: str, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    from tests import conftest as base

    cached = WORLD_CACHE.get(str(engine.url))
    if cached is None:
        fixture: Callable[..., sa.Engine] = base.db.__wrapped__  # type: ignore[attr-defined]
        return fixture(engine, _demo_hash, monkeypatch)
    import api.auth.security as security

    monkeypatch.setattr(security, "hash_password", lambda _pw, _h=_demo_hash: _h)
    base.reset_to_snapshot(engine, cached["rows"])
    return engine
