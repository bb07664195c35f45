"""The adapter boundary: how an approved report becomes a request to the provincial portal.

No national exchange format for CCHC progress reports exists (domain reference §3.3), so parsipas ships its own
versioned document, ``parsipas.report.v1`` (``api/portal/schema.json``), sent by the ``parsipas-v1`` adapter. A
province with its own format (an LGSP service, another JSON or XML shape) writes a class with the same two
methods and sets ``PARSIPAS_PORTAL_ADAPTER=package.module:ClassName``; it is then registered under its ``name``.

The worker, not the adapter, adds what every delivery must carry whatever the format: the bearer token, the
``Idempotency-Key`` and the HMAC signature over the exact body bytes.
"""

import importlib
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from api import __version__
from api.config import Settings
from api.models import OrgUnit, Report, ReportingPeriod

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"
DOCUMENT_VERSION = "parsipas.report.v1"
DEFAULT_ADAPTER = "parsipas-v1"


@lru_cache
def load_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of the ``parsipas.report.v1`` document."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class ReportLinks:
    """Where the exported files of the report can be fetched (relative unless a public base URL is set)."""

    docx: str
    xlsx: str
    json: str

    @classmethod
    def for_report(cls, report_id: int, base_url: str | None = None) -> "ReportLinks":
        base = (base_url or "").rstrip("/")
        path = f"{base}/api/v1/reports/{report_id}/export?format="
        return cls(docx=path + "docx", xlsx=path + "xlsx", json=path + "json")


@dataclass(frozen=True)
class PortalRequest:
    method: str
    url_path: str  # appended to PARSIPAS_PORTAL_URL ("" = the URL itself)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@runtime_checkable
class PortalAdapter(Protocol):
    name: str

    def build_payload(
        self, report: Report, period: ReportingPeriod, unit: OrgUnit, links: ReportLinks
    ) -> dict[str, Any]:
        """The document to send, built once at approval and stored in the outbox row (JSON-serialisable)."""
        ...

    def request(self, payload: dict[str, Any], idempotency_key: str) -> PortalRequest:
        """The HTTP request for a stored payload; must give the same body bytes on every retry."""
        ...


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _enum(value: Any) -> Any:
    return getattr(value, "value", value)


def _section(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _plain_json(value: Any) -> Any:
    """Frozen figures/table through a JSON round trip, so dates and decimals become plain JSON values."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


class ParsipasV1Adapter:
    """``parsipas.report.v1``: the published JSON document, POSTed to the portal URL as is."""

    name = DEFAULT_ADAPTER

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def build_payload(
        self, report: Report, period: ReportingPeriod, unit: OrgUnit, links: ReportLinks
    ) -> dict[str, Any]:
        return {
            "document_version": DOCUMENT_VERSION,
            "generated_at": datetime.now(UTC).isoformat(),
            "source": {
                "system": "parsipas",
                "version": __version__,
                "instance": (self.settings.portal_links_base_url if self.settings else None) or None,
            },
            "unit": {"code": unit.code, "name": unit.name, "level": _enum(unit.level)},
            "period": {
                "year": period.year,
                "kind": _enum(period.kind),
                "name": period.name,
                "data_from": _iso(period.data_from),
                "data_to": _iso(period.data_to),
            },
            "report": {
                "id": report.id,
                "level": _enum(report.level),
                "number": report.number,
                "title": report.title,
                "status": _enum(report.status),
                "approved_at": _iso(report.reviewed_at or report.frozen_at),
                "signer": {"name": report.signer, "title": report.signer_title},
            },
            "figures": _plain_json(report.figures or {}),
            "task_table": _plain_json(report.task_table or []),
            "narrative": {str(k): _section(v) for k, v in (report.narrative or {}).items()},
            "links": {"docx": links.docx, "xlsx": links.xlsx, "json": links.json},
        }

    def request(self, payload: dict[str, Any], idempotency_key: str) -> PortalRequest:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        return PortalRequest("POST", "", {"Content-Type": "application/json"}, body)


_REGISTRY: dict[str, type] = {DEFAULT_ADAPTER: ParsipasV1Adapter}


class AdapterError(RuntimeError):
    """The configured adapter cannot be loaded or is not registered."""


def register_adapter(cls: type) -> type:
    """Register an adapter class under its ``name`` (usable as a class decorator)."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise AdapterError(f"Adapter {cls!r} has no name")
    _REGISTRY[name] = cls
    return cls


def _load(spec: str) -> type:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise AdapterError(
            f"PARSIPAS_PORTAL_ADAPTER phải có dạng 'module:Class' hoặc tên đã đăng ký, nhận được {spec!r}"
        )
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise AdapterError(f"Không nạp được adapter cổng tỉnh {spec!r}: {exc}") from exc
    if not isinstance(cls, type):
        raise AdapterError(f"{spec!r} is not a class")
    return register_adapter(cls)


def _instantiate(cls: type, settings: Settings) -> PortalAdapter:
    adapter = cls(settings) if inspect.signature(cls).parameters else cls()
    if not isinstance(adapter, PortalAdapter):
        raise AdapterError(f"{cls!r} does not implement PortalAdapter (name, build_payload, request)")
    return adapter


def configured_adapter(settings: Settings) -> PortalAdapter:
    """The adapter new deliveries use: ``PARSIPAS_PORTAL_ADAPTER`` (a registered name or ``module:Class``)."""
    spec = settings.portal_adapter or DEFAULT_ADAPTER
    cls = _REGISTRY.get(spec) or _load(spec)
    return _instantiate(cls, settings)


def adapter_by_name(name: str, settings: Settings) -> PortalAdapter:
    """The adapter a stored delivery was built with (the configured one is loaded first, so it is known)."""
    if name not in _REGISTRY:
        configured_adapter(settings)
    cls = _REGISTRY.get(name)
    if cls is None:
        raise AdapterError(
            f"Adapter {name!r} is not registered (PARSIPAS_PORTAL_ADAPTER={settings.portal_adapter})"
        )
    return _instantiate(cls, settings)
