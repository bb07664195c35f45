"""The authorization matrix: every route × every actor, on an object of the actor's own reach and on one of a
foreign province. ``test_matrix.py`` runs it and fails when a route of the app has no ``Case``.

Each domain declares its rows in ``tests/authz/cases/<domain>.py``:

    def setup(world: World) -> None:        # optional: create the domain's own and foreign objects
        world.ids["own_plan"] = ...
        world.ids["foreign_plan"] = ...

    CASES = [
        Case("plans-get",
             own=lambda w, actor: Req("GET", f"/api/v1/plans/{w.ids['own_plan']}"),
             foreign=lambda w, actor: Req("GET", f"/api/v1/plans/{w.ids['foreign_plan']}"),
             allowed=READERS),
        Case("plans-list", own=lambda w, a: Req("GET", "/api/v1/plans"), allowed=READERS,
             list_foreign_ids=lambda w: {w.ids["foreign_plan"]}),
    ]

The world (built fresh for every row × actor):
- own province ``LS`` with the demo tree; the actors are the demo accounts: ``admin`` (LS), ``district_admin``
  (noivu @ LS.BG), ``leader`` (chutich @ LS.BG), ``observer`` (huyenuy @ LS.BG), ``unit_head`` (chutich.hoatham @
  LS.BG.X.HOATHAM), ``unit_officer`` (canbo.hoatham @ LS.BG.X.HOATHAM), ``token`` (an API token of LS.BG holding
  every permission a district token may hold) and ``anonymous``.
- "own" objects live in commune Hoa Thám (``w.ids["own_unit"]``) or are issued by LS.BG with work for Hoa Thám,
  so every actor reaches them (commune actors through their assignment).
- a foreign province ``XX`` → district ``XX.D`` → commune ``XX.D.C`` (``w.ids["foreign_unit"]`` is the commune,
  ``w.ids["foreign_district"]`` the district) with its own district admin ``w.headers["foreign_admin"]``.
  Nothing there is reachable by any actor: the foreign request must answer 403 or 404 (404 when the actor holds
  the permission), and list rows must never include ``list_foreign_ids``.
- ``w.client`` is the TestClient; ``w.headers[actor]`` the auth headers; ``w.etag(path, actor)`` GETs ``path``
  as ``actor`` (default ``district_admin``, or ``foreign_admin`` for foreign paths) and returns its ETag, for
  ``If-Match`` on edits (an action path such as ``/plans/3/issue`` gives the ETag of ``/plans/3``); ``w.session`` is a SQLModel session on the test database for direct setup.
- also: ``w.units`` (code → id, demo tree and XX), ``w.users`` (username → id), ``w.login(username)`` → headers,
  ``w.ids["token_id"]`` (the ``token`` actor), ``w.ids["foreign_admin_user"]``.

How the runner (``tests/authz/test_matrix.py``, world in ``tests/authz/world.py``) reads a row:
- the row's own module ``setup`` runs first; another module's ``setup`` runs when a missing ``w.ids`` key is read
  (or call ``w.run_setup("plans")``). Each setup runs at most once per world, and its transaction is committed.
- a row's request must reach its operation (method and path template are checked against the OpenAPI document).
- foreign request: 404 for actors in ``allowed`` (they hold the permission, the object is out of scope), 403/404
  for the others, 401 for anonymous (on non-public routes).
- a non-public row without ``foreign`` and without ``list_foreign_ids`` needs a ``note`` saying why.
- list rows: ``foreign_listed_by`` (default ``foreign_admin``) must see at least one of ``list_foreign_ids`` with
  the same request, so the ids are real rows; set it to None (with a note) when nobody there can list them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTORS = ("admin", "district_admin", "leader", "observer", "unit_head", "unit_officer", "token", "anonymous")

# Convenience sets of actors expected to succeed on their own object.
ALL_USERS = frozenset(ACTORS) - {"anonymous"}
READERS = frozenset({"district_admin", "leader", "observer", "unit_head", "unit_officer", "token"})
DISTRICT_ADMINS = frozenset({"district_admin", "token"})
UNIT_WORKERS = frozenset({"district_admin", "unit_head", "unit_officer", "token"})
UNIT_SUBMITTERS = frozenset({"district_admin", "unit_head", "token"})
SETUP_ADMINS = frozenset({"admin", "district_admin", "token"})


@dataclass
class Req:
    method: str
    path: str
    json: Any = None
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] | None = None


@dataclass
class Case:
    op: str  # the route's operation id (see /api/v1/openapi.json)
    own: Callable[[Any, str], Req]  # (world, actor) → request on an object the actor reaches
    foreign: Callable[[Any, str], Req] | None = None  # same request on the foreign province's object
    allowed: frozenset[str] = frozenset()  # actors for whom ``own`` succeeds (2xx)
    list_foreign_ids: Callable[[Any], set[Any]] | None = None  # list routes: ids never to appear in ``items``
    ok: tuple[int, ...] = (200, 201, 202, 204, 206)
    public: bool = False  # no authentication required (health, login, refresh)
    note: str = ""  # why a non-public row has neither ``foreign`` nor ``list_foreign_ids``, or other remarks
    # Optional. List rows: the actor that does list ``list_foreign_ids`` (proves they are real rows); None = skip.
    foreign_listed_by: str | None = "foreign_admin"
