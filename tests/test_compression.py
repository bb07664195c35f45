"""gzip for JSON answers (round trip; never downloads or ranges) and content ETags with 304 on the plan appendix
and framework trees (a changed document gets a changed tag)."""

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.compression import MINIMUM_SIZE, accepts_gzip
from api.evidence.storage import LocalStorage
from tests.evidence.helpers import make_assignment, unit_id
from tests.frameworks.helpers import document, small_nodes

V1 = "/api/v1"
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def _raw(client: TestClient, url: str, headers: dict[str, str]) -> tuple[Any, bytes]:
    """The response and its body as sent on the wire (not decoded)."""
    with client.stream("GET", url, headers=headers) as r:
        return r, b"".join(r.iter_raw())


def _biggest_plan(client: TestClient, h: dict[str, str]) -> int:
    """The demo plan with the longest appendix."""
    plans = client.get(f"{V1}/plans", params={"limit": 100}, headers=h).json()["items"]
    sizes = {
        p["id"]: len(client.get(f"{V1}/plans/{p['id']}/tasks", headers=h).json()["tasks"]) for p in plans
    }
    best = max(sizes, key=lambda k: sizes[k])
    assert sizes[best] > 5, sizes
    return best


def test_accept_encoding_parsing() -> None:
    assert accepts_gzip("gzip, deflate, br") and accepts_gzip("*") and accepts_gzip("br;q=1, gzip;q=0.5")
    assert not accepts_gzip("") and not accepts_gzip("identity") and not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("*, gzip;q=0") and not accepts_gzip("br")


def test_compressed_json_round_trips(client: TestClient, auth: Any) -> None:
    h = auth("noivu")
    url = f"{V1}/plans/{_biggest_plan(client, h)}/tasks"
    plain, plain_body = _raw(client, url, {**h, **IDENTITY})
    packed, packed_body = _raw(client, url, {**h, **GZIP})
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers and len(plain_body) > MINIMUM_SIZE
    assert packed.headers["content-encoding"] == "gzip"
    assert (
        "accept-encoding" in packed.headers["vary"].lower()
        and "accept-encoding" in plain.headers["vary"].lower()
    )
    assert int(packed.headers["content-length"]) == len(packed_body) < len(plain_body) / 3
    assert gzip.decompress(packed_body) == plain_body
    assert json.loads(gzip.decompress(packed_body)) == client.get(url, headers=h).json()
    # problem+json is JSON too; a small answer stays as it is
    assert "content-encoding" not in client.get(f"{V1}/health/live", headers=GZIP).headers


def test_which_answers_are_compressed() -> None:
    """The middleware alone: JSON and problem+json of size ≥ the minimum, never attachments, ranges, other types,
    already encoded or streamed bodies."""
    from starlette.applications import Starlette
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    from api.compression import JsonCompressionMiddleware

    big = json.dumps([{"n": i, "name": "Xã Hoa Thám"} for i in range(300)]).encode()
    answers: dict[str, Any] = {
        "json": lambda: Response(big, media_type="application/json"),
        "problem": lambda: Response(big, status_code=422, media_type="application/problem+json"),
        "small": lambda: Response(big[:100], media_type="application/json"),
        "attachment": lambda: Response(
            big, media_type="application/json", headers={"Content-Disposition": "attachment; filename=x.json"}
        ),
        "csv": lambda: Response(big, media_type="text/csv"),
        "encoded": lambda: Response(
            gzip.compress(big), media_type="application/json", headers={"Content-Encoding": "gzip"}
        ),
        "streamed": lambda: StreamingResponse(iter([big, big]), media_type="application/json"),
        "partial": lambda: Response(big, status_code=206, media_type="application/json"),
    }
    app = Starlette(routes=[Route(f"/{k}", lambda _r, k=k: answers[k]()) for k in answers])
    with TestClient(JsonCompressionMiddleware(app)) as c:
        coding = {k: c.get(f"/{k}", headers=GZIP).headers.get("content-encoding") for k in answers}
        assert json.loads(c.get("/json", headers=GZIP).content) == json.loads(big)
        assert c.get("/json", headers={**GZIP, "Range": "bytes=0-9"}).headers.get("content-encoding") is None
        assert c.get("/json", headers=IDENTITY).headers.get("content-encoding") is None
        assert c.get("/streamed", headers=GZIP).content == big + big
    assert coding == {
        "json": "gzip",
        "problem": "gzip",
        "small": None,
        "attachment": None,
        "csv": None,
        "encoded": "gzip",  # the handler's own encoding, untouched (not gzipped twice)
        "streamed": None,
        "partial": None,
    }


