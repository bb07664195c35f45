"""Observability: one structured (JSON) log line per request, Prometheus metrics and the readiness probes.

- **Logs.** :class:`JsonFormatter` renders every ``parsipas.*`` record as one JSON object per line;
  :func:`configure_logging` installs it (the ASGI entry point calls it, so every worker logs the same way).
  The access line (logger ``parsipas.access``) carries the request id, user or token id, unit id, the route
  *template* (``/api/v1/plans/{plan_id}``, never the raw path nor the query string, which may hold secrets),
  method, status and duration in ms. Tokens, passwords and bodies are never logged.
- **Metrics** (``GET /metrics``, text format, bearer ``PARSIPAS_METRICS_TOKEN``; 404 while no token is set):
  ``parsipas_http_request_duration_seconds`` (histogram by method, route template and status), the database
  pool of the answering process, and each outbox's depth and oldest age (``parsipas_outbox_depth{outbox=…}``,
  ``parsipas_outbox_oldest_age_seconds{outbox=…}``). With several workers (``PARSIPAS_WORKERS`` > 1) the
  server sets ``PROMETHEUS_MULTIPROC_DIR`` (see ``api/cli.py``) so the histograms sum over all workers.
- **Outboxes.** The portal delivery outbox is built in. Another outbox (the notification backlog) registers
  its probe with :func:`register_outbox` (``register_outbox("notification", probe)``): a function of a
  read session returning ``(depth, oldest created_at or None)``.
- **Readiness** (:func:`readiness`): database reachable, migrations at head, evidence storage writable.
"""

import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator, MutableMapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from fastapi import Request
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

ACCESS_LOG = logging.getLogger("parsipas.access")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ROUTE_KEY = "parsipas_route"  # request.state key holding the matched route template
UNMATCHED = "unmatched"

# --- logs -------------------------------------------------------------------------------------------------

