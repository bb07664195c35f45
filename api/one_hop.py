"""The hot read routes in one worker-thread call (#19).

FastAPI solves a route's dependencies one by one on the event loop: for the district's work list eleven of them
(the session, the caller, the permission check, the page and filter parameters), each re-inspecting its
parameters' annotations and computing its cache key, and 17 query parameters validated one at a time. A
synchronous dependency (the caller: one statement) and the synchronous route each take a worker-thread hop.
Measured in process (PostgreSQL, demo): ~0.5 ms of the event loop's CPU per request went to solving the
dependencies and ~0.3 ms to the two hops, against ~0.9 ms for the route's own work (``bench/bench_http.py``).

:class:`OneHopRoute` answers a route marked :func:`one_hop` the same way with less machinery: the query string
is validated by one pydantic model made at start-up from the route's own parameters (the same fields, defaults,
constraints and error types as FastAPI's), the parameter-only dependencies (``PageDep``, the filters) are
awaited on the event loop, and then one worker-thread call opens the request's session, checks the caller
(:func:`api.auth.deps.get_principal`, exactly as the dependency does), checks the route's permissions, raises
the parameters' errors if any (after the caller's check: an anonymous caller gets 401 before a 422, as from
FastAPI), runs the route and ends the session (:func:`api.db.end_request_session`). The route, its OpenAPI
description and its answers are unchanged; a marked route whose dependencies are of any other kind keeps
FastAPI's handler (checked once, at start-up: :func:`plan_for`).
"""

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import fastapi.routing
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.auth.deps import check_permission, get_principal, oauth2_scheme, required_permission
from api.authz.permissions import Permission
from api.db import _request_session, end_request_session, open_request_session

_MARK = "__parsipas_one_hop__"


F = TypeVar("F", bound=Callable[..., Any])


def one_hop(endpoint: F) -> F:
    """Mark a synchronous GET route that returns a ``Response`` for :class:`OneHopRoute`."""
    setattr(endpoint, _MARK, True)
    return endpoint


@dataclass
class _QueryDep:
    """An asynchronous dependency of query parameters and the request only, no I/O (awaited on the event loop
    with its validated values): the page and filter parameters, the app's ``record_route``."""

    name: str | None
    call: Callable[..., Awaitable[Any]]
    params: list[tuple[str, str]]  # (its parameter name, the model's field name)
    request_name: str | None = None  # its Request parameter, if any (the app's record_route)


@dataclass
class Plan:
    """What a marked route needs, read once from its FastAPI ``Dependant``."""

    endpoint: Callable[..., Any]
    model: type[BaseModel]
    aliases: dict[str, str]  # the model's field name → the query parameter's name (for error locations)
    own: list[tuple[str, str]]  # the endpoint's own query parameters: (its parameter name, the model's field)
    query_deps: list[_QueryDep] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    session_name: str | None = None
    principal_names: list[str] = field(default_factory=list)
    request_name: str | None = None


class _Unsupported(Exception):
    pass


def _add_fields(
    dependant: Dependant, fields: dict[str, Any], aliases: dict[str, str]
) -> list[tuple[str, str]]:
    if dependant.path_params or dependant.header_params or dependant.cookie_params or dependant.body_params:
        raise _Unsupported("only query parameters")
    out = []
    for f in dependant.query_params:
        info = f.field_info
        if info.is_required() or f.alias in aliases.values():
            raise _Unsupported(f"required or repeated query parameter {f.alias}")
        annotation = info.annotation
        if getattr(annotation, "__origin__", None) in (list, set, tuple, frozenset):
            raise _Unsupported("a list parameter")
        key = f"q{len(fields)}"
        copied = info._copy()
        copied.alias = f.alias
        copied.validation_alias = f.alias
        fields[key] = (annotation, copied)
        aliases[key] = f.alias
        out.append((f.name, key))
    return out


def plan_for(route: APIRoute, dependant: Dependant) -> Plan | None:
    """The plan of a marked route, or ``None`` (FastAPI's own handler) when it is not marked or not eligible."""
    if not getattr(route.endpoint, _MARK, False):
        return None
    try:
        return _plan(route, dependant)
    except _Unsupported:
        return None


