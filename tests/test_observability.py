"""Observability: JSON access log lines with the request id, the request id in problem+json, ``/metrics``
behind its token, liveness and readiness (database down, migrations behind, storage not writable)."""

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.config import Settings, get_settings
from api.db import make_engine
from api.main import create_app
from api.observability import JsonFormatter, register_outbox
from tests.conftest import BACKEND, DEMO_PASSWORD, login

V1 = "/api/v1"
METRICS_TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    """Everything the access logger writes, formatted as in production."""
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("parsipas.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield buf
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def _lines(buf: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def _settings(**changes: Any) -> Settings:
    return Settings(**{**get_settings().model_dump(), **changes})


# --- logs and request ids ---------------------------------------------------------------------------------


def test_one_json_line_per_request_with_request_id_user_unit_and_route(
    client: TestClient, session: Session, access_log: io.StringIO
) -> None:
    from sqlmodel import select

    from api.models import Membership, User

    headers = login(client, "canbo.hoatham")
    access_log.truncate(0)
    access_log.seek(0)
    r = client.get(f"{V1}/me", headers={**headers, "X-Request-ID": "obs-me-1"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "obs-me-1"
    client.get(f"{V1}/org-units", params={"q": "secret-query-value"}, headers=headers)

    lines = _lines(access_log)  # every line parses as JSON
    assert len(lines) == 2, lines
    me = lines[0]
    user = session.exec(select(User).where(User.username == "canbo.hoatham")).one()
    unit_ids = {m.unit_id for m in session.exec(select(Membership).where(Membership.user_id == user.id))}
    assert me["request_id"] == "obs-me-1" and me["logger"] == "parsipas.access"
    assert me["user_id"] == user.id and me["unit_id"] in unit_ids and me["token_id"] is None
    assert me["route"] == f"{V1}/me" and me["method"] == "GET" and me["status"] == 200
    assert isinstance(me["duration_ms"], float) and me["duration_ms"] >= 0
    assert lines[1]["route"] == f"{V1}/org-units" and re.fullmatch(r"[0-9a-f]{32}", lines[1]["request_id"])


def test_log_lines_hold_route_templates_never_secrets(client: TestClient, access_log: io.StringIO) -> None:
    r = client.post(f"{V1}/auth/login", json={"username": "noivu", "password": DEMO_PASSWORD})
    token = r.json()["access_token"]
    refresh = r.json()["refresh_token"]
    client.get(
        f"{V1}/org-units/987654",
        params={"token": "leaky-value"},
        headers={"Authorization": f"Bearer {token}"},
    )
    text = access_log.getvalue()
    lines = _lines(access_log)
    assert [(x["route"], x["status"]) for x in lines] == [
        (f"{V1}/auth/login", 200),
        (f"{V1}/org-units/{{unit_id}}", 404),
    ]
    for secret in (DEMO_PASSWORD, token, refresh, "leaky-value", "987654"):
        assert secret not in text


def test_problem_json_carries_the_request_id(client: TestClient) -> None:
    for r in (
        client.get(f"{V1}/me", headers={"X-Request-ID": "obs-401"}),
        client.get(f"{V1}/no-such-route", headers={"X-Request-ID": "obs-404"}),
        client.post(f"{V1}/auth/login", json={}, headers={"X-Request-ID": "obs-422"}),
    ):
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["request_id"] == r.headers["x-request-id"] == f"obs-{r.status_code}"
    generated = client.get(f"{V1}/me")
    assert generated.json()["request_id"] == generated.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated.json()["request_id"])


# --- /metrics ---------------------------------------------------------------------------------------------


def test_metrics_is_404_without_a_configured_token(client: TestClient) -> None:
    assert get_settings().metrics_token is None
    r = client.get("/metrics", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


def test_metrics_refuses_anonymous_and_wrong_tokens_and_serves_the_right_one(
    db: sa.Engine, session: Session
) -> None:
    from api.portal.service import enqueue_delivery
    from tests.portal.factories import approved_report, unit_by_code

    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    delivery = enqueue_delivery(session, report=report, principal=None, settings=get_settings())
    session.flush()
    from api.models import PortalDelivery

    session.execute(
        sa.update(PortalDelivery)
        .where(PortalDelivery.id == delivery.id)  # type: ignore[arg-type]
        .values(created_at=datetime.now(UTC) - timedelta(hours=2))
    )
    session.commit()
    register_outbox("test_backlog", lambda s: (3, datetime.now(UTC) - timedelta(minutes=5)))
    try:
        with TestClient(create_app(_settings(metrics_token=METRICS_TOKEN), db)) as c:
            assert c.get(f"{V1}/health").status_code == 200
            for headers in (
                {},
                {"Authorization": "Bearer wrong-token"},
                {"Authorization": f"Basic {METRICS_TOKEN}"},
                {"Authorization": f"Bearer {METRICS_TOKEN}x"},
            ):
                r = c.get("/metrics", headers=headers)
                assert r.status_code == 401, headers
                assert "parsipas_" not in r.text and r.json()["code"] == "unauthorized"
            r = c.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    finally:
        from api import observability

        observability._OUTBOXES.pop("test_backlog", None)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    body = r.text
    assert re.search(
        r'parsipas_http_request_duration_seconds_count\{method="GET",route="/api/v1/health",status="200"\} [1-9]',
        body,
    ), body[:2000]
    assert 'parsipas_outbox_depth{outbox="portal"} 1.0' in body
    age = float(re.search(r'parsipas_outbox_oldest_age_seconds\{outbox="portal"\} (\S+)', body).group(1))  # type: ignore[union-attr]
    assert 7100 < age < 7600
    assert 'parsipas_outbox_depth{outbox="test_backlog"} 3.0' in body
    if BACKEND == "postgresql":  # SQLite runs without a pool (NullPool): no pool figures there
        assert re.search(r"parsipas_db_pool_size\{pid=\"\d+\"\} 10\.0", body)
        assert "parsipas_db_pool_checked_out" in body


# --- liveness and readiness -------------------------------------------------------------------------------


def test_live_and_ready(client: TestClient) -> None:
    assert client.get(f"{V1}/health/live").json()["status"] == "ok"
    r = client.get(f"{V1}/health/ready")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"database": "ok", "migrations": "ok", "storage": "ok"}


def _failed_checks(r: Any) -> set[str]:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "not_ready" and body["request_id"] == r.headers["x-request-id"]
    assert all(e["message"] and e["message_en"] for e in body["errors"])
    return {e["field"] for e in body["errors"]}


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:1/parsipas?connect_timeout=2",
        "sqlite:////nonexistent-dir/x/y.db",
    ],
    ids=["closed-port", "unopenable-file"],
)
def test_ready_fails_when_the_database_is_down(url: str) -> None:
    engine = make_engine(url)
    try:
        with TestClient(create_app(get_settings(), engine)) as c:
            assert c.get(f"{V1}/health/live").status_code == 200  # alive, but not ready
            failed = _failed_checks(c.get(f"{V1}/health/ready"))
    finally:
        engine.dispose()
    assert "database" in failed and "storage" not in failed


def _older_revision() -> str:
    from alembic.script import ScriptDirectory

    from api.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(""))
    head = script.get_revision(script.get_current_head())
    assert head is not None and head.down_revision
    below = head.down_revision
    # a merge head stands on several revisions: a database stamped at any one of them lags
    return below if isinstance(below, str) else below[0]


