"""The OpenAPI document generates a complete Python client, as the provincial portal's and the districts' scripts
do: openapi-python-client 0.29 (run through ``uv tool run``, it cannot share the project's environment: it pins
older typer/httpx) with ``scripts/openapi-python-client.yaml`` skips no operation and drops no response; the
generated client then logs in, reads the work list and runs a dry-run import against the app."""

import importlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = "openapi-python-client==0.29.1"
CONFIG = ROOT / "scripts" / "openapi-python-client.yaml"


@pytest.fixture
def generated(app: Any, tmp_path: Path) -> Any:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(app.openapi(), ensure_ascii=False), encoding="utf-8")
    package = f"parsipas_client_{uuid.uuid4().hex[:8]}"
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    cmd = [uv, "tool", "run", "--from", GENERATOR, "openapi-python-client", "generate"]
    cmd += [
        "--path",
        str(spec),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / package),
        "--config",
        str(CONFIG),
    ]
    r = subprocess.run(
        cmd, capture_output=True, text=True, timeout=900, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    )
    output = r.stdout + r.stderr
    assert r.returncode == 0, output
    assert "WARNING" not in output, output  # an operation or a response skipped
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(package), tmp_path / package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def test_generated_client_is_complete_and_works(generated: Any, client: TestClient, session: Session) -> None:
    pkg, folder = generated
    name = pkg.__name__
    api = lambda tag, op: importlib.import_module(f"{name}.api.{tag}.{op}")  # noqa: E731
    models = importlib.import_module(f"{name}.models")

    # every operation of the document has its module, the file answers included
    operations = {
        op["operationId"].replace("-", "_")
        for item in client.app.openapi()["paths"].values()  # type: ignore[attr-defined]
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    generated_ops = {p.stem for p in (folder / "api").rglob("*.py") if p.stem != "__init__"}
    assert operations <= generated_ops, sorted(operations - generated_ops)
    template = (folder / "api" / "imports" / "imports_template.py").read_text(encoding="utf-8")
    assert "File" in template and "response.content" in template  # XLSX kept as bytes

    anonymous = importlib.import_module(f"{name}.client").Client(base_url="http://testserver")
    anonymous.set_httpx_client(client)
    login = api("auth", "auth_login").sync(
        client=anonymous, body=models.AuthLoginJsonLoginRequest(username="noivu", password=DEMO_PASSWORD)
    )
    assert isinstance(login, models.TokenPair), login
    authed = importlib.import_module(f"{name}.client").AuthenticatedClient(
        base_url="http://testserver", token=login.access_token
    )
    authed.set_httpx_client(client)
    client.headers["Authorization"] = (
        f"Bearer {login.access_token}"  # the shared httpx client carries the token
    )

    work = api("assignments", "assignments_work_list").sync(client=authed, limit=5)
    assert work.total > 0 and 0 < len(work.items) <= 5, work
    assert all(isinstance(i.id, int) for i in work.items)

    from api.models import OrgUnit

    before = session.exec(select(func.count()).select_from(OrgUnit)).one()
    session.commit()  # end the read (SQLite: the session's BEGIN IMMEDIATE would hold the write lock)
    row = models.ImportsRunJsonImportRowsItemsItem.from_dict(
        {
            "code": "LS.BG.X.PYCLIENT",
            "name": "Xã thử client",
            "level": "Xã",
            "kind": "UBND",
            "parent_code": "LS.BG",
        }
    )
    result = api("imports", "imports_run").sync(
        kind=models.ImportKindName.ORG_UNITS,
        client=authed,
        body=models.ImportsRunJsonImportRows(items=[row]),
        dry_run=True,
    )
    assert isinstance(result, models.ImportResult), result
    assert result.dry_run is True and result.created == 1 and not result.errors
    session.expire_all()
    assert session.exec(select(func.count()).select_from(OrgUnit)).one() == before  # a dry run writes nothing
