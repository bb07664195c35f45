"""Fixtures for the portal tests: a scripted portal on loopback and settings that point at it."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from api.config import Settings, get_settings
from tests.portal.server import SECRET, TOKEN, ScriptedPortal, start


@pytest.fixture
def portal() -> Iterator[ScriptedPortal]:
    p = ScriptedPortal()
    server, thread = start(p)
    yield p
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def portal_settings(portal: ScriptedPortal) -> Callable[..., Settings]:
    """Settings pointing at the scripted portal with tiny back-offs (override any field by keyword)."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "portal_url": portal.url,
            "portal_token": TOKEN,
            "portal_hmac_secret": SECRET,
            "portal_timeout_seconds": 0.5,
            "portal_backoff_base_seconds": 0.002,
            "portal_backoff_cap_seconds": 0.01,
            "portal_max_attempts": 10,
            "portal_poll_seconds": 0.02,
            "portal_links_base_url": "https://parsipas.binhgia.example",
        }
        values.update(overrides)
        return get_settings().model_copy(update=values)

    return make
