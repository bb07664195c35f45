"""Find a request's router by its first path segment instead of asking every router in turn.

FastAPI 0.165 matches a request by asking each included router of the app, in order, whether one of its routes
matches; each router answers by trying every route's regular expression, and the router that matched tries them
all again to hand the request down. The work list's router is the twelfth of 28: ~65 route matches and ~13 router
walks per request, about a fifth of the work list's CPU in process (``bench/bench_http.py``, fifth round).

A route of an included router can only match a path whose first segment after the include prefix is its own
(``/api/v1`` + ``/assignments/…`` → ``assignments``). :func:`index_routes` reads those segments once the app is
built and lets each router decline at once a request for another segment. A router with a path parameter in a
first segment (none today), or whose routes cannot be read, keeps FastAPI's own matching. Nothing else changes:
the order of routers, partial matches (405), redirects and the route chosen are FastAPI's.
"""

from collections.abc import Callable
from typing import Any

import fastapi.routing
from starlette._utils import (
    get_route_path,  # what Starlette's routes match on (the path without the root path)
)
from starlette.routing import Match

# FastAPI's lazily included routers (0.165); with another version each router keeps its own matching
_IncludedRouter: Any = getattr(fastapi.routing, "_IncludedRouter", None)


def _first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def _segments(included: Any) -> frozenset[str] | None:
    """The first path segments (after the include prefix) of every route of ``included``; ``None`` if one of them
    is not a plain word."""
    prefix = getattr(getattr(included, "include_context", None), "prefix", None)
    if not isinstance(prefix, str):
        return None
    found: set[str] = set()
    for candidate in included.effective_candidates():
        route = getattr(candidate, "original_route", None)
        path = getattr(route, "path", None)
        if not isinstance(path, str) or isinstance(candidate, _IncludedRouter):
            return None
        segment = _first_segment(path)
        if "{" in segment or not segment:
            return None
        found.add(segment)
    return frozenset(found) if found else None


def index_routes(app_routes: list[Any]) -> int:
    """Give each included router of the app a quick refusal of paths outside its first segments; returns how many
    routers got one. Call once, after every router is included (nothing may be added afterwards)."""
    if _IncludedRouter is None:  # pragma: no cover
        return 0
    indexed = 0
    for route in app_routes:
        if not isinstance(route, _IncludedRouter):
            continue
        segments = _segments(route)
        if segments is None:
            continue
        prefix: str = route.include_context.prefix
        route.matches = _quick_matches(route.matches, prefix, segments)  # type: ignore[method-assign,assignment]
        indexed += 1
    return indexed


def _quick_matches(
    matches: Callable[[Any], tuple[Match, Any]], prefix: str, segments: frozenset[str]
) -> Callable[[Any], tuple[Match, Any]]:
    def quick(scope: Any) -> tuple[Match, Any]:
        path = get_route_path(scope)
        if not path.startswith(prefix) or _first_segment(path[len(prefix) :]) not in segments:
            return Match.NONE, {}
        return matches(scope)

    return quick
