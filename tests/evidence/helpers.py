"""Shared helpers for the evidence tests: a minimal plan/task/assignment and sample files."""

import io
import random
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from api.models import Assignment, OrgUnit, Plan, Task
from api.models.plan import PlanStatus, TaskUnitRole


def unit_id(session: Session, code: str) -> int:
    unit = session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()
    assert unit.id is not None
    return unit.id


def make_assignment(
    session: Session, *, issuer_id: int, unit: int, label: str = "EV.1", number: str = "99"
) -> tuple[int, int]:
    """A plan issued by ``issuer_id`` with one task assigned to ``unit``; returns (plan_id, assignment_id)."""
    plan = Plan(
        number=number,
        symbol="KH-EV",
        title="Kế hoạch thử tài liệu kiểm chứng",
        issuing_unit_id=issuer_id,
        year=2024,
        status=PlanStatus.issued,
    )
    session.add(plan)
    session.flush()
    assert plan.id is not None
    task = Task(plan_id=plan.id, label=label, title="Nhiệm vụ thử", lead_unit_id=unit)
    session.add(task)
    session.flush()
    assert task.id is not None
    a = Assignment(task_id=task.id, plan_id=plan.id, unit_id=unit, role=TaskUnitRole.lead)
    session.add(a)
    session.flush()
    assert a.id is not None
    return plan.id, a.id


def pdf_bytes(size: int = 50_000, seed: int = 1) -> bytes:
    body = random.Random(seed).randbytes(max(size - 20, 0))
    return b"%PDF-1.4\n" + body + b"\n%%EOF\n"


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def zip_bomb_docx() -> bytes:
    """A DOCX-looking archive whose one member inflates 1000:1 (refused by the ratio/size checks)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (20 * 1024 * 1024))
    return buf.getvalue()


def upload_fields(title: str = "Quyết định số 12/QĐ-UBND", **extra: Any) -> dict[str, Any]:
    return {"title": title, **extra}


# --- a real server process (crash test, benchmark) ------------------------------------------------------

SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def prepare_site(root: Path, **extra_env: str) -> tuple[dict[str, str], int]:
    """A migrated SQLite database with the demo accounts and one Hoa Thám assignment under ``root``.

    Returns the environment for the server process and the assignment id.
    """
    import os
    from pathlib import Path

    from api.db import get_engine
    from api.demo import seed as demo_seed
    from api.migrate import upgrade

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(root / 'parsipas.db').as_posix()}"
    upgrade(url)
    engine = get_engine(url)
    with Session(engine) as s:
        demo_seed.seed(s)
        _, aid = make_assignment(
            s, issuer_id=unit_id(s, "LS.BG"), unit=unit_id(s, "LS.BG.X.HOATHAM"), label="SRV.1", number="96"
        )
        s.commit()
    engine.dispose()
    env = {
        **os.environ,
        "PARSIPAS_ENV": "test",
        "PARSIPAS_SECRET_KEY": SECRET,
        "PARSIPAS_DATABASE_URL": url,
        "PARSIPAS_DATA_DIR": str(root),
        "PARSIPAS_STORAGE_BACKEND": "local",
        **extra_env,
    }
    return env, aid


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, startup_s: float = 120) -> subprocess.Popen[bytes]:
    """``uvicorn api.asgi:app`` on 127.0.0.1:``port``, returned once /api/v1/health answers."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def server_login(
    port: int, username: str = "canbo.hoatham", password: str = "BinhGia@2024"
) -> dict[str, str]:
    import httpx

    r = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/auth/login", json={"username": username, "password": password}
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