def _plan(route: APIRoute, top: Dependant) -> Plan:
    endpoint = route.endpoint
    if route.methods != {"GET"} or inspect.iscoroutinefunction(endpoint):
        raise _Unsupported("a synchronous GET route")
    if inspect.signature(endpoint, eval_str=True).return_annotation is not Response:
        raise _Unsupported("a route answering a Response")
    fields: dict[str, Any] = {}
    aliases: dict[str, str] = {}
    plan = Plan(endpoint=endpoint, model=BaseModel, aliases=aliases, own=[])
    plan.request_name = top.request_param_name
    if top.response_param_name or top.background_tasks_param_name or top.security_scopes_param_name:
        raise _Unsupported("response, background tasks or security scopes")
    # in FastAPI's order: the route's dependencies, in order, then its own query parameters
    for dep in top.dependencies:
        call = dep.call
        if call is _request_session:
            plan.session_name = dep.name
        elif call is get_principal:
            if dep.name:
                plan.principal_names.append(dep.name)
        elif (permission := required_permission(call)) is not None:
            plan.permissions.append(permission)
            if dep.name:
                plan.principal_names.append(dep.name)
        elif inspect.iscoroutinefunction(call) and not dep.dependencies:
            params = _add_fields(dep, fields, aliases)
            plan.query_deps.append(_QueryDep(dep.name, call, params, dep.request_param_name))
        else:
            raise _Unsupported(f"dependency {call!r}")
    plan.own = _add_fields(top, fields, aliases)
    if plan.session_name is None and not plan.principal_names:
        raise _Unsupported("a route with a caller")
    plan.model = create_model(  # type: ignore[call-overload]
        f"Query_{route.operation_id or route.name}",
        __config__=ConfigDict(extra="ignore", validate_by_alias=True, validate_by_name=False),
        **fields,
    )
    return plan


def _errors(exc: ValidationError, aliases: dict[str, str]) -> list[dict[str, Any]]:
    """pydantic's errors at FastAPI's locations (``("query", name)``)."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        name = aliases.get(str(loc[0]), str(loc[0])) if loc else ""
        out.append({**err, "loc": ("query", name, *loc[1:])})
    return out


def _body(
    plan: Plan,
    request: Request,
    token: str | None,
    kwargs: dict[str, Any],
    errors: list[dict[str, Any]] | None,
) -> Any:
    """In the worker thread: the session, the caller, the permissions, the parameters' errors, the route."""
    session, readonly = open_request_session(request)
    try:
        principal = get_principal(request, session, token)
        for permission in plan.permissions:
            check_permission(principal, permission)
        if errors:
            raise RequestValidationError(errors)
        if plan.session_name:
            kwargs[plan.session_name] = session
        for name in plan.principal_names:
            kwargs[name] = principal
        if plan.request_name:
            kwargs[plan.request_name] = request
        result = plan.endpoint(**kwargs)
    except BaseException:
        end_request_session(session, readonly, failed=True)
        raise
    end_request_session(session, readonly, failed=False)
    return result


def _handler(plan: Plan) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    validate = plan.model.model_validate

    async def handle(request: Request) -> Response:
        token = await oauth2_scheme(request)
        kwargs: dict[str, Any] = {}
        errors: list[dict[str, Any]] | None = None
        values: BaseModel | None = None
        try:
            values = validate(dict(request.query_params))
        except ValidationError as exc:
            errors = _errors(exc, plan.aliases)
        for dep in plan.query_deps:  # as FastAPI: one with parameters only when they are valid
            if dep.params and values is None:
                continue
            args = {name: getattr(values, key) for name, key in dep.params}
            if dep.request_name:
                args[dep.request_name] = request
            result = await dep.call(**args)
            if dep.name:
                kwargs[dep.name] = result
        if values is not None:
            for name, key in plan.own:
                kwargs[name] = getattr(values, key)
        response = await run_in_threadpool(_body, plan, request, token, kwargs, errors)
        if not isinstance(response, Response):  # pragma: no cover (a marked route answers a Response)
            raise TypeError(f"{plan.endpoint.__name__} must answer a Response")
        return response

    return handle


# FastAPI 0.165 builds an included route's handler with its inclusion's context (prefix, the include's
# dependencies) in this variable; with another version the route's own dependant is read.
_CONTEXT: Any = getattr(fastapi.routing, "_effective_route_context_var", None)


class OneHopRoute(APIRoute):
    """An ``APIRoute`` that answers a :func:`one_hop` route with :func:`_handler` (others as FastAPI does).
    While ``app.dependency_overrides`` holds anything (tests), every request takes FastAPI's handler."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        default = super().get_route_handler()
        context = _CONTEXT.get() if _CONTEXT is not None else None
        effective = context if context is not None and context.original_route is self else self
        plan = plan_for(self, effective.dependant)
        if plan is None:
            return default
        fast = _handler(plan)

        async def handle(request: Request) -> Response:
            if getattr(request.app, "dependency_overrides", None):
                return await default(request)
            return await fast(request)

        return handle
