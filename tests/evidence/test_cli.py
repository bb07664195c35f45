"""``parsipas verify-storage``, ``backup`` and ``restore`` on a SQLite database of their own."""

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.config import get_settings
from api.db import dispose_engines, get_engine
from api.evidence.seed import demo_hashes
from api.evidence.storage import LocalStorage
from api.main import create_app
from api.migrate import upgrade
from tests.conftest import DEMO_PASSWORD, login
from tests.evidence.helpers import make_assignment, pdf_bytes, unit_id

runner = CliRunner()


@dataclass
class Env:
    root: Path
    db_file: Path
    store: LocalStorage
    assignment_id: int


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _demo_hash: str) -> Iterator[Env]:
    import api.auth.security as security
    from api.demo import seed as demo_seed

    root = tmp_path / "data"
    db_file = root / "parsipas.db"
    url = f"sqlite:///{db_file.as_posix()}"
    monkeypatch.setenv("PARSIPAS_DATA_DIR", str(root))
    monkeypatch.setenv("PARSIPAS_DATABASE_URL", url)
    monkeypatch.setenv("PARSIPAS_STORAGE_BACKEND", "local")
    monkeypatch.setattr(
        security,
        "hash_password",
        lambda _pw, _h=_demo_hash: _h if _pw == DEMO_PASSWORD else security._hasher.hash(_pw),
    )
    get_settings.cache_clear()
    upgrade(url)
    with Session(get_engine(url)) as s:
        demo_seed.seed(s)
        _, aid = make_assignment(
            s, issuer_id=unit_id(s, "LS.BG"), unit=unit_id(s, "LS.BG.X.HOATHAM"), label="CLI.1", number="97"
        )
        s.commit()
    yield Env(root, db_file, LocalStorage(root / "evidence"), aid)
    dispose_engines()
    get_settings.cache_clear()


def _client() -> TestClient:
    settings = get_settings()
    return TestClient(create_app(settings, get_engine(settings.database_url)))


def _upload(c: TestClient, assignment_id: int, data: bytes, name: str) -> dict[str, object]:
    r = c.post(
        f"/api/v1/assignments/{assignment_id}/evidence",
        headers=login(c, "canbo.hoatham"),
        data={"title": name},
        files={"file": (name, data, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_backup_wipe_restore_round_trip(env: Env, tmp_path: Path) -> None:
    a, b = pdf_bytes(200_000, seed=3), pdf_bytes(70_000, seed=4)
    with _client() as c:
        ev_a = _upload(c, env.assignment_id, a, "Báo cáo quý I.pdf")
        ev_b = _upload(c, env.assignment_id, b, "Quyết định.pdf")
    dest = tmp_path / "backup"
    r = runner.invoke(cli_app, ["backup", str(dest)])
    assert r.exit_code == 0, r.output
    manifest = json.loads((dest / "manifest.json").read_text())
    # the demo's own documents (api/evidence/seed.py) are backed up with the two uploads
    assert set(manifest["blobs"]) == {ev_a["sha256"], ev_b["sha256"]} | demo_hashes()
    assert manifest["database"]["kind"] == "sqlite"
    assert runner.invoke(cli_app, ["backup", str(dest)]).exit_code == 2  # never into a non-empty directory

    # restore refuses to overwrite live data without --force
    r = runner.invoke(cli_app, ["restore", str(dest)])
    assert r.exit_code == 2 and "--force" in r.output

    dispose_engines()
    shutil.rmtree(env.root)  # wipe: database and evidence store gone
    r = runner.invoke(cli_app, ["restore", str(dest)])
    assert r.exit_code == 0, r.output
    with _client() as c:
        h = login(c, "canbo.hoatham")
        for ev, data in ((ev_a, a), (ev_b, b)):
            d = c.get(f"/api/v1/evidence/{ev['id']}/content", headers=h)
            assert d.status_code == 200 and d.content == data
    assert runner.invoke(cli_app, ["verify-storage"]).exit_code == 0


def test_verify_storage_reports_missing_corrupt_orphaned(env: Env) -> None:
    with _client() as c:
        good = _upload(c, env.assignment_id, pdf_bytes(seed=11), "a.pdf")
        bad = _upload(c, env.assignment_id, pdf_bytes(seed=12), "b.pdf")
        gone = _upload(c, env.assignment_id, pdf_bytes(seed=13), "c.pdf")
    assert runner.invoke(cli_app, ["verify-storage"]).exit_code == 0
    path = env.store.path_for(str(bad["sha256"]))
    raw = bytearray(path.read_bytes())
    raw[1000] ^= 0xFF
    path.write_bytes(bytes(raw))
    env.store.delete(str(gone["sha256"]))
    with env.store.open_writer() as w:
        w.write(b"%PDF-1.4 orphan")
        orphan = w.commit().sha256
    r = runner.invoke(cli_app, ["verify-storage", "--json"])
    assert r.exit_code == 1
    report = json.loads(r.output)
    assert report["ok"] == sorted({str(good["sha256"])} | demo_hashes())
    assert report["corrupt"] == [bad["sha256"]]
    assert report["missing"] == [gone["sha256"]]
    assert report["orphaned"] == [orphan]
