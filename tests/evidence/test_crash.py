"""A server killed (SIGKILL) in the middle of an upload leaves no evidence row and no file under a final name."""

import os
import signal
import socket
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.evidence.seed import demo_hashes
from api.evidence.storage import LocalStorage
from tests.conftest import DEMO_PASSWORD
from tests.evidence.helpers import free_port, prepare_site, server_login, start_server


@pytest.fixture
def fast_demo_hash(monkeypatch: pytest.MonkeyPatch, _demo_hash: str) -> None:
    import api.auth.security as security

    monkeypatch.setattr(
        security,
        "hash_password",
        lambda _pw, _h=_demo_hash: _h if _pw == DEMO_PASSWORD else security._hasher.hash(_pw),
    )


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


DEMO = demo_hashes()  # the demo seed's own documents (api/evidence/seed.py), present in every demo site


def _uploaded_rows(conn: sa.Connection) -> int:
    """Evidence rows other than the demo's own documents."""
    rows = conn.exec_driver_sql("SELECT sha256 FROM evidence").scalars().all()
    return sum(1 for sha in rows if sha not in DEMO)


def test_kill_9_during_upload_leaves_no_row_and_no_final_file(tmp_path: Path, fast_demo_hash: None) -> None:
    root = tmp_path / "site"
    env, assignment_id = prepare_site(root)
    port = free_port()
    proc = start_server(env, port)
    try:
        headers = server_login(port)
        boundary = uuid.uuid4().hex
        total = 20 * 1024 * 1024
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBáo cáo\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="lon.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        request = (
            f"POST /api/v1/assignments/{assignment_id}/evidence HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            f"Authorization: {headers['Authorization']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(head) + total + len(tail)}\r\n\r\n"
        ).encode()
        tmp_dir = root / "evidence" / "tmp"
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request + head + b"%PDF-1.4\n")
            sent, chunk = 9, os.urandom(256 * 1024)
            deadline = time.monotonic() + 20
            # Send slowly until the server has written a good part of the file to its temp file.
            while time.monotonic() < deadline:
                sock.sendall(chunk)
                sent += len(chunk)
                time.sleep(0.01)
                temps = _files(tmp_dir)
                if temps and temps[0].stat().st_size >= 2 * 1024 * 1024:
                    break
            assert _files(tmp_dir), "the upload never reached the server's temp file"
            assert sent < total
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    engine = sa.create_engine(env["PARSIPAS_DATABASE_URL"])
    with engine.connect() as conn:
        assert _uploaded_rows(conn) == 0
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM audit_event WHERE action LIKE 'evidence%'").scalar()
            == 0
        )
    engine.dispose()
    store = LocalStorage(root / "evidence")
    # nothing under a final (content-addressed) name but the demo's own documents
    assert [p for p in _files(root / "evidence" / "sha256") if p.name not in DEMO] == []
    assert set(store.iter_hashes()) <= DEMO
    leftovers = _files(tmp_dir)
    assert all(p.name.startswith("upload-") and p.name.endswith(".part") for p in leftovers)
    assert store.cleanup_stale_temp(0) == len(leftovers)
    assert _files(tmp_dir) == []


def test_client_gone_mid_upload_leaves_nothing_and_server_keeps_serving(
    tmp_path: Path, fast_demo_hash: None
) -> None:
    """The client closes its connection while the server is between batches (one batch in the worker thread,
    the next being received): the temp file is discarded, no row is written, the server answers the next upload."""
    root = tmp_path / "site"
    env, assignment_id = prepare_site(root)
    port = free_port()
    proc = start_server(env, port)
    try:
        headers = server_login(port)
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="dang-do.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        request = (
            f"POST /api/v1/assignments/{assignment_id}/evidence HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAuthorization: {headers['Authorization']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(head) + 30 * 1024 * 1024}\r\n\r\n"
        ).encode()
        tmp_dir = root / "evidence" / "tmp"
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request + head + b"%PDF-1.4\n" + os.urandom(9 * 1024 * 1024))
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not _files(tmp_dir):
                time.sleep(0.01)
            assert _files(tmp_dir), "the upload never reached the server's temp file"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _files(tmp_dir):
            time.sleep(0.05)
        assert _files(tmp_dir) == []
        assert _files(root / "evidence" / "sha256") == []

        import httpx

        r = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/assignments/{assignment_id}/evidence",
            headers=headers,
            files={
                "file": (
                    "sau.pdf",
                    b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024) + b"%%EOF\n",
                    "application/pdf",
                )
            },
            data={"title": "Sau khi mất kết nối"},
            timeout=30,
        )
        assert r.status_code == 201, r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    engine = sa.create_engine(env["PARSIPAS_DATABASE_URL"])
    with engine.connect() as conn:
        assert _uploaded_rows(conn) == 1
    engine.dispose()
