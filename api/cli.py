"""The ``parsipas`` command: serve, migrate, seed-demo, create-user, create-token and operator tools."""

import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from api.config import Settings, SettingsError, get_settings

app = typer.Typer(
    help="parsipas — theo dõi kế hoạch nâng cao PAR INDEX và SIPAS",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


@app.command()
def migrate() -> None:
    """Bring the database schema to the latest version (alembic upgrade head)."""
    from api.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo("Đã cập nhật cấu trúc cơ sở dữ liệu / database migrated.")


@app.command("seed-demo")
def seed_demo(
    force_print: Annotated[bool, typer.Option(help="print the demo accounts again")] = False,
    demo: Annotated[
        str | None,
        typer.Option(
            help="binhgia-2024 | langson-2026 (comma-separated for both); default: PARSIPAS_DEMO or 1"
        ),
    ] = None,
) -> None:
    """Load demo data (idempotent): the Bình Gia 2024 demo by default, or the one(s) named."""
    from api.demo import catalog

    try:
        names = catalog.parse(demo or get_settings().demo) or [catalog.DEFAULT]
    except ValueError as exc:
        _fail(str(exc))
        return
    created = catalog.seed(names)
    if created or force_print:
        catalog.print_accounts(names if force_print else created)
    else:
        typer.echo("Dữ liệu mẫu đã có sẵn / demo data already present.")


def sweep_stale_uploads(settings: Settings) -> int:
    """Remove upload temp files older than a day (left by a server killed mid-upload); run once at start."""
    from api.evidence.service import storage_from_settings

    try:
        removed = storage_from_settings(settings).cleanup_stale_temp(older_than_seconds=86_400)
    except OSError as exc:  # a read-only or missing store must not stop the server
        typer.echo(f"parsipas: không dọn được tệp tạm / temp sweep failed: {exc}", err=True)
        return 0
    if removed:
        typer.echo(f"parsipas: đã xóa {removed} tệp tạm cũ / removed {removed} stale upload temp files")
    return removed


# uvicorn would believe X-Forwarded-For from 127.0.0.1 and announce itself in a Server header: the application
# decides which proxies to believe (PARSIPAS_TRUSTED_PROXIES, api/middleware.py) and names no server.
# access_log off: uvicorn's line holds the raw query string; parsipas writes its own JSON line per request
# (api/observability.py) with the route template instead.
_UVICORN_SAFE: dict[str, Any] = {"proxy_headers": False, "server_header": False, "access_log": False}


def _prometheus_multiprocess(settings: Settings) -> None:
    """Several workers: each writes its request histograms to files in ``<data_dir>/metrics`` (emptied at start)
    and ``/metrics`` sums them, whichever worker answers the scrape."""
    import os
    import shutil
    from pathlib import Path

    from api.observability import MULTIPROC_ENV

    folder = Path(settings.data_dir).resolve() / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(folder)  # read by prometheus_client in the workers


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Migrate, load demo data if PARSIPAS_DEMO is set, then serve the API and the SPA."""
    import uvicorn

    from api.migrate import upgrade

    settings = get_settings()
    try:
        settings.effective_secret()
    except SettingsError as exc:
        _fail(str(exc))
    upgrade(settings.database_url)
    if settings.demos:
        from api.demo import catalog

        catalog.print_accounts(catalog.seed(settings.demos))
    sweep_stale_uploads(settings)
    n = workers or settings.workers
    h, p = host or settings.host, port or settings.port
    typer.echo(f"parsipas: http://{h}:{p}/  (API: http://{h}:{p}/api/docs)")
    from api.portal.worker import start_background_worker

    stop_portal_worker = start_background_worker(settings)  # only when PARSIPAS_PORTAL_URL is set
    from api.notifications.worker import start_background_worker as start_notification_worker

    stop_notification_worker = start_notification_worker(settings)  # reminders, digests, e-mail, webhook
    if n > 1:
        _prometheus_multiprocess(settings)
        uvicorn.run("api.asgi:app", host=h, port=p, workers=n, log_level="info", **_UVICORN_SAFE)
    else:
        from api.asgi import app as asgi_app

        uvicorn.run(asgi_app, host=h, port=p, log_level="info", **_UVICORN_SAFE)
    stop_portal_worker()
    stop_notification_worker()


@app.command("housekeeping")
def housekeeping() -> None:
    """Delete expired Idempotency-Key records and ended public-form throttle windows (also run hourly)."""
    from api.config import get_settings
    from api.db import get_engine
    from api.housekeeping import purge_expired

    settings = get_settings()
    done = purge_expired(get_engine(settings.database_url), settings)
    typer.echo(
        f"Đã xóa {done['idempotency_record']} bản ghi khóa chống trùng hết hạn, {done['survey_throttle']} bộ đếm "
        f"khảo sát hết khung / deleted {done['idempotency_record']} expired idempotency records, "
        f"{done['survey_throttle']} ended survey throttle windows."
    )


@app.command("create-user")
def create_user(
    username: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help="admin|district_admin|leader|unit_head|unit_officer|observer")],
    unit: Annotated[str | None, typer.Option(help="unit code")] = None,
    full_name: Annotated[str | None, typer.Option()] = None,
    unit_name: Annotated[
        str | None, typer.Option(help="admin on a fresh database: create the root unit --unit with this name")
    ] = None,
    must_change_password: Annotated[
        bool,
        typer.Option(
            "--must-change-password/--keep-password",
            help="the user must choose a new password at first login (default; the operator knows this one)",
        ),
    ] = True,
) -> None:
    """Create a user with one role in one unit (operator command, no scope checks).

    An admin without --unit is made admin of every root unit (province); on an empty database pass
    --unit CODE --unit-name NAME to create the province first.
    """
    from pydantic import ValidationError
    from sqlmodel import col, select

    from api.db import write_session
    from api.errors import AppError
    from api.models import OrgUnit, Role
    from api.users.schemas import MembershipIn, UserCreate
    from api.users.service import create_user as svc_create

    roles = [r.value for r in Role if r != Role.integration]  # integration is for API tokens only
    if role not in roles:
        _fail(f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(roles)}")
        return
    role_value = Role(role)
    with write_session() as session:
        memberships = []
        if unit:
            u = session.exec(select(OrgUnit).where(OrgUnit.code == unit)).first()
            if u is None and unit_name and role_value == Role.admin:
                u = _create_root_unit(session, unit, unit_name)
            if u is None:
                _fail(f"Không tìm thấy đơn vị mã {unit}.")
                return
            memberships.append(MembershipIn(unit_id=u.id or 0, role=role_value))
        elif role_value != Role.admin:
            _fail("Cần --unit cho vai trò này / --unit is required for this role.")
        else:
            # A membership is what grants rights: an admin with none could do nothing at all.
            roots = session.exec(select(OrgUnit).where(col(OrgUnit.parent_id).is_(None))).all()
            if not roots:
                _fail(
                    "Chưa có đơn vị nào: dùng --unit MÃ --unit-name 'Tên tỉnh' để tạo đơn vị gốc "
                    "(hoặc parsipas seed-demo). / No unit yet: pass --unit CODE --unit-name NAME."
                )
            memberships = [MembershipIn(unit_id=r.id or 0, role=role_value) for r in roots]
        try:
            data = UserCreate(
                username=username, password=password, full_name=full_name or username, memberships=memberships
            )
            user = svc_create(session, None, data=data, must_change_password=must_change_password)
        except ValidationError as exc:
            _fail(
                "Dữ liệu không hợp lệ: "
                + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            )
            return
        except AppError as exc:
            _fail(exc.detail)
            return
        session.commit()
        typer.echo(f"Đã tạo người dùng {user.username} (id {user.id}).")


def _create_root_unit(session: Any, code: str, name: str) -> Any:
    from api.audit.service import record_create
    from api.models import OrgUnit, UnitKind, UnitLevel

    unit = OrgUnit(code=code, name=name, level=UnitLevel.province, kind=UnitKind.people_committee)
    session.add(unit)
    session.flush()
    unit.path = f"/{unit.id}/"
    session.add(unit)
    session.flush()
    record_create(session, None, "org_unit", unit, unit.id)
    typer.echo(f"Đã tạo đơn vị gốc {code} / root unit created.")
    return unit


@app.command("create-token")
def create_token(
    name: Annotated[str, typer.Option()],
    unit: Annotated[str, typer.Option(help="unit code")],
    permission: Annotated[
        list[str], typer.Option("--permission", "-p", help="e.g. imports:run (repeatable)")
    ],
    days: Annotated[int | None, typer.Option(help="expires after N days")] = None,
) -> None:
    """Create an API token for a script or integration; the token is printed once."""
    from sqlmodel import select

    from api.audit.service import record
    from api.auth import security, service
    from api.authz.permissions import Permission
    from api.db import write_session
    from api.models import ApiToken, OrgUnit

    bad = [p for p in permission if p not in Permission._value2member_map_]
    if bad:
        _fail(f"Quyền không hợp lệ: {', '.join(bad)}")
    with write_session() as session:
        u = session.exec(select(OrgUnit).where(OrgUnit.code == unit)).first()
        if u is None:
            _fail(f"Không tìm thấy đơn vị mã {unit}.")
            return
        grant = service.token_grant(u, permission)
        refused = sorted(set(permission) - {p.value for p in grant.permissions})
        if refused:
            _fail(f"Không thể cấp {', '.join(refused)} cho đơn vị cấp {u.level.value}.")
        plain = security.new_opaque_token(service.TOKEN_PREFIX)
        token = ApiToken(
            name=name,
            prefix=plain[:10],
            token_hash=security.sha256_hex(plain),
            unit_id=u.id or 0,
            permissions=sorted(set(permission)),
            expires_at=datetime.now(UTC) + timedelta(days=days) if days else None,
        )
        session.add(token)
        session.flush()
        record(
            session,
            None,
            "create",
            "api_token",
            token.id,
            u.id,
            {"name": {"from": None, "to": name}, "permissions": {"from": None, "to": token.permissions}},
            "parsipas create-token",
        )
        session.commit()
    typer.echo(plain)


def main() -> None:  # pragma: no cover
    try:
        app()
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        sys.exit(2)


from api.evidence.cli import register as _register_evidence  # noqa: E402

_register_evidence(app)


from api.portal.cli import register as _register_portal  # noqa: E402

_register_portal(app)


from api.notifications.cli import register as _register_notify  # noqa: E402

_register_notify(app)


from api.imports.client import register as _register_import  # noqa: E402

_register_import(app)
