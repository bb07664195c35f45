"""The world the authorization matrix runs in (see ``tests/authz/spec.py`` for the contract).

Built fresh for every (case × actor): the ``db`` fixture re-seeds the demo data, then :func:`build_world` adds a
foreign province ``XX → XX.D → XX.D.C`` with its own district admin, an API token of ``LS.BG`` holding every
permission a district token may hold, and lazy, cached logins for every actor.

Logins go through the real ``POST /auth/login``; to keep a few thousand of them fast the users' password hashes
are swapped for a low-cost Argon2id hash of the demo password (verification reads the cost from the hash).
"""

import importlib
import pkgutil
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, select

from tests.authz.spec import ACTORS, Case
from tests.conftest import DEMO_PASSWORD

# actor → demo account (``token`` and ``anonymous`` are not accounts)
ACTOR_USERS = {
    "admin": "admin",
    "district_admin": "noivu",
    "leader": "chutich",
    "observer": "huyenuy",
    "unit_head": "chutich.hoatham",
    "unit_officer": "canbo.hoatham",
    "foreign_admin": "foreign.admin",
}
OWN_UNIT = "LS.BG.X.HOATHAM"
# database url → the world's rows, ids and logins, filled by the first matrix test (see test_matrix.world)
WORLD_CACHE: dict[str, dict[str, Any]] = {}
FOREIGN_CODES = ("XX", "XX.D", "XX.D.C")


@lru_cache
def cheap_demo_hash() -> str:
    """Argon2id of the demo password with minimal cost: same code path, milliseconds instead of 150 ms."""
    from pwdlib.hashers.argon2 import Argon2Hasher

    return Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1).hash(DEMO_PASSWORD)


def use_cheap_passwords(session: Session) -> None:
    """Give every existing account the low-cost hash of the demo password."""
    from api.models import User

    session.execute(update(User).values(password_hash=cheap_demo_hash()))
    session.commit()


# --- the cases -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseModule:
    name: str
    cases: list[Case]
    setup: Callable[[Any], None] | None


def load_case_modules() -> list[CaseModule]:
    """Every module of ``tests/authz/cases`` (alphabetical), with its CASES and optional ``setup``."""
    import tests.authz.cases as pkg

    out: list[CaseModule] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod: ModuleType = importlib.import_module(f"{pkg.__name__}.{info.name}")
        out.append(CaseModule(info.name, list(getattr(mod, "CASES", [])), getattr(mod, "setup", None)))
    return out


# --- the world -------------------------------------------------------------------------------------------


class _Ids(dict[str, Any]):
    """``w.ids``: a missing key runs the setups not yet run (alphabetically) until one provides it."""

    def __init__(self, world: "World") -> None:
        super().__init__()
        self._world = world

    def __missing__(self, key: str) -> Any:
        for name in self._world.pending_setups():
            self._world.run_setup(name)
            if dict.__contains__(self, key):
                return dict.__getitem__(self, key)
        raise KeyError(f"w.ids[{key!r}]: no setup() in tests/authz/cases/ provides it")


class _Headers(dict[str, dict[str, str]]):
    """``w.headers``: auth headers per actor, logging in on first use (cached for the test)."""

    def __init__(self, world: "World") -> None:
        super().__init__()
        self._world = world

    def __missing__(self, actor: str) -> dict[str, str]:
        if actor == "anonymous":
            value: dict[str, str] = {}
        elif actor == "token":
            value = {"Authorization": f"Bearer {self._world.token_plain}"}
        elif actor in ACTOR_USERS:
            value = self._world.login(ACTOR_USERS[actor])
        else:
            raise KeyError(f"unknown actor {actor!r}")
        self[actor] = value
        return value