@pytest.fixture
def lagging_database(tmp_path: Path) -> Iterator[sa.Engine]:
    """A fresh database stamped one revision below head (as after deploying code without migrating)."""
    from alembic import command

    from api.migrate import alembic_config

    cleanup = None
    if BACKEND == "postgresql":
        from tests.conftest import _create_pg_database

        url, admin = _create_pg_database()

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            admin.dispose()

    else:
        url = f"sqlite:///{(tmp_path / 'lagging.db').as_posix()}"
    command.stamp(alembic_config(url), _older_revision())
    engine = make_engine(url)
    yield engine
    engine.dispose()
    if cleanup:
        cleanup()


def test_ready_fails_when_migrations_lag(lagging_database: sa.Engine) -> None:
    with TestClient(create_app(get_settings(), lagging_database)) as c:
        assert _failed_checks(c.get(f"{V1}/health/ready")) == {"migrations"}


def test_ready_fails_when_storage_is_not_writable(db: sa.Engine, tmp_path: Path) -> None:
    blocked = tmp_path / "data"
    blocked.mkdir()
    (blocked / "evidence").write_text("a file where the evidence folder should be")
    with TestClient(create_app(_settings(data_dir=blocked), db)) as c:
        assert _failed_checks(c.get(f"{V1}/health/ready")) == {"storage"}
