"""Smaller hardening points of issue 15: any malformed token is a 401, the API reference runs its one inline
script by nonce, upload temp files older than a day are swept when the server starts."""

import os
import re
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from api.auth.security import create_access_token
from api.cli import sweep_stale_uploads
from api.config import Settings, get_settings

V1 = "/api/v1"


@pytest.mark.parametrize(("user_id", "session_id"), [(1, 2**70), (2**64, 1), (1, -5), (0, 1)])
def test_a_token_with_out_of_range_ids_is_a_401(client: TestClient, user_id: int, session_id: int) -> None:
    token, _ = create_access_token(get_settings(), user_id=user_id, session_id=session_id)
    r = client.get(f"{V1}/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "unauthorized"


@pytest.mark.parametrize("claims", [{"sub": "abc", "sid": 1}, {"sub": "1", "sid": "x"}, {"sub": "1"}])
def test_a_token_with_garbled_claims_is_a_401(client: TestClient, claims: dict[str, Any]) -> None:
    s = get_settings()
    token = jwt.encode(
        {**claims, "iss": s.jwt_issuer, "aud": s.jwt_audience, "exp": int(time.time()) + 60, "typ": "access"},
        s.effective_secret(),
        algorithm="HS256",
    )
    assert client.get(f"{V1}/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_api_reference_runs_its_inline_script_by_nonce(client: TestClient) -> None:
    first, second = client.get("/api/docs"), client.get("/api/docs")
    csp = first.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", first.text)
    assert inline and all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline)
    assert nonce.group(1) not in second.headers["content-security-policy"]  # new on every response


def test_stale_upload_temp_files_are_swept_at_start(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path, storage_backend="local")
    from api.evidence.service import storage_from_settings

    storage_from_settings(settings)  # creates <data_dir>/evidence/tmp
    tmp = next(p for p in tmp_path.rglob("tmp") if p.is_dir())
    old, fresh = tmp / "upload-old.part", tmp / "upload-new.part"
    for f in (old, fresh):
        f.write_bytes(b"x")
    day_ago = time.time() - 86_400 - 60
    os.utime(old, (day_ago, day_ago))
    assert sweep_stale_uploads(settings) == 1
    assert not old.exists() and fresh.exists()  # an upload in progress (or an hour old) is left alone