_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``msg`` and the record's extra
    fields (``logger.info("…", extra={"status": 200})``); exceptions as ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the ``parsipas`` loggers (idempotent)."""
    root = logging.getLogger("parsipas")
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


async def record_route(request: Request) -> None:
    """App-wide dependency: remember the matched route's template for the access log and the metrics
    (a middleware may hand the router a copy of the scope; ``request.state`` is shared by all copies)."""
    # FastAPI ≥ 0.16x keeps included routes un-flattened: the full template (prefixes included) is on the
    # effective route context; ``scope["route"].path`` alone would lack the router prefixes.
    context = (request.scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path", None) or getattr(request.scope.get("route"), "path", None)
    if path:
        setattr(request.state, ROUTE_KEY, path)


def route_template(scope: MutableMapping[str, Any]) -> str:
    state = scope.get("state") or {}
    found = state.get(ROUTE_KEY) or getattr(scope.get("route"), "path", None)
    return str(found) if found else UNMATCHED


def who(scope: MutableMapping[str, Any]) -> tuple[int | None, int | None, int | None]:
    """(user id, API token id, unit id) of the authenticated caller, if any (first grant's unit)."""
    principal = (scope.get("state") or {}).get("principal")
    if principal is None:
        return None, None, None
    unit = principal.grants[0].unit_id if principal.grants else None
    return principal.user_id, principal.token_id, unit


def log_request(
    scope: MutableMapping[str, Any], request_id: str, status: int, started: float, *, failed: bool = False
) -> None:
    """Observe the request's latency and write its access line."""
    elapsed = time.perf_counter() - started
    route = route_template(scope)
    method = str(scope.get("method", ""))
    _latency().labels(method, route, str(status)).observe(elapsed)
    if not ACCESS_LOG.isEnabledFor(logging.INFO):
        return
    user_id, token_id, unit_id = who(scope)
    ACCESS_LOG.info(
        "request",
        extra={
            "request_id": request_id,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
            "user_id": user_id,
            "token_id": token_id,
            "unit_id": unit_id,
            **({"failed": True} if failed else {}),
        },
    )


# --- metrics ----------------------------------------------------------------------------------------------


@cache
def _latency() -> Any:
    from prometheus_client import Histogram

    return Histogram(
        "parsipas_http_request_duration_seconds",
        "Thời gian xử lý yêu cầu HTTP / request latency, by method, route template and status",
        ("method", "route", "status"),
        buckets=LATENCY_BUCKETS,
    )


OutboxProbe = Callable[[Session], tuple[int, datetime | None]]
_OUTBOXES: dict[str, OutboxProbe] = {}


def register_outbox(name: str, probe: OutboxProbe) -> None:
    """Expose an outbox's backlog on ``/metrics`` as ``outbox="<name>"``. ``probe(session)`` returns the number
    of messages still to send and the ``created_at`` of the oldest of them (``None`` when empty)."""
    _OUTBOXES[name] = probe


def portal_outbox(session: Session) -> tuple[int, datetime | None]:
    """Portal deliveries still to send (pending, or being sent) and the oldest one's creation time."""
    from api.models import DeliveryStatus, PortalDelivery

    depth, oldest = session.exec(
        select(func.count(), func.min(PortalDelivery.created_at)).where(
            col(PortalDelivery.status).in_([DeliveryStatus.pending, DeliveryStatus.sending])
        )
    ).one()
    return int(depth or 0), oldest


register_outbox("portal", portal_outbox)
# Notification backlog: the notifications module calls register_outbox("notification", <its probe>).


class _AppCollector:
    """Figures read at scrape time: the database pool of this process and every registered outbox."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        pool = self.engine.pool
        pid = str(os.getpid())
        for name, attr, doc in (
            ("size", "size", "configured pool size"),
            ("checked_out", "checkedout", "connections in use"),
            ("checked_in", "checkedin", "idle connections in the pool"),
            ("overflow", "overflow", "connections beyond the pool size"),
        ):
            method = getattr(pool, attr, None)
            if callable(method):
                g = GaugeMetricFamily(f"parsipas_db_pool_{name}", f"Database pool: {doc}", labels=["pid"])
                g.add_metric([pid], float(method()))
                yield g
        depth = GaugeMetricFamily("parsipas_outbox_depth", "Messages waiting in an outbox", labels=["outbox"])
        age = GaugeMetricFamily(
            "parsipas_outbox_oldest_age_seconds", "Age of the oldest waiting message", labels=["outbox"]
        )
        now = datetime.now(UTC)
        from api.db import read_session

        with read_session(self.engine) as session:
            for name, probe in sorted(_OUTBOXES.items()):
                count, oldest = probe(session)
                depth.add_metric([name], float(count))
                if oldest is not None and oldest.tzinfo is None:
                    oldest = oldest.replace(tzinfo=UTC)
                age.add_metric([name], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield depth
        yield age


def render_metrics(engine: Engine) -> bytes:
    """The exposition text: request histograms (summed over workers in multi-process mode), pool, outboxes."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

    _latency()
    if os.environ.get(MULTIPROC_ENV):
        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
    else:
        shared = REGISTRY
    own = CollectorRegistry()
    own.register(_AppCollector(engine))
    return generate_latest(shared) + generate_latest(own)


def metrics_token_ok(configured: str, authorization: str | None) -> bool:
    scheme, _, value = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(value.strip().encode(), configured.encode())


# --- readiness --------------------------------------------------------------------------------------------


@cache
def _migration_heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from api.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def check_database(engine: Engine) -> tuple[bool, bool]:
    """(reachable, migrations at head)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except Exception:
        return False, False
    return True, current == _migration_heads()


def check_storage(storage_factory: Callable[[], Any]) -> bool:
    """The evidence store accepts a write: a probe file is written to its temporary area and discarded
    (S3: the bucket must also answer)."""
    try:
        storage = storage_factory()
        writer = storage.open_writer(max_bytes=16)
        try:
            writer.write(b"ready")
        finally:
            writer.abort()
        client = getattr(storage, "_client", None)
        if client is not None:
            client.head_bucket(Bucket=storage.bucket)
    except Exception:
        return False
    return True