@pytest.fixture
def evidence_id(client: TestClient, auth: Any, session: Session, app: Any, tmp_path: Path) -> int:
    app.state.evidence_storage = LocalStorage(tmp_path / "store")
    _, assignment = make_assignment(
        session, issuer_id=unit_id(session, "LS.BG"), unit=unit_id(session, "LS.BG.X.HOATHAM")
    )
    session.commit()
    data = b"%PDF-1.4\n" + b"0 0 obj << /Type /Page >> endobj\n" * 4000 + b"%%EOF\n"  # very compressible
    r = client.post(
        f"{V1}/assignments/{assignment}/evidence",
        headers=auth("noivu"),
        data={"title": "Báo cáo"},
        files={"file": ("bao-cao.pdf", data, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_evidence_download_is_never_compressed(client: TestClient, auth: Any, evidence_id: int) -> None:
    url = f"{V1}/evidence/{evidence_id}/content"
    h = {**auth("noivu"), "Accept-Encoding": "gzip, deflate, br, *"}
    full, body = _raw(client, url, h)
    assert full.status_code == 200 and "content-encoding" not in full.headers
    assert body.startswith(b"%PDF-1.4") and int(full.headers["content-length"]) == len(body) > 100_000
    part, piece = _raw(client, url, {**h, "Range": "bytes=0-99"})
    assert part.status_code == 206 and "content-encoding" not in part.headers and piece == body[:100]
    meta, _ = _raw(client, f"{V1}/evidence/{evidence_id}", h)
    assert meta.status_code == 200  # the JSON about the file may be compressed, the file never


def test_plan_appendix_etag_304_and_change(client: TestClient, auth: Any) -> None:
    h = auth("noivu")
    plan_id = _biggest_plan(client, h)
    url = f"{V1}/plans/{plan_id}/tasks"
    first = client.get(url, headers={**h, **GZIP})
    tag = first.headers["etag"]
    assert (
        first.status_code == 200
        and tag.startswith('W/"')
        and first.headers["cache-control"] == "private, no-cache"
    )
    assert client.get(url, headers=h).headers["etag"] == tag  # same document, same tag, whatever the coding
    same = client.get(url, headers={**h, "If-None-Match": tag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == tag
    assert (
        client.get(url, headers={**h, "If-None-Match": '"other", ' + tag.removeprefix("W/")}).status_code
        == 304
    )
    assert client.get(url, headers={**h, "If-None-Match": 'W/"stale"'}).status_code == 200

    task_id = first.json()["tasks"][0]["id"]
    etag = client.get(f"{V1}/tasks/{task_id}", headers=h).headers["etag"]
    r = client.patch(
        f"{V1}/tasks/{task_id}",
        json={"target": "Chỉ tiêu mới cho phép thử ETag", "reason": "Điều chỉnh chỉ tiêu"},
        headers={**h, "If-Match": etag},
    )
    assert r.status_code == 200, r.text
    after = client.get(url, headers={**h, "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert "Chỉ tiêu mới cho phép thử ETag" in after.text
    # another reader of the same plan gets its own document and tag (never a 304 on someone else's tag unless
    # the bytes are the same)
    commune = auth("canbo.hoatham")
    theirs = client.get(url, headers={**commune, "If-None-Match": after.headers["etag"]})
    assert theirs.status_code in (200, 404)
    if theirs.status_code == 200:
        assert theirs.headers["etag"] != after.headers["etag"] and theirs.content


def test_framework_tree_etag_304_and_change(client: TestClient, auth: Any) -> None:
    h = auth("noivu")
    fid = client.post(f"{V1}/frameworks/import", json=document("ETAG", small_nodes()), headers=h).json()[
        "framework"
    ]["id"]
    url = f"{V1}/frameworks/{fid}/nodes"
    first = client.get(url, headers=h)
    tag = first.headers["etag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    assert client.get(url, headers={**h, "If-None-Match": tag}).status_code == 304
    filtered = client.get(url, params={"q": "zzz-none"}, headers=h)
    assert filtered.headers["etag"] != tag  # another document, another tag
    version = client.get(f"{V1}/frameworks/{fid}", headers=h).headers["etag"]
    r = client.patch(
        f"{V1}/frameworks/{fid}", json={"name": "Bộ chỉ số đổi tên"}, headers={**h, "If-Match": version}
    )
    assert r.status_code == 200, r.text
    after = client.get(url, headers={**h, "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag and "Bộ chỉ số đổi tên" in after.text
    # the framework's own version ETag (for If-Match) is untouched by the content tags
    assert client.get(f"{V1}/frameworks/{fid}", headers=h).headers["etag"].startswith('"framework-')
