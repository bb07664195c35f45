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
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from api.config import Settings
from api.models import OrgUnit, Report, ReportingPeriod
from api.reports import exchange
from api.reports.exchange import ReportLinks

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"
DEFAULT_ADAPTER = "parsipas-v1"


@lru_cache
def load_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of the ``parsipas.report.v1`` document."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


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


class ParsipasV1Adapter:
    """``parsipas.report.v1``: the published JSON document, POSTed to the portal URL as is."""

    name = DEFAULT_ADAPTER

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def build_payload(
        self, report: Report, period: ReportingPeriod, unit: OrgUnit, links: ReportLinks
    ) -> dict[str, Any]:
        return exchange.build(
            report,
            period,
            unit,
            figures=report.figures or {},
            task_table=report.task_table or [],
            approved_at=report.reviewed_at or report.frozen_at,
            links=links,
            instance=self.settings.portal_links_base_url if self.settings else None,
        )

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
