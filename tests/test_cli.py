"""The ``parsipas`` command against a fresh database of the selected backend: migrate, seed-demo (idempotent),
create-user, create-token, and ``serve`` refusing a placeholder secret in production."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from api.db import get_engine, metadata
from tests.conftest import make_database

runner = CliRunner()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[str]:
    url, cleanup = make_database(tmp_path)
    yield url
    get_settings.cache_clear()  # back to the session's test settings
    cleanup()  # type: ignore[operator]


@pytest.fixture(scope="module")
def _seeded_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, cleanup = make_database(tmp_path_factory.mktemp("cli-seeded"))
    assert run(url, "migrate").exit_code == 0
    assert run(url, "seed-demo").exit_code == 0
    yield url
    get_settings.cache_clear()
    cleanup()  # type: ignore[operator]


@pytest.fixture
def seeded(_seeded_once: str, tmp_path: Path) -> Iterator[str]:
    """A database as ``parsipas migrate`` then ``parsipas seed-demo`` leave it: a copy of the one this module made
    with those two commands (seeding hashes every demo password with Argon2: ~5 s per test otherwise). The
    commands themselves, twice over, are ``test_migrate_then_seed_demo_twice``'s, on a fresh database."""
    url, cleanup = make_database(tmp_path, copy_of=_seeded_once)
    yield url
    get_settings.cache_clear()
    cleanup()  # type: ignore[operator]


def run(url: str, *args: str, **env: str) -> Any:
    get_settings.cache_clear()
    try:
        return runner.invoke(app, list(args), env={"PARSIPAS_DATABASE_URL": url, "PARSIPAS_DEMO": "0", **env})
    finally:
        get_settings.cache_clear()


def counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def scalar(url: str, sql: str, **params: Any) -> Any:
    with get_engine(url).connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_migrate_then_seed_demo_twice(fresh: str) -> None:
    r = run(fresh, "migrate")
    assert r.exit_code == 0, r.output
    assert counts(fresh)["org_unit"] == 0
    r = run(fresh, "seed-demo")
    assert r.exit_code == 0, r.output
    assert "noivu" in r.output and "BinhGia@2024" in r.output  # the accounts are printed on first load
    first = counts(fresh)
    assert first["org_unit"] >= 40 and first["user_account"] == 10 and first["membership"] == 10
    r = run(fresh, "seed-demo")
    assert r.exit_code == 0, r.output
    assert "noivu" not in r.output
    assert counts(fresh) == first
    r = run(fresh, "migrate")  # migrating an up-to-date database is a no-op
    assert r.exit_code == 0 and counts(fresh) == first


def test_create_user(seeded: str) -> None:
    r = run(
        seeded,
        "create-user",
        "--username",
        "canbo.moi",
        "--password",
        "Mat-khau-dai-2024",
        "--role",
        "unit_officer",
        "--unit",
        "LS.BG.X.HOATHAM",
        "--full-name",
        "Cán bộ mới",
    )
    assert r.exit_code == 0, r.output
    row = scalar(
        seeded,
        "SELECT o.code || ':' || m.role FROM user_account u JOIN membership m ON m.user_id = u.id "
        "JOIN org_unit o ON o.id = m.unit_id WHERE u.username = :u",
        u="canbo.moi",
    )
    assert row == "LS.BG.X.HOATHAM:unit_officer"
    pw_hash = scalar(seeded, "SELECT password_hash FROM user_account WHERE username = 'canbo.moi'")
    assert pw_hash.startswith("$argon2id$") and "Mat-khau" not in pw_hash
    assert (
        scalar(seeded, "SELECT count(*) FROM audit_event WHERE action = 'create' AND entity_type = 'user'")
        == 1
    )

    # The new account logs in through the API.
    from fastapi.testclient import TestClient

    from api.config import Settings
    from api.main import create_app

    with TestClient(create_app(Settings(database_url=seeded), get_engine(seeded))) as c:
        login = c.post("/api/v1/auth/login", json={"username": "canbo.moi", "password": "Mat-khau-dai-2024"})
        assert login.status_code == 200, login.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--username", "noivu", "--password", "Mat-khau-dai-2024", "--role", "leader", "--unit", "LS.BG"],
            "tồn tại",
        ),
        (["--username", "x1", "--password", "ngan", "--role", "leader", "--unit", "LS.BG"], "password"),
        (
            ["--username", "x2", "--password", "Mat-khau-dai-2024", "--role", "king", "--unit", "LS.BG"],
            "king",
        ),
        (
            ["--username", "x3", "--password", "Mat-khau-dai-2024", "--role", "integration", "--unit", "LS"],
            "integration",
        ),
        (
            ["--username", "x4", "--password", "Mat-khau-dai-2024", "--role", "leader", "--unit", "NOPE"],
            "NOPE",
        ),
        (["--username", "x5", "--password", "Mat-khau-dai-2024", "--role", "leader"], "--unit"),
    ],
)
def test_create_user_refusals(seeded: str, args: list[str], message: str) -> None:
    before = counts(seeded)
    r = run(seeded, "create-user", *args)
    assert r.exit_code != 0
    assert message in r.output
    assert counts(seeded) == before