@dataclass
class World:
    app: FastAPI
    client: TestClient
    session: Session
    modules: dict[str, CaseModule]
    token_plain: str = ""
    units: dict[str, int] = field(default_factory=dict)  # code → id (demo tree and XX)
    users: dict[str, int] = field(default_factory=dict)  # username → id
    ids: _Ids = field(init=False)
    headers: _Headers = field(init=False)
    _setups_done: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.ids = _Ids(self)
        self.headers = _Headers(self)

    # -- helpers for cases ---------------------------------------------------------------------------------
    def login(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        r = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, f"login {username}: {r.status_code} {r.text}"
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def etag(self, path: str, actor: str | None = None) -> str:
        """GET ``path`` as ``actor`` (default ``district_admin``, falling back to ``foreign_admin`` for
        foreign objects) and return its ETag. An action path (``/plans/3/issue``) gives its object's ETag."""
        tried = [actor] if actor else ["district_admin", "foreign_admin"]
        answers = []
        candidates = [path]
        if path.rstrip("/").rsplit("/", 1)[-1].isidentifier():  # …/{id}/verb → …/{id}
            candidates.append(path.rstrip("/").rsplit("/", 1)[0])
        for candidate in candidates:
            for who in tried:
                r = self.client.get(candidate, headers=self.headers[who])
                if r.status_code == 200 and r.headers.get("etag"):
                    return r.headers["etag"]
                answers.append(f"{candidate} as {who}: {r.status_code}")
        raise AssertionError(f"no ETag for {path} ({', '.join(answers)})")

    # -- setups --------------------------------------------------------------------------------------------
    def pending_setups(self) -> list[str]:
        return [n for n in sorted(self.modules) if n not in self._setups_done]

    def run_setup(self, name: str) -> None:
        """Run a case module's ``setup(world)`` once (a module may call this for the modules it needs)."""
        if name in self._setups_done:
            return
        self._setups_done.add(name)  # before running: a setup reading its own missing key must not loop
        module = self.modules[name]
        if module.setup is not None:
            module.setup(self)
            # End the setup's transaction: on SQLite an open session transaction holds the write lock.
            self.session.commit()


def add_unit(session: Session, code: str, name: str, level: str, kind: str, parent: Any) -> Any:
    from api.models import OrgUnit

    unit = OrgUnit(code=code, name=name, level=level, kind=kind, parent_id=parent.id if parent else None)
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.add(unit)
    session.flush()
    return unit


def build_world(app: FastAPI, client: TestClient, session: Session, modules: list[CaseModule]) -> World:
    """The foreign province, its admin, the ``token`` actor, cheap passwords; ids of the landmarks."""
    from api.auth import security
    from api.authz.permissions import TOKEN_CEILING
    from api.models import ApiToken, Membership, OrgUnit, Role, UnitLevel, User

    xx = add_unit(session, "XX", "Tỉnh ngoài (foreign province)", "province", "people_committee", None)
    xxd = add_unit(session, "XX.D", "Huyện ngoài (foreign district)", "district", "people_committee", xx)
    xxc = add_unit(session, "XX.D.C", "Xã ngoài (foreign commune)", "commune", "people_committee", xxd)
    fadmin = User(username="foreign.admin", full_name="Quản trị huyện ngoài", password_hash=cheap_demo_hash())
    session.add(fadmin)
    session.flush()
    session.add(Membership(user_id=fadmin.id or 0, unit_id=xxd.id or 0, role=Role.district_admin))

    units = {u.code: u.id for u in session.exec(select(OrgUnit)).all()}
    district = session.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one()
    plain = f"pst_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        name="matrix token (LS.BG)",
        prefix=plain[:10],
        token_hash=security.sha256_hex(plain),
        unit_id=district.id or 0,
        permissions=sorted(p.value for p in TOKEN_CEILING[UnitLevel.district]),
    )
    session.add(token)
    session.flush()
    users = {u.username: u.id for u in session.exec(select(User)).all() if u.id is not None}
    session.commit()
    use_cheap_passwords(session)

    w = World(app=app, client=client, session=session, modules={m.name: m for m in modules})
    w.token_plain = plain
    w.units = {code: uid for code, uid in units.items() if uid is not None}
    w.users = users
    w.ids.update(
        {
            "own_unit": units[OWN_UNIT],
            "own_district": units["LS.BG"],
            "own_province": units["LS"],
            "foreign_unit": xxc.id,
            "foreign_district": xxd.id,
            "foreign_province": xx.id,
            "foreign_admin_user": fadmin.id,
            "token_id": token.id,
        },
    )
    return w


__all__ = ["ACTORS", "ACTOR_USERS", "World", "build_world", "cheap_demo_hash", "load_case_modules"]