def test_bootstrap_an_admin_on_an_empty_database(fresh: str) -> None:
    assert run(fresh, "migrate").exit_code == 0
    admin = ["--username", "quantri", "--password", "Mat-khau-dai-2024", "--role", "admin"]
    r = run(fresh, "create-user", *admin)
    assert r.exit_code != 0 and "--unit-name" in r.output  # an admin of nothing would be useless
    r = run(fresh, "create-user", *admin, "--unit", "LS", "--unit-name", "UBND tỉnh Lạng Sơn")
    assert r.exit_code == 0, r.output
    assert (
        scalar(fresh, "SELECT path FROM org_unit WHERE code = 'LS'")
        == f"/{scalar(fresh, 'SELECT id FROM org_unit')}/"
    )
    # A second admin without --unit becomes admin of every root unit.
    r = run(
        fresh, "create-user", "--username", "quantri2", "--password", "Mat-khau-dai-2024", "--role", "admin"
    )
    assert r.exit_code == 0, r.output
    roles = scalar(
        fresh,
        "SELECT count(*) FROM membership m JOIN user_account u ON u.id = m.user_id "
        "WHERE u.username = 'quantri2' AND m.role = 'admin'",
    )
    assert roles == 1


def test_create_token(seeded: str) -> None:
    from api.auth.security import sha256_hex

    r = run(
        seeded, "create-token", "--name", "portal", "--unit", "LS.BG", "-p", "imports:run", "-p", "plans:read"
    )
    assert r.exit_code == 0, r.output
    plain = r.output.strip().splitlines()[-1]
    assert plain.startswith("pst_")
    stored = scalar(seeded, "SELECT token_hash FROM api_token WHERE name = 'portal'")
    assert stored == sha256_hex(plain)
    assert scalar(seeded, "SELECT count(*) FROM audit_event WHERE entity_type = 'api_token'") == 1
    before = counts(seeded)
    r = run(seeded, "create-token", "--name", "bad", "--unit", "LS.BG.X.HOATHAM", "-p", "imports:run")
    assert r.exit_code != 0 and "imports:run" in r.output
    r = run(seeded, "create-token", "--name", "bad", "--unit", "LS.BG", "-p", "everything:please")
    assert r.exit_code != 0 and "everything:please" in r.output
    assert counts(seeded) == before


@pytest.mark.parametrize("secret", ["changeme", "", "short"])
def test_serve_refuses_a_placeholder_secret_in_production(fresh: str, secret: str) -> None:
    r = run(fresh, "serve", PARSIPAS_ENV="production", PARSIPAS_SECRET_KEY=secret)
    assert r.exit_code != 0
    assert "PARSIPAS_SECRET_KEY" in r.output
    assert (
        "alembic_version" not in sa.inspect(get_engine(fresh)).get_table_names()
    )  # stopped before migrating


def test_create_app_refuses_a_placeholder_secret_in_production() -> None:
    from api.config import Settings, SettingsError
    from api.main import create_app

    with pytest.raises(SettingsError, match="PARSIPAS_SECRET_KEY"):
        create_app(Settings(env="production", secret_key="changeme", database_url="sqlite://"))
    strong = Settings(env="production", secret_key="x" * 48, database_url="sqlite://")
    assert create_app(strong).state.settings.env == "production"
